#!/usr/bin/env bash
# test_slurm_jobs_qos.sh — slurm-jobs picks each job's QoS within the QoS limits, on
# the real local cluster: six independent 1-core workflows, the resource's preferred
# QoS "test" admits only 2 jobs per user (MaxJobsPU). Two jobs go to "test", the
# others to the next QoS that admits them ("short"), so all six run at once and none
# waits on QOSMaxJobsPerUserLimit.
. "$(dirname "$0")/lib.sh"
cleanup() { [ -n "${cur:-}" ] && "$bin" cancel "$cur" >/dev/null 2>&1; }
name=sjqos-$$-$RANDOM
qos_test='{ name = "test", max_walltime = "10m", max_jobs = 2, max_cores = 16 }'
{ slurm_head "$name" slurm-jobs 6 batch 1h "$qos_test, $qos_short"
  for i in 1 2 3 4 5 6; do
    cat <<TOML
[campaign.w$i]
type = "generic"
executable = "sleep"
args = ["8"]
[campaign.w$i.resources]
memory = "50M"
runtime = "2m"
TOML
  done
} > c.toml
cur=$tmp/socm-$name
timeout 300 "$bin" run c.toml --quiet || fail "socm run exit $?"
for ((i = 0; i < 50; i++)); do
  sacct_jobs "$name" JobID,QOS,Start,End > acct.txt
  [ "$(grep -c . acct.txt)" -eq 6 ] && ! grep -q "Unknown" acct.txt && break
  sleep 0.2
done
cat acct.txt
[ "$(cut -d'|' -f2 acct.txt | grep -cx test)" -le 2 ] || fail "more than 2 jobs in QoS test (MaxJobsPU 2)"
python3 - <<'PY' || fail "the six jobs did not run at once"
import datetime
rows = [l.split("|") for l in open("acct.txt").read().split("\n") if l]
t = lambda s: datetime.datetime.fromisoformat(s).timestamp()
assert max(t(r[2]) for r in rows) < min(t(r[3]) for r in rows), rows
PY
echo ok
