#!/bin/bash
# test_input_bounds.sh — hostile input is refused with its position (exit 2), quickly
# and in bounded memory: templates with 50,000-term chains, exponential replace and
# doubling `set`, values nested without end or computed without end; YAML aliases
# that repeat a long string; core counts no machine has. And honest input is not:
# a 100,000-workflow `stages` file without aliases, 2^24 requested cores planned in
# no more time or memory than a few.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

# The inputs below would make the old code allocate without end: outside a
# sanitizer, cap the address space so that a regression fails fast instead.
grep -qa __asan_init "$SOCM_BIN" || ulimit -v 4194304

# refused CMD FILE WHERE WORDS — `socm CMD FILE` exits 2 within 60 s, saying WHERE: WORDS.
refused() {
    local t0=$(date +%s%N)
    timeout 60 "$SOCM_BIN" "$1" "$2" >/dev/null 2>"$tmp/err"
    local rc=$?
    [ $rc = 2 ] || fail "$2: exit $rc, not 2 ($(head -c 300 "$tmp/err"))"
    [ -n "${BOUNDS_TIMES:-}" ] && echo "$2: $(( ($(date +%s%N) - t0) / 1000000 )) ms"
    grep -q "$3: $4" "$tmp/err" || fail "$2: no '$3: $4' in: $(head -c 300 "$tmp/err")"
}

# ---- templates: chains, sizes, depth, work
awk 'BEGIN { printf "{{ \"a\""; for (i = 0; i < 50000; i++) printf " ~ \"b\""; print " }}" }' >tilde.j2
refused render tilde.j2 "tilde.j2:1:[0-9]*" "expression too long: more than 500 operators"
awk 'BEGIN { printf "{{ 1"; for (i = 0; i < 50000; i++) printf " | string"; print " }}" }' >filters.j2
refused render filters.j2 "filters.j2:1:[0-9]*" "expression too long"
awk 'BEGIN { printf "{{ 1"; for (i = 0; i < 50000; i++) printf " + 1"; print " }}" }' >plus.j2
refused render plus.j2 "plus.j2:1:[0-9]*" "expression too long"
awk 'BEGIN { printf "{{ x"; for (i = 0; i < 50000; i++) printf "[0]"; print " }}" }' >index.j2
refused render index.j2 "index.j2:1:[0-9]*" "expression too long"
# 499 operators are fine.
awk 'BEGIN { printf "{{ 0"; for (i = 0; i < 499; i++) printf " + 1"; print " }}" }' >ok.j2
[ "$("$SOCM_BIN" render ok.j2 2>&1)" = 499 ] || fail "a 499-operator chain: $("$SOCM_BIN" render ok.j2 2>&1 | head -c 200)"

# A 200-byte chain of replace asks for 10^10 bytes.
awk 'BEGIN { printf "{{ \"aaaaaaaaaa\""; for (i = 0; i < 9; i++) printf " | replace(\"a\", \"aaaaaaaaaa\")"; print " | length }}" }' >replace.j2
refused render replace.j2 "replace.j2:1:[0-9]*" "value larger than 16777216 bytes"
# An 800-byte doubling, of a string and of a list.
awk 'BEGIN { printf "{%% set s = \"xxxxxxxxxxxxxxxx\" %%}"; for (i = 0; i < 40; i++) printf "{%% set s = s ~ s %%}"; print "{{ s | length }}" }' >double.j2
refused render double.j2 "double.j2:1:[0-9]*" "value larger than"
awk 'BEGIN { printf "{%% set s = [\"x\"] %%}"; for (i = 0; i < 40; i++) printf "{%% set s = s + s %%}"; print "{{ s | length }}" }' >doublel.j2
refused render doublel.j2 "doublel.j2:1:[0-9]*" "value larger than"
awk 'BEGIN { printf "{%% set s = \"x\" %%}"; for (i = 0; i < 40; i++) printf "{%% set s = [s, s] %%}"; print "{{ s | length }}" }' >doublet.j2
refused render doublet.j2 "doublet.j2:1:[0-9]*" "value larger than"
awk 'BEGIN { printf "{%% set l = [] %%}"; for (i = 0; i < 100000; i++) printf "{%% set l = [l] %%}"; print "{{ l | length }}" }' >deep.j2
refused render deep.j2 "deep.j2:1:[0-9]*" "value nested deeper than 128 levels"
# 40,000 iterations making 32 KB each: 1.3 GB of work.
awk 'BEGIN { printf "{%% set s = \"xxxxxxxxxxxxxxxx\" %%}"; for (i = 0; i < 10; i++) printf "{%% set s = s ~ s %%}";
             printf "{%% set l = ["; for (i = 0; i < 200; i++) printf "%s1", (i ? "," : ""); printf "] %%}";
             printf "{%% for i in l %%}{%% for j in l %%}{%% set t = s ~ s %%}{%% endfor %%}{%% endfor %%}\n" }' >work.j2
refused render work.j2 "work.j2:1:[0-9]*" "the template makes more than 1073741824 bytes"

# ---- YAML: one 100 KB string repeated 900,000 times by aliases
awk 'BEGIN { printf "x: &a \""; for (i = 0; i < 1000; i++) printf "%0100d", 0; printf "\"\nl: [*a";
             for (i = 1; i < 900000; i++) printf ", *a"; print "]" }' >bomb.yml
refused validate bomb.yml "bomb.yml:2:[0-9]*" "aliases expand to more than 268435456 bytes of text"
# ... and the classic nested one, by nodes.
{
    echo 'a: &a [x, x, x, x, x, x, x, x, x, x]'
    for l in b c d e f g h; do
        p=$(printf '%s' "$l" | tr 'b-h' 'a-g')
        echo "$l: &$l [*$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p, *$p]"
    done
} >laughs.yml
refused validate laughs.yml "laughs.yml:[0-9]*:[0-9]*" "aliases expand to more than 2000000 nodes"

# An honest 100,000-workflow stages file (1.1 million nodes, no alias) is accepted.
awk 'BEGIN { print "campaign:\n  deadline: 1000d\n  resource: tiger3\nstages:";
             for (i = 0; i < 100000; i++)
                 printf "  s%d:\n    executable: x\n    script: s.py\n    resources: {ranks: 1, threads: 1, memory: 1000, runtime: 5}\n    script-args: [a, b]\n", i }' >big.yml
timeout 120 "$SOCM_BIN" validate big.yml >big.out 2>"$tmp/err" || fail "100,000 stages: $(head -c 300 "$tmp/err")"
grep -q "^workflows: 100000$" big.out || fail "100,000 stages: not 100000 workflows: $(head -c 300 big.out)"

# ---- core counts
req() { # FILE COUNT [MORE LINES]
    printf '[campaign]\nname = "r"\ndeadline = "1h"\nrequested_resources = %s\n%s\n[campaign.w]\ntype = "generic"\nexecutable = "true"\n' "$2" "${3:-}" >"$1"
}
req max.toml 9223372036854775807
refused validate max.toml "max.toml:4:23" "'requested_resources' must be a positive integer of at most 16777216"
req billion.toml 1000000000
refused validate billion.toml "billion.toml:4:23" "'requested_resources' must be a positive integer of at most 16777216"
# The most that may be asked is planned as fast as one core, in both schemas.
for schema in remote batch; do
    req most-$schema.toml 16777216 "execution_schema = \"$schema\""
    timeout 20 "$SOCM_BIN" plan most-$schema.toml >"$tmp/plan" 2>"$tmp/err" || fail "16777216 cores ($schema): $(head -c 300 "$tmp/err")"
done
grep -q '^cores: *16777216$' "$tmp/plan" || fail "the batch plan does not keep its 16777216 cores: $(cat "$tmp/plan")"
cat >bigres.toml <<'TOML'
[campaign]
name = "r"
deadline = "1h"
resource = "huge"
[resources.huge]
nodes = 9223372036854775807
cores_per_node = 2
memory_per_node = "4G"
[campaign.w]
type = "generic"
executable = "true"
TOML
refused validate bigres.toml "bigres.toml:[0-9]*:[0-9]*" "resource 'huge' has more than 16777216 cores"
cat >bigsite.toml <<'TOML'
[campaign]
name = "r"
deadline = "1h"
resources = ["a"]
[campaign.sites.a]
cores = 9223372036854775807
[campaign.w]
type = "generic"
executable = "true"
TOML
refused validate bigsite.toml "bigsite.toml:6:9" "'cores' must be a positive integer of at most 16777216"
# --cores on the command line has the same bound (it was taken as given, and ran out
# of memory).
req one.toml 1
timeout 20 "$SOCM_BIN" run one.toml --cores 9223372036854775807 --quiet >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "at most 16777216" "$tmp/err" || fail "run --cores 2^63-1: exit $rc: $(head -c 300 "$tmp/err")"
timeout 20 "$SOCM_BIN" resume nowhere --cores 99999999999999999999 >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] && grep -q "at most 16777216" "$tmp/err" || fail "resume --cores 10^20: exit $rc: $(head -c 300 "$tmp/err")"

finish
