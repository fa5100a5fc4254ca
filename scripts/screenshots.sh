#!/bin/sh
# Takes the screenshots in docs/ the way a person sees the window: rnnlab runs under Xvfb
# at the screen size given, and ImageMagick's `import -window root` grabs the screen.
# Usage: scripts/screenshots.sh OUT.png WxH SECONDS [rnnlab options...]
# Needs xvfb and imagemagick (apt-get install xvfb xauth imagemagick); not part of the build.
set -eu
out=$1 size=$2 wait=$3
shift 3
bin=${RNNLAB_BIN:-build/rnnlab}
w=${size%x*} h=${size#*x}
xvfb-run -a -s "-screen 0 ${w}x${h}x24" sh -c "
    '$bin' --size $size \"\$@\" &
    pid=\$!
    sleep $wait
    import -window root '$out'
    kill \$pid
" rnnlab "$@"
echo "wrote $out"
