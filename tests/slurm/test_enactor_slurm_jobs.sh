#!/usr/bin/env bash
# test_enactor_slurm_jobs.sh — the slurm-jobs enactor on the real local cluster: a
# small DAG runs as one Slurm job per workflow, in dependency order; an argument with
# spaces, quotes, '$', ';' and a newline reaches the program byte for byte; MaxRSS
# of a ~200 MB step comes back from sacct into `socm status --json`; a failing
# workflow is FAILED with its exit code and its dependant CANCELED.
# Slurm orders the DAG: a dependant's job is submitted (afterok) while its
# predecessor still runs and starts after it ends; the dependant of the failed job is
# a Slurm job that gets CANCELLED. --qos (the resource's QoS admitting the workflow),
# --account and --partition ([campaign.slurm]) reach every job. With
# grow_walltime_on_timeout a workflow whose first attempt hits its walltime is
# resubmitted with a longer one and ends DONE; without it a TIMEOUT is FAILED. It all
# runs under a path with '%j' and a space (no expansion by Slurm). The
# walltime message names the limit Slurm enforced (1 min), not the 0.4 min asked.
. "$(dirname "$0")/lib.sh"
name="sj$$"
# The campaign runs in a directory whose path has '%' and a space: Slurm must not
# expand '%j' in the --output path (the job would fail to launch), nor split it.
mkdir "$tmp/50%j d"
cd "$tmp/50%j d"

qos_long='{ name = "long", max_walltime = "7d", max_jobs = 5, max_cores = 16 }'
{ slurm_head "$name" slurm-jobs 8 batch 1h "$qos_long"
cat <<EOF
[campaign.first]
type = "generic"
executable = "python3"
args = ["-c", "import sys, time; open('arg.bin', 'w').write(sys.argv[1]); time.sleep(3)", "a b 'c' \"d\" \$HOME; echo pwned\\nnext"]
[campaign.first.resources]
memory = "100M"
runtime = "5m"

[campaign.big]
type = "generic"
executable = "python3"
args = ["-c", "import time; b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(2)"]
depends = ["first"]
[campaign.big.resources]
memory = "1000M"
runtime = "5m"

[campaign.bad]
type = "generic"
executable = "sh"
args = ["-c", "exit 3"]
[campaign.bad.resources]
memory = "50M"
runtime = "5m"

[campaign.after-bad]
type = "generic"
executable = "true"
depends = ["bad"]
[campaign.after-bad.resources]
memory = "50M"
runtime = "5m"

# Its first attempt outlives its walltime (24 s: 20 s + the plan's margin); the
# second, given 1.5 x longer, finishes at once.
[campaign.grows]
type = "generic"
executable = "sh"
args = ["-c", "if [ -e tried ]; then exit 0; fi; touch tried; sleep 600"]
grow_walltime_on_timeout = true
[campaign.grows.resources]
memory = "50M"
runtime = "20s"

[campaign.times-out]
type = "generic"
executable = "sleep"
args = ["600"]
[campaign.times-out.resources]
memory = "50M"
runtime = "20s"
EOF
} >c.toml

set +e
timeout 300 "$bin" run c.toml >run.log 2>&1
rc=$?
set -e
cat run.log
[ "$rc" -eq 1 ] || fail "socm run exit $rc, expected 1 (one workflow fails)"

# One Slurm job per workflow that ran, under the campaign's job name.
# One Slurm job per attempt that became eligible (grows runs twice); after-bad, held
# behind bad (afterok) and canceled, is checked through scontrol below.
sacct -X -P -o JobID,WorkDir,State,Timelimit,QOS,Account,Partition,Submit,Start,End \
  --name="socm-$name" --starttime=now-1hour >acct.txt
cat acct.txt
njobs=$(($(wc -l <acct.txt) - 1))
[ "$njobs" -eq 6 ] || fail "expected 6 Slurm jobs named socm-$name, sacct shows $njobs"

python3 - "socm-$name" <<'EOF'
import json, subprocess, sys
state_dir = sys.argv[1]
arg = open("arg.bin", "rb").read()  # written in the working directory (here)
want = b"a b 'c' \"d\" $HOME; echo pwned\nnext"
assert arg == want, (arg, want)
s = json.loads(subprocess.run([__import__("os").environ["SOCM_BIN"], "status", "--json", state_dir],
                              check=True, capture_output=True).stdout)
w = {x["name"]: x for x in s["workflows"]}
assert w["first"]["state"] == "DONE", w["first"]
assert w["big"]["state"] == "DONE", w["big"]
assert w["big"]["started_at"] >= w["first"]["finished_at"] - 1, (w["first"], w["big"])  # order kept
assert w["big"]["max_rss_mb"] >= 150, w["big"]
assert w["big"]["elapsed_s"] >= 2, w["big"]
assert w["bad"]["state"] == "FAILED" and w["bad"]["exit_code"] == 3, w["bad"]
assert w["after-bad"]["state"] == "CANCELED", w["after-bad"]
assert "predecessor bad failed" in w["after-bad"].get("reason", ""), w["after-bad"]
assert w["grows"]["state"] == "DONE", w["grows"]
assert w["times-out"]["state"] == "FAILED" and "TIMEOUT" in w["times-out"].get("reason", ""), w["times-out"]

# Slurm's own record: who waited for whom, with which QoS, account and partition.
rows = [l.split("|") for l in open("acct.txt").read().splitlines()]
head, rows = rows[0], [dict(zip(rows[0], r)) for r in rows[1:]]
by = {}
for r in rows:
    by.setdefault(r["WorkDir"].rstrip("/").split("/")[-1], []).append(r)
for r in rows:
    assert (r["QOS"], r["Account"], r["Partition"]) == ("long", "socm", "debug"), r
first, big = by["first"][0], by["big"][0]
assert big["Submit"] < first["End"], ("afterok: big submitted while first ran", first, big)
assert big["Start"] >= first["End"], ("big started after first ended", first, big)
import re
m = re.search(r"after-bad RUNNING \(attempt 1, Slurm job (\d+)\)", open("run.log").read())
assert m, "after-bad had no Slurm job"
job = subprocess.run(["scontrol", "-o", "show", "job", m.group(1)], capture_output=True, text=True).stdout
assert "JobState=CANCELLED" in job, job
g = sorted(by["grows"], key=lambda r: int(r["JobID"]))
assert [r["State"] for r in g] == ["TIMEOUT", "COMPLETED"], g
assert (g[0]["Timelimit"], g[1]["Timelimit"]) == ("00:01:00", "00:02:00"), ("walltime grew", g)
assert by["times-out"][0]["State"] == "TIMEOUT" and len(by["times-out"]) == 1, by["times-out"]
EOF
# Each job's output went to its sandbox, under the literal '%' path.
ls "socm-$name/workflows/first/"slurm-*.out >/dev/null || fail "no slurm-JOBID.out in first's sandbox (path with '%')"
# The walltime message names the limit Slurm enforced (--time in whole minutes: 24 s
# became 1 min), not the 0.4 min asked.
grep -q "grows hit its walltime of 1 min: resubmitting with 2.0 min" "socm-$name/socm.log" ||
  fail "walltime message: $(grep 'hit its walltime' "socm-$name/socm.log")"
echo ok
