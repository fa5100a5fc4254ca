#!/bin/sh
# Installs what is missing, builds, and runs the whole test suite with ctest.
# Usage: scripts/test.sh [BUILD_DIR]   (RNNLAB_SANITIZE=1 for the sanitizer build)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build"}
"$root/scripts/build.sh" "$build"
cd "$build"
ctest --output-on-failure --parallel "$(nproc 2>/dev/null || echo 2)"
