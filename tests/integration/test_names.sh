#!/bin/bash
# test_names.sh — campaign, workflow, site and resource names are restricted to
# ASCII letters, digits, '-', '_', '.', '+' (not starting with '.', at most 200
# bytes): anything else exits 2 at `socm validate` with the name's position; names
# that matrices and the SO types generate stay valid; a log line cannot be forged by
# a control character in a value (here the state directory's path).
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

# expect_refused FILE LINE:COL WORDS — validate exits 2 and names the position.
expect_refused() {
    "$SOCM_BIN" validate "$1" >/dev/null 2>"$tmp/err"
    local rc=$?
    [ $rc = 2 ] || fail "$1: exit $rc, not 2 ($(cat "$tmp/err"))"
    grep -q "^$1:$2: $3" "$tmp/err" || fail "$1: no '$1:$2: $3' in: $(cat "$tmp/err")"
}

# wf NAME_KEY: a campaign (laptop_head) with one generic workflow under the key.
wf() {
    laptop_head ok
    printf '[campaign.%s]\ntype = "generic"\nexecutable = "true"\n' "$1"
}

long=$(printf 'w%.0s' $(seq 300))
wf "$long" >long.toml
expect_refused long.toml 11:11 "workflow name 'w.*' is 300 bytes long"
ok200=$(printf 'w%.0s' $(seq 200))
wf "$ok200" >ok200.toml
"$SOCM_BIN" validate ok200.toml >/dev/null 2>"$tmp/err" || fail "a 200-byte name: $(cat "$tmp/err")"

wf '"a\nb"' >newline.toml
expect_refused newline.toml 11:11 "workflow name 'a\\\\nb' contains the byte 0x0a"
wf '"a b"' >space.toml
expect_refused space.toml 11:11 "workflow name 'a b' contains ' '"
wf '"x;rm"' >semi.toml
expect_refused semi.toml 11:11 "workflow name 'x;rm' contains ';'"
wf '"d/e"' >slash.toml
expect_refused slash.toml 11:11 "workflow name 'd/e' contains '/'"
{ wf ok; echo 'name = "..x"'; } >dot.toml
expect_refused dot.toml 14:8 "workflow name '..x' starts with '.'"
wf '"f$(id)"' >dollar.toml
expect_refused dollar.toml 11:11 "workflow name 'f\$(id)' contains '\\$'"

# The campaign's own name, written or taken from the file name.
{ wf ok | sed 's/^name = "ok"/name = "my campaign"/'; } >cname.toml
expect_refused cname.toml 2:8 "campaign name 'my campaign' contains ' '"
{ wf ok | sed '/^name = /d'; } >"my camp.toml"
expect_refused "my camp.toml" 1:2 "campaign name 'my camp' contains ' '.*set name"

# Matrix members are named KEY-VALUE...: a value with a space makes an invalid name.
{ wf m; echo 'matrix = { band = ["f090", "f 150", 1.5e6, -2] }'; } >matrix.toml
expect_refused matrix.toml 11:11 "workflow name 'm-f 150' contains ' '"
grep -c "workflow name" "$tmp/err" | grep -qx 1 || fail "matrix: other members refused: $(cat "$tmp/err")"

# Sites and resources.
cat >site.toml <<'TOML'
[campaign]
name = "s"
deadline = "1h"
resources = ["a b", "ok"]
[campaign.sites."a b"]
cores = 2
[campaign.sites.ok]
cores = 2
[campaign.w]
type = "generic"
executable = "true"
TOML
expect_refused site.toml 4:14 "site name 'a b' contains ' '"
{ wf ok | sed 's/^resource = "laptop"/resource = "lap top"/; s/^\[resources.laptop\]/[resources."lap top"]/'; } >res.toml
expect_refused res.toml 4:12 "resource name 'lap top' contains ' '"

# Everything shipped still validates (the SO types' generated names included).
for f in "$SOCM_SRC"/examples/*.toml "$SOCM_SRC"/examples/*.yml; do
    [ -e "$f" ] || continue
    if ! (cd "$(dirname "$f")" && "$SOCM_BIN" validate "$(basename "$f")" >/dev/null 2>"$tmp/err") &&
        grep -q "name '" "$tmp/err"; then
        fail "$f: a name is refused: $(cat "$tmp/err")"
    fi
done

# A key that is no name socm knows is shown escaped in the message: a control
# character in it (a newline, a terminal escape) cannot forge a line or drive the
# terminal, in the text on stderr or in the key path.
{ wf ok; printf '"dead\\u001b[2Jline\\nX" = 1\n'; printf '[campaign."b\\u001b[31m"]\ntype = "generic"\nexecutable = "true"\n"q\\nz" = 1\n'; } >ctlkey.toml
"$SOCM_BIN" validate ctlkey.toml >/dev/null 2>"$tmp/err"
[ $? = 2 ] || fail "ctlkey.toml: not exit 2"
grep -q "$(printf '\033')" "$tmp/err" && fail "an ESC byte reaches stderr: $(cat -v "$tmp/err")"
grep -q "^X' in" "$tmp/err" && fail "a key's newline splits the message: $(cat -v "$tmp/err")"
grep -q "unknown key 'dead\\\\x1b\[2Jline\\\\nX'" "$tmp/err" || fail "no escaped key in: $(cat -v "$tmp/err")"

# `socm status` shows the tail of a failed workflow's stderr with its control
# characters escaped (a program's terminal escape does not reach the terminal), each
# of its lines a line of its own, even the last without a newline.
camp ctlerr "printf 'x\\\\033[2Jy\\\\n' >&2; printf 'no-newline' >&2; exit 4"
printf '[campaign.later]\ntype = "generic"\nexecutable = "false"\n' >>ctlerr.toml
"$SOCM_BIN" run -q ctlerr.toml >/dev/null 2>&1
"$SOCM_BIN" status socm-ctlerr >"$tmp/st" 2>&1
grep -q "$(printf '\033')" "$tmp/st" && fail "status shows a workflow's ESC byte: $(cat -v "$tmp/st")"
grep -q '| x\\x1b\[2Jy$' "$tmp/st" || fail "status does not show the escaped line: $(cat -v "$tmp/st")"
grep -q '| no-newline$' "$tmp/st" || fail "the last line runs on: $(cat -v "$tmp/st")"

# A control character in a logged value is escaped: one event, one line.
camp logged 'true'
sd="$tmp/state
2030-01-01T00:00:00Z forged DONE"
"$SOCM_BIN" run logged.toml --state-dir "$sd" >/dev/null 2>"$tmp/err" || fail "run: $(cat "$tmp/err")"
grep -q '^2030-01-01T00:00:00Z forged' "$sd/socm.log" && fail "socm.log has a forged line"
grep -q '^2030-01-01T00:00:00Z forged' "$tmp/err" && fail "stderr has a forged line"
grep -q 'state\\n2030-01-01T00:00:00Z forged DONE' "$sd/socm.log" ||
    fail "socm.log does not show the escaped path: $(cat "$sd/socm.log")"

finish
