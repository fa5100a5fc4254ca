#!/bin/sh
# The same configurations under every instruction-set path this CPU runs (RNNLAB_ISA):
# train's CSV and grads' arrays must be byte for byte the same on each. One more run,
# "nofma", is the baseline path with glibc told the CPU has no AVX2 and no FMA
# (GLIBC_TUNABLES), so that glibc's libm picks its SSE2 variants: what an old CPU would see.
# Usage: check_isa_bits.sh RNNLAB WORKDIR
set -u
bin=$1 work=$2
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
paths=$("$bin" --version | sed 's/.*this CPU runs \(.*\); RNNLAB_ISA.*/\1/' | tr -d ,)
set -- "model=rnn task=adding seq_len=30" "model=lstm task=echo seq_len=20 clip=0.5" \
       "model=gru task=charlm seq_len=16" "model=lstm task=reverse" "model=rnn activation=sigmoid task=sine" \
       "model=lstm layers=3 task=adding seq_len=20 truncate=6" "model=gru layers=2 task=reverse" \
       "model=gru layers=2 task=echo min_len=4" "model=lstm task=reverse min_len=3"
bad=0 n=0
for cfg in "$@"; do
    n=$((n + 1))
    sets=""
    for kv in $cfg; do sets="$sets --set $kv"; done
    for p in $paths nofma; do
        if [ $p = nofma ]; then
            export RNNLAB_ISA=baseline GLIBC_TUNABLES=glibc.cpu.hwcaps=-AVX2,-FMA,-AVX512F
        else
            export RNNLAB_ISA=$p
            unset GLIBC_TUNABLES
        fi
        "$bin" train --quiet --steps 30 --set hidden=24 --set batch=5 $sets --csv "$p-$n.csv" > /dev/null || bad=1
        "$bin" grads --set hidden=24 --set batch=5 $sets --out "$p-$n" > /dev/null || bad=1
    done
    unset GLIBC_TUNABLES
    first=${paths%% *}
    for p in $paths nofma; do
        cmp -s "$first-$n.csv" "$p-$n.csv" || { echo "FAIL $cfg: $p's CSV differs from $first's"; bad=1; }
        diff -r -q "$first-$n" "$p-$n" > /dev/null || { echo "FAIL $cfg: $p's arrays differ from $first's"; bad=1; }
    done
done
echo "isa bits: $n configurations on paths [$paths nofma]: $( [ $bad -eq 0 ] && echo 'identical' || echo 'DIFFERENT')"
[ $bad -eq 0 ]
