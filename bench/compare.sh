#!/bin/sh
# Measures rnnlab's training throughput next to PyTorch's for the same model and work, in
# one run on this machine, interleaved configuration by configuration: PyTorch as Debian
# ships it (its BLAS the reference one) and PyTorch on OpenBLAS's optimised kernels
# (libopenblas0-pthread, chosen for that process only through LD_LIBRARY_PATH, one thread).
# rnn, lstm and gru at H = 32, T = 50, batch 1, 32 and 128; lstm at H = 256, batch 1, and at
# T = 1000; a stack of two lstm layers (num_layers=2) at batch 1 and 32. Builds rnnlab in build-bench/ (its own directory) and prints the table; with
# --write it also replaces the table in docs/BENCHMARKS.md (between its compare.sh markers).
# Needs Debian's python3-torch and libopenblas0-pthread (installed if missing).
# Usage: bench/compare.sh [SECONDS_PER_MEASUREMENT] [--write]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
secs=2 write=0
for a in "$@"; do
    case "$a" in
        --write) write=1 ;;
        *) secs=$a ;;
    esac
done
"$root/scripts/deps.sh" --bench
lib=/usr/lib/x86_64-linux-gnu
if ! dpkg-query -W -f='${Status}' libopenblas0-pthread 2>/dev/null | grep -q "install ok installed"; then
    echo "bench/compare.sh: installing libopenblas0-pthread" >&2
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends libopenblas0-pthread >&2
    # installing it makes OpenBLAS the system's BLAS and LAPACK; keep the reference ones the
    # default (rnnlab's LAPACK calls included): OpenBLAS is chosen per process below
    update-alternatives --set libblas.so.3-x86_64-linux-gnu "$lib/blas/libblas.so.3" >&2
    update-alternatives --set liblapack.so.3-x86_64-linux-gnu "$lib/lapack/liblapack.so.3" >&2
fi
[ -e "$lib/blas/libblas.so.3" ] && [ -e "$lib/openblas-pthread/libblas.so.3" ] || {
    echo "bench/compare.sh: needs $lib/blas and $lib/openblas-pthread (Debian's libblas3, libopenblas0-pthread)" >&2
    exit 1
}
build="$root/build-bench"
"$root/scripts/build.sh" "$build" >&2
bin="$build/rnnlab"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

configs="rnn:32:50:1 rnn:32:50:32 rnn:32:50:128 lstm:32:50:1 lstm:32:50:32 lstm:32:50:128
gru:32:50:1 gru:32:50:32 gru:32:50:128 lstm:256:50:1 lstm:32:1000:1 lstm:32:50:1:2 lstm:32:50:32:2"
field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
echo "| model | L | H | T | batch | rnnlab seq/s | GFLOP/s | share of peak | PyTorch, reference BLAS | speed-up | PyTorch, OpenBLAS | speed-up |" > "$out/table.md"
echo "|---|---|---|---|---|---|---|---|---|---|---|---|" >> "$out/table.md"
for c in $configs; do
    IFS=: read -r m h t b l <<EOT
$c
EOT
    l=${l:-1}
    "$bin" bench --set model=$m --set hidden=$h --set seq_len=$t --set batch=$b --set layers=$l --seconds "$secs" \
        > "$out/ours.txt"
    LD_LIBRARY_PATH="$lib/blas" OMP_NUM_THREADS=1 /usr/bin/python3 "$root/bench/torch_bench.py" "$secs" "$c" > "$out/ref.txt"
    LD_LIBRARY_PATH="$lib/openblas-pthread" OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 \
        /usr/bin/python3 "$root/bench/torch_bench.py" "$secs" "$c" > "$out/open.txt"
    awk -v m=$m -v l=$l -v h=$h -v t=$t -v b=$b -v o="$(field sequences_per_s < "$out/ours.txt")" \
        -v g="$(field gflops < "$out/ours.txt")" -v p="$(field peak_share < "$out/ours.txt")" \
        -v r="$(field sequences_per_s < "$out/ref.txt")" -v q="$(field sequences_per_s < "$out/open.txt")" 'BEGIN {
        printf "| %s | %s | %s | %s | %s | %.0f | %.2f | %s | %.0f | %.1fx | %.0f | %.1fx |\n", m, l, h, t, b, o, g, p, r, o / r, q, o / q }' \
        >> "$out/table.md"
    echo "bench/compare.sh: $c done" >&2
done
torch_version=$(/usr/bin/python3 -c 'import torch; print(torch.__version__)')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
    echo "Measured by \`bench/compare.sh $secs\` on $(date -u +%Y-%m-%d), all in one run: $cpu, $(nproc) cores,"
    echo "PyTorch $torch_version (Debian's python3-torch) on the reference BLAS and on OpenBLAS 0.3 (one thread),"
    echo "$("$bin" --version), gcc -O3. GFLOP/s and share of peak as in \`rnnlab bench\`."
    echo
    cat "$out/table.md"
} > "$out/section.md"
cat "$out/section.md"
if [ $write -eq 1 ]; then
    doc="$root/docs/BENCHMARKS.md"
    awk -v section="$out/section.md" '
        /<!-- compare.sh begin -->/ { print; while ((getline line < section) > 0) print line; skip = 1; next }
        /<!-- compare.sh end -->/ { skip = 0 }
        !skip { print }' "$doc" > "$out/doc.md" && cp "$out/doc.md" "$doc"
    echo "bench/compare.sh: wrote the table into $doc" >&2
fi
