#!/bin/sh
# Installs the Debian packages rnnlab needs to build and test, if any are missing.
# Uses apt-get as root (or through sudo); elsewhere it prints what to install.
# Usage: scripts/deps.sh [--bench] [--fuzz] [--package]   (--bench adds PyTorch and NumPy for
# bench/; --fuzz adds clang and its libFuzzer/sanitizer runtimes for scripts/fuzz.sh;
# --package what scripts/package.sh needs: dpkg-shlibdeps, file and lintian)
set -eu

# (the last line: the tests' validators of the desktop entry, the AppStream metadata, the
# file types and the manual page)
PKGS="build-essential cmake pkg-config libsdl2-dev libsdl2-ttf-dev libsdl2-image-dev
libcmocka-dev libcmark-dev liblapacke-dev libfontconfig-dev fontconfig fonts-dejavu-core
desktop-file-utils appstream shared-mime-info groff-base man-db"
for opt in "$@"; do
    case "$opt" in
    --bench) PKGS="$PKGS python3 python3-numpy python3-torch" ;;
    # libclang-rt-dev (libFuzzer, ASan) is only recommended by clang, and recommends are skipped
    --fuzz) PKGS="$PKGS clang libclang-rt-dev" ;;
    --package) PKGS="$PKGS dpkg-dev file lintian" ;;
    *) echo "rnnlab: scripts/deps.sh: unknown option $opt (accepted: --bench, --fuzz, --package)" >&2; exit 2 ;;
    esac
done

missing=""
for p in $PKGS; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
        missing="$missing $p"
    fi
done
[ -z "$missing" ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
    echo "rnnlab: not a Debian system; install the equivalents of:$missing" >&2
    exit 1
fi
if [ "$(id -u)" -eq 0 ]; then
    SUDO=""
elif command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
else
    echo "rnnlab: need root to install:$missing" >&2
    echo "        run as root: apt-get install -y$missing" >&2
    exit 1
fi

echo "rnnlab: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >&2
# shellcheck disable=SC2086
$SUDO apt-get install -y -q --no-install-recommends $missing >&2
