#!/usr/bin/env bash
# test_slurm_jobs_qos.sh — slurm-jobs picks each job's QoS within the QoS limits, on
# the real local cluster: six independent 1-core workflows, the resource's preferred
# QoS "test" admits only 2 jobs per user (MaxJobsPU). Two jobs go to "test", the
# others to the next QoS that admits them ("short"), so all six run at once and none
# waits on QOSMaxJobsPerUserLimit. A seventh job, scancel'd by hand, is CANCELED
# "canceled outside socm (scancel by uid 0)" (not Slurm's "CANCELLED by 0").
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
  cat <<TOML
[campaign.victim]
type = "generic"
executable = "sleep"
args = ["120"]
[campaign.victim.resources]
memory = "50M"
runtime = "5m"
TOML
} > c.toml
cur=$tmp/socm-$name
timeout 300 "$bin" run c.toml --quiet & mpid=$!
wait_state "$cur/journal.jsonl" RUNNING 7 60 || fail "the jobs never ran"
vj=$(jq -r 'select(.ev=="wf" and .name=="victim" and .state=="RUNNING") | .job' "$cur/journal.jsonl" | tail -1)
scancel "$vj"
rc=0; wait "$mpid" || rc=$?
[ "$rc" -eq 1 ] || fail "socm run exit $rc, expected 1 (victim canceled)"
"$bin" status "$cur" --json | jq -e '.workflows[] | select(.name=="victim") | .reason | test("^canceled outside socm \\(scancel by uid [0-9]+\\)$")' >/dev/null ||
  fail "victim's reason: $("$bin" status "$cur" --json | jq '.workflows[] | select(.name=="victim")')"
for ((i = 0; i < 50; i++)); do
  sacct_jobs "$name" JobID,QOS,Start,End,JobName,WorkDir | grep -v /victim | cut -d'|' -f1-4 > acct.txt
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
