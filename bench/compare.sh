#!/bin/sh
# Measures rnnlab's training throughput next to PyTorch's for the same model and work, in
# one run on this machine, and writes the table to docs/BENCHMARKS.md.
# Needs Debian's python3-torch (scripts/deps.sh --bench installs it).
# Usage: bench/compare.sh [SECONDS_PER_MEASUREMENT]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
secs=${1:-2}
"$root/scripts/deps.sh" --bench
"$root/scripts/build.sh" "$root/build"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

# Alternate the two so that a change in the machine's load falls on both.
"$root/build/rnnlab" bench --seconds "$secs" > "$out/rnnlab.txt"
"$root/build/rnnlab" bench --render --seconds "$secs" > "$out/render.txt"
OMP_NUM_THREADS=1 /usr/bin/python3 "$root/bench/torch_bench.py" "$secs" > "$out/torch.txt"

field() { sed -n "s/.*$1=\([^ ]*\).*/\1/p"; }
{
    echo "| model | batch | rnnlab seq/s | PyTorch seq/s | speed-up | target | full spectrum (µs) |"
    echo "|---|---|---|---|---|---|---|"
    for m in rnn lstm gru; do
        for b in 1 32; do
            ours=$(grep "model=$m .*batch=$b " "$out/rnnlab.txt" | field sequences_per_s)
            theirs=$(grep "model=$m .*batch=$b " "$out/torch.txt" | field sequences_per_s)
            spec=$(grep "model=$m .*batch=$b " "$out/rnnlab.txt" | field spectrum_us)
            target=$([ "$b" = 1 ] && echo 10 || echo 2)
            awk -v m="$m" -v b="$b" -v o="$ours" -v t="$theirs" -v g="$target" -v s="$spec" 'BEGIN {
                x = o / t; printf "| %s | %s | %.0f | %.0f | %.1fx | %dx %s | %.0f |\n", m, b, o, t, x, g, (x >= g ? "met" : "MISSED"), s }'
        done
    done
} > "$out/table.md"

torch_version=$(/usr/bin/python3 -c 'import torch; print(torch.__version__)')
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)
{
    cat <<HEAD
# Benchmarks

Training throughput, sequences per second: forward, loss, backward through time, the
per-step recording every view needs (norms of dL/dh_t per time step, per-parameter gradient
norms, the first sample's states and gates, sigma_max of W_hh by warm-started power
iteration), clipping and an Adam update. Adding task, hidden=32, seq_len=50, float64.
PyTorch does the same work (nn.RNN/LSTM/GRU + nn.Linear, MSELoss, Adam, float64, one
thread, data generated per step) with \`bench/torch_bench.py\`.

Measured by \`bench/compare.sh $secs\` on $(date -u +%Y-%m-%d), both in the same run:
$cpu, $(nproc) cores, PyTorch $torch_version (Debian's python3-torch),
rnnlab $("$root/build/rnnlab" --version | cut -d' ' -f2) built with gcc -O3 (no -march).

Targets (issue 2): 10x PyTorch at batch 1, 2x at batch 32.

HEAD
    cat "$out/table.md"
    cat <<'TAIL'

TAIL
    cat <<HEAD2

## The window

\`rnnlab bench --render\`: a full frame drawn offscreen in software at 1280x800 with
T = 100, H = 32 and every view visible (the same rasteriser draws the window); then the
window's frames back to back at "max" steps a frame, where training gets an 8 ms budget a
frame, beside headless training of the same configuration (rnn, adding, batch 16):

\`\`\`
$(cat "$out/render.txt")
\`\`\`

Target: 8 ms or less a frame.
HEAD2
    cat <<'TAIL'

The machine is shared; figures move by 10-20% between runs. Run `bench/compare.sh` to
measure again. Not included in rnnlab's throughput: the full spectrum (every singular
value and eigenvalue of each H x H gate block of W_hh, LAPACK dgesvd + dgeev), which is
computed when the window asks for it, at most once per frame, rather than once per step;
its cost per call is the last column. Recomputing it every step would cost more than the
step itself at batch 1, which is why it is not recorded per step.
TAIL
} > "$root/docs/BENCHMARKS.md"
cat "$root/docs/BENCHMARKS.md"
