#!/bin/bash
# test_matrix.sh — `socm validate` on a campaign with a matrix section: one workflow
# per combination with substituted arguments, dependants wait for every member, and a
# malformed matrix exits 2 with its position.
set -u
. "$(dirname "$0")/lib.sh"

cat >"$tmp/m.toml" <<'TOML'
[campaign]
name = "mx"
deadline = "1h"
resource = "laptop"
requested_resources = 2
[resources.laptop]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 100, max_cores = 2 }]
[campaign.prep]
type = "generic"
executable = "echo"
[campaign.map]
type = "generic"
executable = "echo"
args = ["map", "{bands}", "{split}"]
depends = ["prep"]
matrix = { bands = ["f090", "f150", "f220"], split = [1, 2] }
[campaign.combine]
type = "generic"
executable = "echo"
depends = ["map"]
TOML
"$SOCM_BIN" validate --commands "$tmp/m.toml" >"$tmp/out" 2>"$tmp/err" || fail "validate: $(cat "$tmp/err")"
for b in f090 f150 f220; do
    for s in 1 2; do
        grep -qx "map-$b-$s: echo map $b $s" "$tmp/out" || fail "member map-$b-$s missing"
    done
done
[ "$(grep -c '^map-' "$tmp/out")" = 6 ] || fail "not 6 members"
grep -q '^map:' "$tmp/out" && fail "the matrixed section itself is still a workflow"
"$SOCM_BIN" validate "$tmp/m.toml" >"$tmp/v" || fail "validate"
grep -q '^workflows: 8$' "$tmp/v" || fail "not 8 workflows"
grep -q '^dependencies: 12$' "$tmp/v" || fail "not 12 dependencies: $(grep dependencies "$tmp/v")"
grep -qx '  map-f220-2 -> combine' "$tmp/v" || fail "combine does not wait for map-f220-2"

sed -i 's/split = \[1, 2\]/split = []/' "$tmp/m.toml"
"$SOCM_BIN" validate "$tmp/m.toml" >/dev/null 2>"$tmp/err"
rc=$?
[ $rc = 2 ] || fail "bad matrix: exit $rc"
grep -q 'm.toml:19:.*non-empty list' "$tmp/err" || fail "bad matrix message: $(cat "$tmp/err")"

finish
