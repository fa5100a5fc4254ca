#!/bin/sh
# Training bits must not depend on which BLAS/LAPACK the system provides: runs that use
# LAPACK-shaped work at init (init=orthogonal, rho=) give the same CSV under Debian's
# reference LAPACK and under OpenBLAS's, each chosen through LD_LIBRARY_PATH. Skipped (exit
# 77) when only one is installed.
# Usage: check_blas_bits.sh RNNLAB WORKDIR
set -u
bin=$1 work=$2
lib=/usr/lib/x86_64-linux-gnu
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
[ -e "$lib/lapack/liblapack.so.3" ] && [ -e "$lib/openblas-pthread/liblapack.so.3" ] || {
    echo "only one LAPACK installed: skipped"
    exit 77
}
bad=0
for cfg in "init=orthogonal rho=1.5" "init=normal rho=1.1 model=lstm" "rho=3 model=gru"; do
    sets=""
    for kv in $cfg; do sets="$sets --set $kv"; done
    LD_LIBRARY_PATH="$lib/blas:$lib/lapack" "$bin" train --quiet --steps 30 --set hidden=24 $sets --csv ref.csv > /dev/null || bad=1
    LD_LIBRARY_PATH="$lib/openblas-pthread" "$bin" train --quiet --steps 30 --set hidden=24 $sets --csv open.csv > /dev/null || bad=1
    cmp -s ref.csv open.csv || { echo "FAIL $cfg: the CSV depends on the LAPACK"; bad=1; }
done
echo "blas bits: $( [ $bad -eq 0 ] && echo 'the same under the reference LAPACK and OpenBLAS' || echo DIFFERENT)"
[ $bad -eq 0 ]
