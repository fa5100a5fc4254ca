#!/bin/sh
# The manual page against the program's own help: the commands, the options, the
# configuration keys and the window's keys, each parsed from both sides, must be the same
# lists (an entry on one side only fails, naming it); its title line must carry the
# program's version; and the page must format with no warning from groff or man (when
# installed).
# Usage: tests/check_manpage.sh RNNLAB MANPAGE [WORKDIR]
# The page's entries are the tag lines after .TP in its sections COMMANDS, OPTIONS,
# CONFIGURATION and KEYS; the help's, the lines of `rnnlab --help`'s sections commands:,
# options:, configuration keys and keys in the window, and every command's own options:.
set -eu
bin=$1
page=$2
work=${3:-${TMPDIR:-/tmp}/rnnlab-manpage.$$}
export LC_ALL=C.UTF-8
rm -rf "$work"
mkdir -p "$work"

# ---- the program's side ----
"$bin" --help >"$work/help.txt"
# the lines of one section of --help (from the line starting with $1 to the blank line)
help_section() {
    awk -v head="$1" 'index($0, head) == 1 { on = 1; next } on && /^$/ { exit } on' "$work/help.txt"
}
# the tag of an entry: the line without its indent, up to two spaces
tag() { sed -n 's/^  \([^ ].*\)$/\1/p' | sed 's/  .*//'; }
help_section "commands:" | tag | awk '{ print $1 }' | sort -u >"$work/help-commands"
help_section "configuration keys" | tag | awk '{ print $1 }' | sort -u >"$work/help-config"
help_section "keys in the window" | tag | sort -u >"$work/help-keys"
{
    help_section "options:" | tag
    while read -r verb; do
        "$bin" "$verb" --help | awk '/^options:/ { on = 1; next } on' | tag
    done <"$work/help-commands"
} | grep -o -e '--\{0,1\}[a-z][a-z-]*' | grep '^-' | sort -u >"$work/help-options"

# ---- the page's side ----
# the tag lines after .TP in section $1, with the roff taken out
page_section() {
    awk -v want="$1" '
        /^\.SH/ { sec = $0; sub(/^\.SH[ \t]+/, "", sec); gsub(/"/, "", sec); next }
        sec != want { next }
        /^\.TP/ { tagline = 1; next }
        tagline { print; tagline = 0 }' "$page" |
        sed -e 's/^\.[A-Z][A-Z]*[ \t]*//' -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e 's/\\(->/→/g' \
            -e 's/\\&//g' -e 's/\\e/\\/g' -e 's/"//g' -e 's/[ \t]*$//'
}
page_section COMMANDS | awk '{ print $1 }' | sort -u >"$work/page-commands"
page_section CONFIGURATION | sed 's/=.*//; s/ .*//' | sort -u >"$work/page-config"
page_section KEYS | sort -u >"$work/page-keys"
page_section OPTIONS | grep -o -e '--\{0,1\}[a-z][a-z-]*' | grep '^-' | sort -u >"$work/page-options"

status=0
for what in commands options config keys; do
    n_help=$(wc -l <"$work/help-$what")
    n_page=$(wc -l <"$work/page-$what")
    if [ "$n_help" -eq 0 ]; then
        echo "check_manpage: found no $what in rnnlab --help (has its layout changed?)" >&2
        status=1
    fi
    comm -23 "$work/help-$what" "$work/page-$what" | while IFS= read -r e; do
        echo "check_manpage: $what: '$e' is in rnnlab's help but not in $page" >&2
    done
    comm -13 "$work/help-$what" "$work/page-$what" | while IFS= read -r e; do
        echo "check_manpage: $what: '$e' is in $page but not in rnnlab's help" >&2
    done
    if ! cmp -s "$work/help-$what" "$work/page-$what"; then
        status=1
    else
        echo "$what: the same $n_page entries in the help and the page"
    fi
done

# ---- the version in its title line is the program's ----
version=$("$bin" --version | awk '{ print $2; exit }')
if ! grep -q "^\.TH RNNLAB 1 .*\"rnnlab $version\"" "$page"; then
    echo "check_manpage: $page's .TH line does not say \"rnnlab $version\" (rnnlab --version)" >&2
    status=1
fi

# ---- it formats cleanly ----
if command -v groff >/dev/null 2>&1; then
    groff -man -Tutf8 -ww -z "$page" 2>"$work/groff.txt" || true
    if [ -s "$work/groff.txt" ]; then
        echo "check_manpage: groff -man -ww warns:" >&2
        cat "$work/groff.txt" >&2
        status=1
    fi
fi
if command -v man >/dev/null 2>&1; then
    # lintian's own check (manpage-has-errors-from-man)
    MANWIDTH=80 man --warnings -E UTF-8 -l -Tutf8 -Z "$page" >/dev/null 2>"$work/man.txt" || true
    if [ -s "$work/man.txt" ]; then
        echo "check_manpage: man --warnings:" >&2
        cat "$work/man.txt" >&2
        status=1
    fi
fi
[ "$status" -eq 0 ] && rm -rf "$work"
exit "$status"
