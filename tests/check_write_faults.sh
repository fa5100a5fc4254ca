#!/bin/sh
# Every output path under injected faults (tests/fault_shim.c): the Nth write to a file
# fails with ENOSPC, for every N until the command has no Nth write, then the first fsync
# and the first rename fail. Each failure must exit 1 with a message saying it could not
# write, leave the old output exactly as it was, and leave no temporary file behind.
# Usage: check_write_faults.sh RNNLAB SHIM WORKDIR
set -u
bin=$1 shim=$2 work=$3
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
SMALL="--set hidden=4 --set seq_len=6 --set batch=3"
fails=0 faults=0 survived=0

sum() { # a checksum of a file or of a directory's files
    if [ -d "$1" ]; then (cd "$1" && find . -type f | sort | xargs cat | cksum); else cksum < "$1"; fi
}
leftovers() { find . -name '.*.tmp-*' -o -name '.*.new-*' | grep -c . ; }

# name, the old output, the command that rewrites it
check() {
    name=$1 out=$2
    shift 2
    old=$(sum "$out")
    for var in FAULT_WRITE_AT FAULT_FSYNC_AT FAULT_RENAME_AT; do
        n=1
        while [ $n -le 400 ]; do
            env "$var=$n" LD_PRELOAD="$shim" "$@" > out.txt 2> err.txt
            code=$?
            if [ $code -eq 0 ]; then
                break # no Nth one: the command went through
            fi
            faults=$((faults + 1))
            if [ $code -ne 1 ] || ! grep -q "cannot write\|cannot put the new run in place" err.txt ||
               [ "$(sum "$out")" != "$old" ] || [ "$(leftovers)" -ne 0 ]; then
                echo "FAIL $name $var=$n: exit $code, $(cat err.txt | head -2), old output $( [ "$(sum "$out")" = "$old" ] && echo kept || echo CHANGED ), leftovers $(leftovers)"
                fails=$((fails + 1))
            else
                survived=$((survived + 1))
            fi
            [ "$var" = FAULT_WRITE_AT ] || break # the first fsync / rename is enough
            n=$((n + 1))
        done
        # the successful run rewrote it: put the old one back for the next kind of fault
        old=$(sum "$out")
    done
}

"$bin" train --quiet --steps 3 $SMALL --csv h.csv > /dev/null || exit 1
check "train --csv" h.csv "$bin" train --quiet --steps 3 $SMALL --set seed=2 --csv h.csv
"$bin" train --quiet --steps 2 $SMALL --save run > /dev/null || exit 1
check "train --save" run "$bin" train --quiet --steps 2 $SMALL --set seed=2 --save run
"$bin" grads $SMALL --out g > /dev/null || exit 1
check "grads --out" g "$bin" grads $SMALL --set seed=2 --out g
"$bin" render --train-steps 2 $SMALL --out p.png > /dev/null || exit 1
check "render --out" p.png "$bin" render --train-steps 2 $SMALL --set seed=2 --out p.png
"$bin" train --quiet --steps 2 --compare model=rnn,gru $SMALL --csv c.csv > /dev/null || exit 1
check "train --compare --csv" c.csv "$bin" train --quiet --steps 3 --compare model=rnn,gru $SMALL --csv c.csv

echo "write faults: $faults injected, $survived reported with the old output kept, $fails wrong"
[ $fails -eq 0 ]
