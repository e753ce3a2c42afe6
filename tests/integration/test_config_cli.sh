#!/usr/bin/env bash
# test_config_cli.sh — `socm config decode [--yaml]` (the toml-test decoder interface:
# tagged JSON on stdout, exit 0; invalid input: message with file:line:col on stderr,
# exit 2, nothing on stdout) and `socm config show [--json]` of merged files.
set -u
SOCM=${SOCM_BIN:-build/socm}
SRC=${SOCM_SRC:-.}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# Canonical JSON (sorted keys, compact) so that layout does not matter.
jcanon() {
    if command -v jq >/dev/null; then jq -S -c . ; else
        python3 -c 'import json,sys; print(json.dumps(json.load(sys.stdin),sort_keys=True,separators=(",",":")))'
    fi
}

# expect_json NAME WANT_JSON CMD... : runs CMD (stdin from $tmp/in), checks exit 0
# and that stdout is WANT_JSON.
expect_json() {
    local name=$1 want=$2; shift 2
    "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ $rc -eq 0 ] || { fail "$name: exit $rc: $(cat "$tmp/err")"; return; }
    local got wantc
    got=$(jcanon <"$tmp/out" 2>/dev/null) || { fail "$name: stdout is not JSON: $(head -c 300 "$tmp/out")"; return; }
    wantc=$(printf '%s' "$want" | jcanon)
    [ "$got" = "$wantc" ] || fail "$name: got $got, want $wantc"
}

# expect_err NAME LOCATION_REGEX CMD... : exit 2, empty stdout, stderr matches.
expect_err() {
    local name=$1 re=$2; shift 2
    "$@" <"$tmp/in" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ $rc -eq 2 ] || fail "$name: exit $rc, want 2 (stderr: $(cat "$tmp/err"))"
    [ -s "$tmp/out" ] && fail "$name: stdout not empty: $(head -c 200 "$tmp/out")"
    grep -Eq -- "$re" "$tmp/err" || fail "$name: stderr '$(cat "$tmp/err")' does not match '$re'"
}

# ---- TOML decode ----
cat >"$tmp/in" <<'T'
title = "socm"
n = 42
pi = 3.5
ok = true
when = 1979-05-27T07:32:00Z
day = 1979-05-27
list = [1, "two"]
[campaign]
deadline = "8h"
[[w]]
name = "a"
T
expect_json "toml decode" '{
 "title": {"type": "string", "value": "socm"},
 "n": {"type": "integer", "value": "42"},
 "pi": {"type": "float", "value": "3.5"},
 "ok": {"type": "bool", "value": "true"},
 "when": {"type": "datetime", "value": "1979-05-27T07:32:00Z"},
 "day": {"type": "date-local", "value": "1979-05-27"},
 "list": [{"type": "integer", "value": "1"}, {"type": "string", "value": "two"}],
 "campaign": {"deadline": {"type": "string", "value": "8h"}},
 "w": [{"name": {"type": "string", "value": "a"}}]
}' "$SOCM" config decode

printf 'a = 1\na = 2\n' >"$tmp/in"
expect_err "toml duplicate key" '<stdin>:2:[0-9]+: ' "$SOCM" config decode
printf 'a = [1,\n' >"$tmp/in"
expect_err "toml unterminated array" '<stdin>:[0-9]+:[0-9]+: ' "$SOCM" config decode
: >"$tmp/in"
expect_json "toml empty" '{}' "$SOCM" config decode

# ---- YAML decode ----
cat >"$tmp/in" <<'Y'
p: &pf some/file.dict
stages:
  a:
    script-args: [*pf]
    depends: null
    n: 3
    f: .inf
    flag: false
    quoted: "12"
Y
expect_json "yaml decode" '{
 "p": {"type": "string", "value": "some/file.dict"},
 "stages": {"a": {
   "script-args": [{"type": "string", "value": "some/file.dict"}],
   "depends": null,
   "n": {"type": "integer", "value": "3"},
   "f": {"type": "float", "value": "inf"},
   "flag": {"type": "bool", "value": "false"},
   "quoted": {"type": "string", "value": "12"}}}
}' "$SOCM" config decode --yaml

printf 'a: 1\nb: [1,\n' >"$tmp/in"
expect_err "yaml syntax error" '<stdin>:[0-9]+:[0-9]+: ' "$SOCM" config decode --yaml
printf 'a: 1\n---\nb: 2\n' >"$tmp/in"
expect_err "yaml two documents" '<stdin>:2:1: .*document' "$SOCM" config decode --yaml
printf 'a: *nope\n' >"$tmp/in"
expect_err "yaml unknown alias" '<stdin>:1:4: .*anchor' "$SOCM" config decode --yaml
{
    echo 'a: &a [x, x, x, x, x, x, x, x, x, x]'
    prev=a
    for l in b c d e f g h i j; do
        printf '%s: &%s [' "$l" "$l"
        for k in 1 2 3 4 5 6 7 8 9; do printf '*%s, ' "$prev"; done
        printf '*%s]\n' "$prev"
        prev=$l
    done
} >"$tmp/in"
expect_err "yaml billion laughs" '<stdin>:[0-9]+:[0-9]+: .*alias' timeout 20 "$SOCM" config decode --yaml

# A file argument works like stdin and names the file in errors.
printf 'x: [1\n' >"$tmp/bad.yml"
: >"$tmp/in"
expect_err "yaml file argument" "$tmp/bad.yml:[0-9]+:[0-9]+: " "$SOCM" config decode --yaml "$tmp/bad.yml"

# The original's dag.yml decodes, with its alias expanded in each of the 8 stages.
dag="$SRC/tests/data/compat/dag.yml"
if [ -f "$dag" ]; then
    "$SOCM" config decode --yaml <"$dag" >"$tmp/out" 2>"$tmp/err" || fail "dag.yml: $(cat "$tmp/err")"
    if command -v jq >/dev/null; then
        n=$(jq -r '.paramfile.value as $p | "\(.stages | length) \([.stages[] | select(.["script-args"][0].value == $p)] | length)"' <"$tmp/out")
    else
        n=$(python3 -c 'import json,sys; d=json.load(sys.stdin); print(len(d["stages"]), sum(s["script-args"][0]["value"]==d["paramfile"]["value"] for s in d["stages"].values()))' <"$tmp/out" 2>/dev/null)
    fi
    [ "$n" = "8 8" ] || fail "dag.yml: stages/aliases '$n', want '8 8'"
else
    fail "missing $dag"
fi

# Input beyond the size bound (64 MiB) is refused, not read without end.
head -c 67108865 /dev/zero | tr '\0' '#' >"$tmp/in"
expect_err "yaml too large" 'larger than' "$SOCM" config decode --yaml
: >"$tmp/in"

# ---- show ----
cat >"$tmp/base.yml" <<'Y'
campaign:
  deadline: 8h
  resource: tiger3
w:
  args: [a, b]
  resources: {ranks: 1, threads: 4}
Y
cat >"$tmp/prod.yaml" <<'Y'
campaign:
  deadline: 24h
w:
  args: [z]
  resources: {ranks: 8}
Y
: >"$tmp/in"
expect_json "show --json merged" '{
 "campaign": {"deadline": "24h", "resource": "tiger3"},
 "w": {"args": ["z"], "resources": {"ranks": 8, "threads": 4}}
}' "$SOCM" config show --json "$tmp/base.yml" "$tmp/prod.yaml"

cat >"$tmp/over.toml" <<'T'
[campaign]
policy = "cost"
[w.resources]
memory = "48G"
T
expect_json "show --json yaml+toml" '{
 "campaign": {"deadline": "8h", "resource": "tiger3", "policy": "cost"},
 "w": {"args": ["a", "b"], "resources": {"ranks": 1, "threads": 4, "memory": "48G"}}
}' "$SOCM" config show --json "$tmp/base.yml" "$tmp/over.toml"

# show without --json prints TOML that decodes back to the same tree.
"$SOCM" config show "$tmp/base.yml" "$tmp/over.toml" >"$tmp/shown.toml" 2>"$tmp/err" ||
    fail "show toml: $(cat "$tmp/err")"
"$SOCM" config show --json "$tmp/shown.toml" >"$tmp/a.json" 2>"$tmp/err" || fail "show of shown toml: $(cat "$tmp/err")"
"$SOCM" config show --json "$tmp/base.yml" "$tmp/over.toml" >"$tmp/b.json"
[ "$(jcanon <"$tmp/a.json")" = "$(jcanon <"$tmp/b.json")" ] || fail "show TOML does not round-trip"

expect_err "show missing file" "nope.yml" "$SOCM" config show "$tmp/nope.yml"
expect_err "show bad file" "$tmp/bad.yml:[0-9]+:[0-9]+: " "$SOCM" config show "$tmp/base.yml" "$tmp/bad.yml"
expect_err "show no file" "no file" "$SOCM" config show
expect_err "unknown subcommand" "unknown subcommand" "$SOCM" config frobnicate

# ---- help ----
for sub in "" decode show; do
    # shellcheck disable=SC2086
    "$SOCM" config $sub --help >"$tmp/out" 2>&1 || fail "config $sub --help exits non-zero"
    grep -q "example" "$tmp/out" || fail "config $sub --help has no example"
done

[ $fails -eq 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo "ok"
