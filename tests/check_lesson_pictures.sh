#!/bin/sh
# Every step of every lesson has its picture, and each is a 1280x800 PNG.
# Usage: check_lesson_pictures.sh LESSON_DIR PICTURE_DIR
set -eu
lessons=$1
pictures=$2
status=0
for f in "$lessons"/[0-9]*.md; do
    name=$(basename "$f" .md)
    steps=$(grep -c '^## ' "$f")
    k=1
    while [ "$k" -le "$steps" ]; do
        png="$pictures/$name-step-$k.png"
        if [ ! -s "$png" ]; then
            echo "$png: missing" >&2
            status=1
        else
            # the PNG signature and the IHDR width and height (1280 = 0x500, 800 = 0x320)
            head=$(od -An -tx1 -N24 "$png" | tr -d ' \n')
            case "$head" in
                89504e470d0a1a0a0000000d494844520000050000000320) ;;
                *) echo "$png: not a 1280x800 PNG ($head)" >&2; status=1 ;;
            esac
        fi
        k=$((k + 1))
    done
done
exit $status
