#!/bin/sh
# SIGKILL at random moments of a large `train --save` over an existing saved run, KILLS
# times: after each kill the directory must be exactly the old run or exactly the new one
# (file for file, byte for byte), never a mixture, and --load must accept it.
# Usage: check_save_kills.sh RNNLAB WORKDIR [KILLS]
set -u
bin=$1 work=$2 kills=${3:-100}
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
BIG="--set model=lstm --set hidden=256 --set task=charlm --set seq_len=4 --set batch=1"
"$bin" train --quiet --steps 1 $BIG --set seed=1 --save old > /dev/null || exit 1
"$bin" train --quiet --steps 1 $BIG --set seed=2 --save new > /dev/null || exit 1
bytes=$(du -sb old | cut -f1)
# how long a whole save takes here, to spread the kills over it
start=$(date +%s%N)
cp -r old run
"$bin" train --quiet --steps 1 $BIG --set seed=2 --save run > /dev/null || exit 1
span=$(( ($(date +%s%N) - start) / 1000000 ))
rm -rf run
old_seen=0 new_seen=0 bad=0 i=0
while [ $i -lt "$kills" ]; do
    [ -d run ] || cp -r old run
    "$bin" train --quiet --steps 1 $BIG --set seed=2 --save run > /dev/null 2>&1 &
    pid=$!
    # somewhere in the run, most often in its last third (the save)
    delay=$(awk -v s="$i" -v span="$span" 'BEGIN { srand(s + 1); printf "%.3f", span * (0.2 + rand()) / 1000 }')
    sleep "$delay"
    kill -9 $pid 2> /dev/null
    wait $pid 2> /dev/null
    if diff -r -q run old > /dev/null 2>&1; then
        old_seen=$((old_seen + 1))
    elif diff -r -q run new > /dev/null 2>&1; then
        new_seen=$((new_seen + 1))
        rm -rf run # back to the old one for the next kill
    else
        echo "kill $i after ${delay}s: run is neither the old nor the new run:"
        diff -r -q run old | head -5
        bad=$((bad + 1))
        rm -rf run
    fi
    if [ -d run ] && ! "$bin" train --quiet --steps 0 --load run > /dev/null 2>&1; then
        echo "kill $i: --load refuses run"
        bad=$((bad + 1))
    fi
    i=$((i + 1))
done
stray=$(find . -maxdepth 1 -name '.run.*' | grep -c .)
echo "save kills: $kills SIGKILLs during saves of $bytes bytes (a save takes ${span} ms): $old_seen left the old run, $new_seen the new, $bad neither; $stray stray temporary directories"
[ $bad -eq 0 ]
