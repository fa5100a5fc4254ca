#!/bin/sh
# An installed rnnlab: `cmake --install BUILD --prefix PREFIX`, then the installed binary,
# started from a directory that has nothing to do with rnnlab, finds the installed lessons
# (not the source tree's), checks them and draws the start screen; moved elsewhere as a
# whole it still finds them (relocatable); RNNLAB_DATA_DIR and RNNLAB_LESSONS override.
# Nothing but rnnlab goes into bin/ (no test, bench or fuzz binary).
# Usage: tests/check_installed.sh CMAKE BUILD_DIR WORK_DIR
set -eu
cmake=$1
build=$2
work=$3
export LC_ALL=C.UTF-8 SDL_VIDEODRIVER=dummy
unset RNNLAB_DATA_DIR RNNLAB_LESSONS
rm -rf "$work"
mkdir -p "$work/elsewhere"
fail() { echo "check_installed: $*" >&2; exit 1; }

prefix="$work/prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$work/install.log" || fail "cmake --install failed: $(cat "$work/install.log")"
[ "$(ls "$prefix/bin")" = rnnlab ] || fail "bin/ holds more than rnnlab: $(ls "$prefix/bin" | tr '\n' ' ')"
for f in share/rnnlab/assets/icons/rnnlab-64.png share/applications/rnnlab.desktop \
    share/mime/packages/rnnlab.xml share/man/man1/rnnlab.1.gz share/doc/rnnlab/copyright \
    share/icons/hicolor/scalable/apps/rnnlab.svg \
    share/icons/hicolor/16x16/apps/rnnlab.png share/icons/hicolor/32x32/apps/rnnlab.png \
    share/icons/hicolor/48x48/apps/rnnlab.png share/icons/hicolor/64x64/apps/rnnlab.png \
    share/icons/hicolor/128x128/apps/rnnlab.png share/icons/hicolor/256x256/apps/rnnlab.png; do
    [ -f "$prefix/$f" ] || fail "not installed: $f"
done
ls "$prefix"/share/metainfo/*.metainfo.xml >/dev/null 2>&1 || fail "no metainfo file in share/metainfo"
n=$(ls "$prefix"/share/rnnlab/lessons/[0-9]*.md | wc -l)
[ "$n" -ge 10 ] || fail "only $n lessons installed"

# from another directory, the installed lessons, checked and drawn
check_from() { # PREFIX: its rnnlab uses its lessons
    p=$1
    real=$(cd "$p" && pwd -P)
    (cd "$work/elsewhere" && "$p/bin/rnnlab" --help) >"$work/help.txt"
    grep -q "^lessons: $real/share/rnnlab/lessons " "$work/help.txt" ||
        fail "$p/bin/rnnlab does not use $real/share/rnnlab/lessons: $(grep '^lessons:' "$work/help.txt")"
    (cd "$work/elsewhere" && "$p/bin/rnnlab" lesson-check "$p"/share/rnnlab/lessons/[0-9]*.md) >"$work/check.txt" ||
        fail "lesson-check on the installed lessons: $(cat "$work/check.txt")"
    rm -f "$work/elsewhere/start.png"
    (cd "$work/elsewhere" && "$p/bin/rnnlab" render --start --size 1024x768 --out start.png) ||
        fail "render --start from $work/elsewhere failed"
    [ "$(head -c 8 "$work/elsewhere/start.png" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] ||
        fail "render --start wrote no PNG"
}
check_from "$prefix"
mv "$prefix" "$work/moved"
check_from "$work/moved"

# the environment overrides
mkdir -p "$work/data/lessons"
(cd "$work/elsewhere" && RNNLAB_DATA_DIR="$work/data" "$work/moved/bin/rnnlab" --help) | grep -q "^lessons: $work/data/lessons " ||
    fail "RNNLAB_DATA_DIR is not used"
(cd "$work/elsewhere" && RNNLAB_LESSONS="$work/data/lessons" "$work/moved/bin/rnnlab" --help) | grep -q "^lessons: $work/data/lessons " ||
    fail "RNNLAB_LESSONS is not used"
echo "installed to $prefix and moved: $n lessons found, checked and drawn from another directory"
rm -rf "$work"
