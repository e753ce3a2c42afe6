#!/usr/bin/env bash
# test_resource_discover.sh — `resource = "discover"` plans against the live cluster:
# the plan uses the cluster's cores (3 nodes x 8) and the QoS its live limits
# admit (sacctmgr); with the controller unreachable, planning stops with exit 2 and a
# message naming the cause (never a crash, never a plan for a made-up cluster).
. "$(dirname "$0")/lib.sh"

cat >c.toml <<'EOF2'
[campaign]
name = "disc"
deadline = "2h"
resource = "discover"

[campaign.slurm]
partition = "debug"

[campaign.wide]
type = "generic"
executable = "true"
[campaign.wide.resources]
ranks = 20
runtime = "10m"
EOF2

"$bin" plan --json c.toml >plan.json || fail "plan against the live cluster failed"
python3 - <<'EOF2'
import json
p = json.load(open("plan.json"))
plan = p.get("plan", p)
# "test" (the shortest) allows 16 cores (GrpTRES): the next, "short", admits 20.
assert plan["qos"] == "short", plan
assert 20 <= plan["cores"] <= 24, plan   # the live cluster has 3 x 8 cores
EOF2

# The same campaign with the controller unreachable: a clear input error.
sed "s/^SlurmctldPort=.*/SlurmctldPort=1/" "$SLURM_CONF" >bad.conf
set +e
SLURM_CONF=$tmp/bad.conf SOCM_SLURM_TIMEOUT=20 "$bin" plan c.toml >out.txt 2>&1
rc=$?
set -e
cat out.txt
[ "$rc" -eq 2 ] || fail "unreachable Slurm: exit $rc, expected 2"
grep -q 'resource = "discover"' out.txt || fail "the message should name resource = \"discover\""
grep -q 'c.toml:4:' out.txt || fail "the message should point at the resource line"
echo ok
