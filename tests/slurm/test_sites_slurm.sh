#!/usr/bin/env bash
# test_sites_slurm.sh — a campaign over two sites, one of them the local Slurm test
# cluster (slurm-jobs enactor, with the site's account and partition) and the other
# this machine (local enactor, 2-core budget): prep (local) → sim (Slurm) → post
# (local). sim runs as a Slurm job submitted with the site's account and partition;
# each step starts only after its predecessor on the other site ended; the local
# steps' cores are inside their site's budget.
. "$(dirname "$0")/lib.sh"
name="sites$$"

cat >c.toml <<EOF
[campaign]
name = "$name"
deadline = "1h"
resources = ["laptop", "local3"]
execution_schema = "batch"

[resources.local3]
nodes = 3
cores_per_node = 8
memory_per_node = 8000
qos = [{ name = "short", max_walltime = "1d", max_jobs = 50, max_cores = 24 }]

[campaign.sites.laptop]
enactor = "local"
cores = 2

[campaign.sites.local3]
enactor = "slurm-jobs"
account = "socm"
partition = "debug"
cores = 8

[campaign.prep]
type = "generic"
executable = "sh"
args = ["-c", "echo prepared > $tmp/prep.txt"]
preferred_resource = "laptop"
[campaign.prep.resources]
runtime = "1m"

[campaign.sim]
type = "generic"
executable = "sh"
args = ["-c", "cat $tmp/prep.txt > $tmp/sim.txt; hostname >> $tmp/sim.txt"]
preferred_resource = "local3"
depends = ["prep"]
[campaign.sim.resources]
ranks = 2
runtime = "5m"
memory = "100M"

[campaign.post]
type = "generic"
executable = "sh"
args = ["-c", "cat $tmp/sim.txt > $tmp/post.txt"]
preferred_resource = "laptop"
depends = ["sim"]
[campaign.post.resources]
runtime = "1m"
EOF

"$bin" plan c.toml | grep -Eq "^sim +local3 " || fail "plan does not put sim on local3"
timeout 120 "$bin" run c.toml --state-dir st -q || fail "run exit $?"
grep -q prepared post.txt || fail "post did not see sim's output"
python3 - st/journal.jsonl <<'PY' || fail "journal checks"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
spec = evs[0]["spec"]
sites = [s["name"] for s in spec["sites"]]
site = {t["name"]: sites[t.get("site", 0)] for t in spec["tasks"]}
assert site == {"prep": "laptop", "sim": "local3", "post": "laptop"}, site
done = {e["name"]: e for e in evs if e.get("ev") == "wf" and e["state"] == "DONE"}
assert set(done) == {"prep", "sim", "post"}, sorted(done)
sub = {e["name"]: e for e in evs if e.get("ev") == "wf" and e["state"] == "SUBMITTED"}
for n in ("prep", "post"):
    assert all(0 <= c < 2 for c in sub[n]["cores"]), sub[n]
assert sub["sim"]["t"] >= done["prep"]["end"] - 1e-3, "sim submitted before prep ended"
assert done["post"]["start"] >= done["sim"]["end"] - 1e-3, "post started before sim ended"
job = [e for e in evs if e.get("ev") == "wf" and e["name"] == "sim" and e["state"] == "RUNNING"]
print(job[0]["job"])
PY
jobid=$(python3 -c 'import json,sys
for l in open("st/journal.jsonl"):
    e = json.loads(l)
    if e.get("ev") == "wf" and e.get("name") == "sim" and e.get("state") == "RUNNING": print(e["job"])' | head -1)
acct=$(sacct -n -X -P -j "$jobid" -o Account,Partition,JobName | head -1)
[ "$acct" = "socm|debug|socm-$name" ] || fail "sim's Slurm job $jobid: account|partition|name = '$acct'"
"$bin" status st | grep -q "site local3 (slurm-jobs, 8 cores): 1 workflows: 1 DONE" || fail "status sites"
echo "test_sites_slurm: ok"
