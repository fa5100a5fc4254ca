#!/bin/sh
# Builds the Debian package, rnnlab_VERSION-RELEASE_amd64.deb, with cpack in its own build
# directory (only what is installed: no tests; Debian's hardening flags from
# dpkg-buildflags before CMakeLists.txt's own), then runs lintian on it.
# Usage: scripts/package.sh [BUILD_DIR]   (default build-deb/; the .deb is left there)
# Install it with: apt-get install ./build-deb/rnnlab_*.deb
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-"$root/build-deb"}
"$root/scripts/deps.sh" --package

export DEB_BUILD_MAINT_OPTIONS=hardening=+all
cflags="$(dpkg-buildflags --get CFLAGS) $(dpkg-buildflags --get CPPFLAGS)"
ldflags=$(dpkg-buildflags --get LDFLAGS)
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release -DRNNLAB_TESTS=OFF -DRNNLAB_WERROR=ON \
    -DCMAKE_C_FLAGS="$cflags" -DCMAKE_EXE_LINKER_FLAGS="$ldflags" >/dev/null
cmake --build "$build" --parallel "${CMAKE_BUILD_PARALLEL_LEVEL:-$(nproc 2>/dev/null || echo 2)}"
rm -f "$build"/rnnlab_*.deb
(cd "$build" && cpack -G DEB)
deb=$(ls "$build"/rnnlab_*.deb)
echo "== lintian $deb =="
# errors fail; warnings and the rest are printed
lintian --info --display-info --fail-on error "$deb"
echo "rnnlab: built $deb"
