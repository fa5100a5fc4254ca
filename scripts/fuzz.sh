#!/bin/sh
# Builds the libFuzzer harnesses (tests/fuzz) with clang in build-fuzz/ and, for each,
# replays the inputs recorded in tests/fuzz/crashes/NAME/ (each once: a fixed crash stays
# fixed), then fuzzes for SECONDS (default 30) on a copy of its seed corpus
# tests/fuzz/corpus/NAME/. Prints each harness's runs and whether it crashed; exits 1 if
# any recorded input or any fuzzing run did (the new input is kept in build-fuzz/artifacts/NAME/).
# Usage: scripts/fuzz.sh [SECONDS]   (RNNLAB_JOBS=N: build with N jobs, default nproc)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-30}
build="$root/build-fuzz"
harnesses="config experiment npy corpus lesson"

"$root/scripts/deps.sh" --fuzz

# A build directory of its own: every object is instrumented, nothing comes from build/.
# Release keeps assertions (CMakeLists.txt's -O3 has no -DNDEBUG).
CC=clang cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRNNLAB_FUZZ=ON >/dev/null
cmake --build "$build" --target fuzz --parallel "${RNNLAB_JOBS:-$(nproc 2>/dev/null || echo 2)}" >&2

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
failed=""

# What a failed run's log says went wrong, and the top frames of its stack, indented.
report() {
    { grep -A1 '^fuzz:' "$1" | head -n 2; grep -E '^(==[0-9]+== ?ERROR|ALARM)' "$1" | head -n 1; } |
        sed 's/^/    /'
    grep -E '^    #[0-9]+ ' "$1" | grep -vE '__sanitizer|fuzzer::|libc\.so|libc_start|nptl|abort\.c|raise\.c' |
        awk '$1 == "#0" && n++ { exit } { print }' | head -n 5 | sed 's/^/    /'
}

for h in $harnesses; do
    bin="$build/tests/fuzz/fuzz_$h"
    corpus="$build/corpus/$h" artifacts="$build/artifacts/$h" log="$build/fuzz_$h.log"
    replay="$build/fuzz_$h.replay.log"
    rm -rf "$corpus" "$artifacts"
    mkdir -p "$corpus" "$artifacts"

    # Inputs that once crashed must not crash again.
    for input in "$root/tests/fuzz/crashes/$h/"*; do
        [ -f "$input" ] || continue
        status=0
        "$bin" -rss_limit_mb=2048 -timeout=10 "$input" >"$replay" 2>&1 || status=$?
        if [ "$status" -ne 0 ]; then
            failed="$failed $h"
            echo "fuzz_$h: FAILED (exit $status) on the recorded input $input"
            report "$replay"
        fi
    done

    cp "$root/tests/fuzz/corpus/$h/"* "$corpus/" # a copy: new inputs stay out of the repo
    status=0
    "$bin" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
        -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || status=$?
    if [ "$status" -eq 0 ]; then
        echo "fuzz_$h: $(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -n 1) runs in $seconds s, no crash"
    else
        failed="$failed $h"
        echo "fuzz_$h: FAILED (exit $status) after $(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1) runs; log $log"
        report "$log"
        ls "$artifacts" | sed "s|^|    input: $artifacts/|"
    fi
done
if [ -n "$failed" ]; then
    echo "fuzzing failed: $(echo $failed | tr ' ' '\n' | sort -u | tr '\n' ' ')" >&2
    exit 1
fi
echo "fuzzing passed: $harnesses"
