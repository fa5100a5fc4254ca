#!/bin/sh
# Configures (once) and builds rnnlab into a build directory, after installing any
# missing Debian packages. Usage: scripts/build.sh [BUILD_DIR] [extra cmake -D options]
# Environment: RNNLAB_SANITIZE=1 for ASan+UBSan, RNNLAB_WERROR=1 for -Werror.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
[ $# -gt 0 ] && shift

"$root/scripts/deps.sh"

opts="-DCMAKE_BUILD_TYPE=Release"
[ "${RNNLAB_SANITIZE:-0}" = 1 ] && opts="-DCMAKE_BUILD_TYPE=Debug -DRNNLAB_SANITIZE=ON"
[ "${RNNLAB_WERROR:-0}" = 1 ] && opts="$opts -DRNNLAB_WERROR=ON"
# shellcheck disable=SC2086
cmake -S "$root" -B "$build" $opts "$@" >/dev/null
cmake --build "$build" --parallel "$(nproc 2>/dev/null || echo 2)" >&2
