#!/usr/bin/env bash
# test_render_cli.sh — `socm render`: -D values typed as TOML or kept as strings,
# --values files, -o, the seed's one-section-per-band campaign, and errors (exit 2,
# file:line:col on stderr). The rendered campaign must read back as TOML.
set -u
SOCM=${SOCM_BIN:-build/socm}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

cat >"$tmp/campaign.toml.j2" <<'T'
{# one mapmaking section per band, as the seed's templates do #}
[campaign]
deadline = "{{ deadline }}"
resource = "{{ resource | default("tiger3") }}"
{% for band in bands %}
[campaign.ml-mapmaking-{{ band }}]
id = {{ loop.index }}
{%- if band == "f220" %}
high = true
{%- endif %}
ranks = {{ n * 2 }}
{% endfor %}
T
"$SOCM" render "$tmp/campaign.toml.j2" -D 'bands=["f090","f150","f220"]' -D n=4 \
    -D deadline=8h -o "$tmp/out.toml" 2>"$tmp/err" || fail "render: $(cat "$tmp/err")"
grep -q '^deadline = "8h"$' "$tmp/out.toml" || fail "deadline not rendered as a string"
grep -q '^resource = "tiger3"$' "$tmp/out.toml" || fail "default not applied"
[ "$(grep -c '^\[campaign.ml-mapmaking-' "$tmp/out.toml")" = 3 ] || fail "not 3 band sections"
grep -q '^\[campaign.ml-mapmaking-f150\]$' "$tmp/out.toml" || fail "f150 section missing"
[ "$(grep -c '^ranks = 8$' "$tmp/out.toml")" = 3 ] || fail "-D n=4 not an integer"
[ "$(grep -c '^high = true$' "$tmp/out.toml")" = 1 ] || fail "if on band"
# What was rendered is a valid campaign file for socm.
"$SOCM" config show --json "$tmp/out.toml" >"$tmp/out.json" 2>"$tmp/err" ||
    fail "rendered TOML does not parse: $(cat "$tmp/err")"
grep -q '"id": 3' "$tmp/out.json" || grep -q '"id":3' "$tmp/out.json" || fail "ids not 1..3"

# --values supplies variables, -D overrides them; output to stdout.
cat >"$tmp/values.toml" <<'T'
bands = ["f090"]
n = 1
deadline = "2d"
resource = "perlmutter"
T
out=$("$SOCM" render "$tmp/campaign.toml.j2" --values "$tmp/values.toml" -D n=3 2>"$tmp/err") ||
    fail "render --values: $(cat "$tmp/err")"
grep -q 'resource = "perlmutter"' <<<"$out" || fail "--values not used"
grep -q 'ranks = 6' <<<"$out" || fail "-D does not override --values"
grep -q 'deadline = "2d"' <<<"$out" || fail "--values deadline"

# Template from stdin.
out=$(echo 'x={{ x }}' | "$SOCM" render - -D x=1) || fail "render from stdin"
[ "$out" = "x=1" ] || fail "stdin render: '$out'"

# Errors: undefined variable with its position; syntax errors; usage.
printf 'a\nb = {{ nope }}\n' >"$tmp/bad.j2"
"$SOCM" render "$tmp/bad.j2" >"$tmp/out" 2>"$tmp/err"
[ $? -eq 2 ] || fail "undefined variable: exit not 2"
grep -q "$tmp/bad.j2:2:8: undefined variable 'nope'" "$tmp/err" || fail "undefined: $(cat "$tmp/err")"
[ -s "$tmp/out" ] && fail "output written despite the error"
printf '{%% if x %%}\n' >"$tmp/open.j2"
"$SOCM" render "$tmp/open.j2" -D x=1 >/dev/null 2>"$tmp/err"
[ $? -eq 2 ] || fail "unclosed if: exit not 2"
grep -q "$tmp/open.j2:1:1: 'if' is never closed" "$tmp/err" || fail "unclosed if: $(cat "$tmp/err")"
"$SOCM" render "$tmp/campaign.toml.j2" -D novalue >/dev/null 2>&1
[ $? -eq 2 ] || fail "-D without = : exit not 2"
"$SOCM" render >/dev/null 2>&1
[ $? -eq 2 ] || fail "no template: exit not 2"
"$SOCM" render "$tmp/missing.j2" >/dev/null 2>&1
[ $? -eq 2 ] || fail "missing template: exit not 2"
"$SOCM" render --help | grep -q example || fail "--help has no example"

[ $fails -eq 0 ] || { echo "$fails failure(s)" >&2; exit 1; }
echo ok
