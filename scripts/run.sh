#!/bin/sh
# Installs what is missing, builds when needed, and starts rnnlab with any arguments given.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/build.sh" "$root/build"
exec "$root/build/rnnlab" "$@"
