#!/bin/sh
# Takes the screenshots in docs/ the way a person sees the window: rnnlab runs under Xvfb
# at the screen size given, keys are pressed (xdotool), and ImageMagick's
# `import -window root` grabs the screen.
# Usage: [XDO="key Escape"] [SETTLE=3] scripts/screenshots.sh OUT.png WxH SECONDS [rnnlab options...]
#   XDO: xdotool commands run SETTLE seconds after the start (e.g. "key Escape sleep 1
#   mousemove 600 100 key z"); SECONDS later the shot.
# Needs xvfb, xdotool and imagemagick (apt-get install xvfb xauth xdotool imagemagick); not
# part of the build.
set -eu
out=$1 size=$2 wait=$3
shift 3
bin=${RNNLAB_BIN:-build/rnnlab}
xdo=${XDO:-}
settle=${SETTLE:-3}
w=${size%x*} h=${size#*x}
xvfb-run -a -s "-screen 0 ${w}x${h}x24" sh -c "
    '$bin' --size $size \"\$@\" &
    pid=\$!
    sleep $settle
    [ -n '$xdo' ] && xdotool $xdo
    sleep $wait
    import -window root '$out'
    kill \$pid
" rnnlab "$@"
echo "wrote $out"
