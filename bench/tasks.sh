#!/bin/sh
# Trains an LSTM on every task at its default settings for a fixed number of steps and
# writes how far each got (loss against its memoryless baseline, metric, seconds) to
# docs/TASKS.md. Usage: bench/tasks.sh [STEPS]   (default 3000)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
steps=${1:-3000}
"$root/scripts/build.sh" "$root/build"
bin="$root/build/rnnlab"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

{
    echo "| task | shape | seq_len | hidden | baseline | loss after $steps steps | metric | seconds |"
    echo "|---|---|---|---|---|---|---|---|"
    "$bin" tasks | awk 'NF >= 9 && $1 != "task" && $2 ~ /-|seq2seq/ { print $1, $2, $6, $7, $8 }' |
    while read -r task shape baseline seq_len hidden; do
        start=$(date +%s.%N)
        "$bin" train --set task="$task" --set model=lstm --steps "$steps" --quiet --csv "$out/$task.csv"
        end=$(date +%s.%N)
        # the mean of the last 50 steps
        tail -n 50 "$out/$task.csv" | awk -F, -v t="$task" -v s="$shape" -v b="$baseline" \
            -v L="$seq_len" -v H="$hidden" -v secs="$(echo "$end - $start" | bc)" '
            { loss += $2; metric += $3; n++ }
            END { printf "| %s | %s | %s | %s | %.4f | %.4f | %.3f | %.1f |\n", t, s, L, H, b, loss / n, metric / n, secs }'
    done
} > "$out/table.md"

{
    cat <<HEAD
# Tasks: how far an LSTM gets at the defaults

Each task trained with \`rnnlab train --set task=NAME --set model=lstm --steps $steps\`
(defaults otherwise: Adam, lr 0.01, batch 16, seed 1), by \`bench/tasks.sh $steps\` on
$(date -u +%Y-%m-%d), $(nproc) cores. Loss and metric are the means over the last 50 steps;
the metric is accuracy, or mse for wave and sine (see \`rnnlab tasks\`). The baseline is
the loss of the best predictor without memory.

HEAD
    cat "$out/table.md"
    cat <<'TAIL'

parity shows the plateau typical of it: the loss sits at ln 2 for thousands of steps, then
drops to zero at once. Measured on 2026-11-22 with 20000 steps (2 s each): seed 1 leaves
the plateau between steps 5000 and 10000, seeds 2 and 3 before step 2500; longer strings
take much longer (seq_len=4 did not leave it in 15000 steps). copy learns slowly: below its
baseline within a minute, full recall much later; larger batches (batch=64) help.
TAIL
} > "$root/docs/TASKS.md"
cat "$root/docs/TASKS.md"
