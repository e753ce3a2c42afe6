#!/usr/bin/env bash
# test_man.sh — the man pages (man/*.scd, made into roff by the build with scdoc)
# cover the command line: socm(1) names every command `socm --help` lists and every
# option it shows; each command has its page socm-CMD(1) naming every option its
# `--help` shows; socm-campaign(5) exists. Skips when the build had no scdoc.
set -u
. "$(dirname "$0")/lib.sh"
man=${SOCM_BUILD:?}/man
[ -d "$man" ] || skip "no man pages in $man (the build found no scdoc: apt-get install scdoc)"

# page NAME: the text of a generated page, roff escapes for '-' and fonts undone.
page() { sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g' -e 's/\\(em/-/g' "$man/$1"; }
# options: every -x / --long-option token of stdin, once.
options() { grep -oE -- '(^|[^A-Za-z0-9_.-])--?[A-Za-z][A-Za-z0-9-]*' | grep -oE -- '--?[A-Za-z][A-Za-z0-9-]*' | sort -u; }
# covers PAGE HELPTEXT: every option of HELPTEXT is a word of PAGE.
covers() {
    local p=$1 text o
    text=$(page "$p")
    while read -r o; do
        grep -qE -- "(^|[^A-Za-z0-9-])$o([^A-Za-z0-9-]|\$)" <<<"$text" || fail "$p does not mention $o"
    done < <(options <<<"$2")
}

cmds=$("$SOCM_BIN" --help | awk '/^commands:/ {on = 1; next} on && /^  [a-z]/ {print $1} on && /^$/ {exit}')
[ "$(wc -w <<<"$cmds")" -ge 10 ] || fail "socm --help lists too few commands: $cmds"
[ -f "$man/socm.1" ] || fail "no socm.1"
[ -f "$man/socm-campaign.5" ] || fail "no socm-campaign.5"
covers socm.1 "$("$SOCM_BIN" --help)"
n=0
for c in $cmds; do
    grep -qE "socm-$c|socm $c" <(page socm.1) || fail "socm.1 does not name $c"
    if [ ! -f "$man/socm-$c.1" ]; then fail "no page socm-$c.1"; continue; fi
    head -c 200 "$man/socm-$c.1" | grep -q '^.TH' || grep -q '^\.TH "socm-'"$c"'" "1"' "$man/socm-$c.1" || fail "socm-$c.1 is not a man page"
    covers "socm-$c.1" "$("$SOCM_BIN" "$c" --help)"
    n=$((n + 1))
done
# socm-campaign(5)'s examples are campaigns socm accepts: the SYNOPSIS one alone,
# the cluster table added to it.
src=${SOCM_SRC:?}/man/socm-campaign.5.scd
awk '/^```/ {n++; next} n == 1' "$src" >"$tmp/syn.toml"
awk '/^```/ {n++; next} n == 3' "$src" >"$tmp/clusters.toml"
"$SOCM_BIN" validate "$tmp/syn.toml" >"$tmp/syn.out" 2>&1 || fail "socm-campaign(5) SYNOPSIS: $(cat "$tmp/syn.out")"
grep -q '^workflows: 2' "$tmp/syn.out" || fail "socm-campaign(5) SYNOPSIS: $(cat "$tmp/syn.out")"
{ cat "$tmp/syn.toml" "$tmp/clusters.toml"; } | sed 's/^resource = "local"/resource = "laptop"/' >"$tmp/cl.toml"
"$SOCM_BIN" validate "$tmp/cl.toml" >"$tmp/cl.out" 2>&1 || fail "socm-campaign(5) clusters: $(cat "$tmp/cl.out")"
grep -q 'resource: laptop (1 node x 2 cores' "$tmp/cl.out" || fail "socm-campaign(5) clusters: $(cat "$tmp/cl.out")"

# The test can fail: a page without an option is caught.
sed 's/--json//g' "$man/socm-status.1" >"$tmp/socm-status.1"
man_saved=$man; man=$tmp
out=$(covers socm-status.1 "$("$SOCM_BIN" status --help)"; echo "$fails")
man=$man_saved
grep -q 'does not mention --json' <<<"$out" || fail "a page missing --json was not caught: $out"
finish "ok: man pages for socm and $n commands cover their --help"
