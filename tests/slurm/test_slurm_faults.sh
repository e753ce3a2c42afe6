#!/usr/bin/env bash
# test_slurm_faults.sh — Slurm faults during slurm-pilot campaigns, on the real local
# cluster (scripts/slurm-cluster), each with its outcome asserted. Campaigns overlap in
# time so the whole takes about as long as the slowest (a pilot's 1-minute walltime).
#  W. walltime: the pilot's time limit is cut to 1 min while a workflow runs; the pilot
#     ends TIMEOUT and the remaining work is RE-PLANNED (remaining workflow, remaining
#     deadline): the second pilot has 1 core instead of 4 and the QoS of the new plan;
#     the cut workflow runs again without spending a retry; DONE.
#     During W slurmctld is stopped until socm has seen squeue fail (squeue itself
#     retries for 10 s), then started again: squeue fails, the pilot is not declared lost, polling backs off and recovers; exactly 2 pilots in all.
#  N. node loss: the node of a running pilot goes DOWN; its steps run again in a new
#     pilot on another node; DONE, every workflow at attempt 1.
#  S. squeue hangs (a wrapper in SOCM_SLURM_BINDIR, SOCM_SLURM_TIMEOUT=2) for 12 s:
#     polls time out and back off, the pilot is not declared lost (one pilot); then a
#     foreign step holds a CPU of the pilot so the next step's srun meets "Job step
#     creation temporarily disabled": it waits, the workflow is DONE at attempt 1.
#     `socm status` shows each workflow's Slurm step (text and --json "slurm_id").
#  J. (slurm-jobs) `socm status --json` gives the workflow's step as "slurm_id":
#     JOBID.0, the step sacct knows.
#  L. sacct lags (slurmdbd stopped): ended steps are delivered DONE with the agent's
#     figures after the bounded wait (20 s), never FAILED, never waited for forever,
#     sacct asked with back-off (at most 10 calls);
#     the same for a slurm-jobs job that squeue shows COMPLETED (after 20 s), whose
#     max_rss_mb is then unknown — null in status and report, never 0 — and recorded
#     (an "acct" journal event) once slurmdbd is back, while the campaign runs on.
. "$(dirname "$0")/lib.sh"
fail() {
  echo "FAIL: $*" >&2
  for d in "$tmp"/socm-*; do [ -f "$d/socm.log" ] && { echo "== $d" >&2; tail -15 "$d/socm.log" >&2; }; done
  exit 1
}
pids=()
downed=
cleanup() { # run by lib.sh on exit, before $tmp goes
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  "$cluster" start-ctld >/dev/null 2>&1 || true
  "$cluster" start-dbd >/dev/null 2>&1 || true
  [ -n "$downed" ] && "$cluster" node-up "$downed" >/dev/null 2>&1
  for d in "$tmp"/socm-*; do [ -f "$d/journal.jsonl" ] && "$bin" cancel "$d" >/dev/null 2>&1; done
}
tag=$$-$RANDOM

qos_test='{ name = "test", max_walltime = "10m", max_jobs = 2, max_cores = 16 }'
head_toml() { # NAME SCHEMA CORES DEADLINE [ENACTOR]
  slurm_head "$1" "${5:-slurm-pilot}" "$3" "$2" "$4" "$qos_test,
       $qos_short"
}

wf_toml() { # NAME THREADS RUNTIME DEPENDS EXECUTABLE ARGS-JSON
  echo "[campaign.$1]"
  echo 'type = "generic"'
  echo "executable = \"$5\""
  echo "args = $6"
  [ -n "$4" ] && echo "depends = [\"$4\"]"
  echo "[campaign.$1.resources]"
  echo "threads = $2"
  echo 'memory = "50M"'
  echo "runtime = \"$3\""
}

# ---------------------------------------------------------------- start W, N, S
W=fwall-$tag
{ head_toml "$W" remote 8 11m
  wf_toml a 4 10s "" sleep '["1"]'
  wf_toml b 1 2m a sh "[\"-c\", \"if [ -e $tmp/b-once ]; then exit 0; fi; touch $tmp/b-once; exec sleep 300\"]"
} > w.toml
"$bin" run w.toml --quiet & wpid=$!; pids+=("$wpid")

N=fnode-$tag
{ head_toml "$N" batch 8 1h
  for i in 1 2 3 4; do # long the first time (the node dies under it), quick when run again
    wf_toml "n$i" 2 2m "" sh "[\"-c\", \"if [ -e $tmp/n$i-once ]; then exit 0; fi; touch $tmp/n$i-once; exec sleep 60\"]"
  done
} > n.toml
"$bin" run n.toml --quiet & npid=$!; pids+=("$npid")

# S's Slurm commands come from a wrapper directory whose squeue hangs on demand.
mkdir bin
for c in sbatch srun scancel sacct sinfo scontrol sacctmgr; do ln -s "$(command -v "$c")" "bin/$c"; done
printf '#!/bin/sh\nif [ -e %s/hang ]; then sleep 30; fi\nexec %s "$@"\n' "$tmp" "$(command -v squeue)" > bin/squeue
chmod +x bin/squeue
S=fstep-$tag
{ head_toml "$S" batch 2 1h
  wf_toml s1 1 2m "" sh "[\"-c\", \"while [ ! -e $tmp/go ]; do sleep 0.2; done\"]"
  wf_toml s2 2 1m s1 sh '["-c", "echo ran"]'
} > s.toml
SOCM_SLURM_BINDIR=$tmp/bin SOCM_SLURM_TIMEOUT=2 "$bin" run s.toml --quiet & spid=$!; pids+=("$spid")

J=fjobs-$tag
{ head_toml "$J" batch 1 1h slurm-jobs
  wf_toml j1 1 1m "" sleep '["1"]'
} > j.toml
"$bin" run j.toml --quiet & jpid=$!; pids+=("$jpid")

# ---------------------------------------------------------------- W: cut the walltime
JW=$tmp/socm-$W/journal.jsonl
wait_state "$JW" RUNNING 2 60 || fail "W: b never ran"
pw=$(head -1 "$tmp/socm-$W/pilot/jobs")
scontrol update jobid="$pw" TimeLimit=1

# ---------------------------------------------------------------- N: lose the node
JN=$tmp/socm-$N/journal.jsonl
wait_state "$JN" RUNNING 2 60 || fail "N never ran"
pn=$(head -1 "$tmp/socm-$N/pilot/jobs")
downed=$(squeue -h -j "$pn" -o %N)
[ -n "$downed" ] || fail "N: pilot $pn has no node"
"$cluster" node-down "$downed" 2>/dev/null

# ---------------------------------------------------------------- S: hang squeue, busy CPUs
JS=$tmp/socm-$S/journal.jsonl
wait_state "$JS" RUNNING 1 60 || fail "S: s1 never ran"
ps_=$(head -1 "$tmp/socm-$S/pilot/jobs")
"$bin" status "$tmp/socm-$S" | grep -Eq "running  s1 .*Slurm step $ps_\.[0-9]+$" ||
  fail "S: text status lacks s1's step: $("$bin" status "$tmp/socm-$S")"
touch hang
sleep 12
rm hang
srun --jobid="$ps_" -n1 -c1 --exact --mem=10 sleep 6 2>/dev/null &
foreign=$!
for ((i = 0; i < 50; i++)); do
  squeue -h -s -j "$ps_" -o %j | grep -qx sleep && break
  sleep 0.1
done
touch go

# ---------------------------------------------------------------- N and S outcomes
rc=0; wait "$npid" || rc=$?
[ "$rc" -eq 0 ] || fail "N exited $rc after losing node $downed"
[ "$(n_in_state "$JN" DONE)" -eq 4 ] || fail "N: expected 4 DONE"
jq -e -s '[.[] | select(.ev=="wf" and .state=="DONE") | .attempt] | all(. == 1)' "$JN" >/dev/null ||
  fail "N: a re-run spent a retry"
# The manager returns once its work is done; the agent sees the stop file and the
# second pilot ends a moment later.
for ((i = 0; i < 300; i++)); do
  sacct_jobs "$N" JobID,State,NodeList > n.sacct
  grep -v "^$pn|" n.sacct | grep -q "|COMPLETED|" && break
  sleep 0.1
done
[ "$(wc -l < n.sacct)" -eq 2 ] || fail "N: expected 2 pilots: $(cat n.sacct)"
grep -q "^$pn|NODE_FAIL|$downed$" n.sacct || fail "N: pilot $pn not NODE_FAIL on $downed: $(cat n.sacct)"
grep -v "^$pn|" n.sacct | grep -q "|COMPLETED|" || fail "N: the second pilot did not complete: $(cat n.sacct)"
grep -v "^$pn|" n.sacct | grep -q "|$downed$" && fail "N: the second pilot ran on the lost node"
"$cluster" node-up "$downed" 2>/dev/null
downed=
echo "N ok"

rc=0; wait "$spid" || rc=$?
wait "$foreign" 2>/dev/null || true
[ "$rc" -eq 0 ] || fail "S exited $rc"
[ "$(n_in_state "$JS" DONE)" -eq 2 ] || fail "S: expected 2 DONE"
grep -q "temporarily disabled" "$tmp/socm-$S/workflows/s2/stderr" ||
  fail "S: s2 never met a busy allocation: $(cat "$tmp/socm-$S/workflows/s2/stderr")"
jq -e -s 'map(select(.ev=="retry")) | length == 0' "$JS" >/dev/null || fail "S: a retry was spent"
grep -q "squeue failed (1 in a row).*timed out" "$tmp/socm-$S/socm.log" || fail "S: squeue never timed out"
grep -q "squeue answers again" "$tmp/socm-$S/socm.log" || fail "S: squeue never recovered"
[ "$(wc -l < "$tmp/socm-$S/pilot/jobs")" -eq 1 ] || fail "S: the pilot was taken for lost"
"$bin" status "$tmp/socm-$S" --json > s.json
for w in s1 s2; do
  want=$(jq -r "select(.ev==\"log\") | .msg | select(startswith(\"$w runs as Slurm step \")) | sub(\".* \"; \"\")" "$JS" | tail -1)
  got=$(jq -r ".workflows[] | select(.name==\"$w\") | .slurm_id" s.json)
  [[ "$got" =~ ^$ps_\.[0-9]+$ && "$got" == "$want" ]] || fail "S: $w slurm_id '$got', journal says '$want'"
done
echo "S ok"

rc=0; wait "$jpid" || rc=$?
[ "$rc" -eq 0 ] || fail "J exited $rc"
jj=$(jq -r 'select(.ev=="wf" and .state=="RUNNING") | .job' "$tmp/socm-$J/journal.jsonl" | tail -1)
sid=$("$bin" status "$tmp/socm-$J" --json | jq -r '.workflows[0].slurm_id')
[ "$sid" = "$jj.0" ] || fail "J: slurm_id '$sid', expected $jj.0"
sacct -n -P -j "$jj" -o JobID | grep -qx "$sid" || fail "J: sacct has no step $sid"
echo "J ok"

# ---------------------------------------------------------------- restart slurmctld during W
kill -0 "$wpid" 2>/dev/null || fail "W ended before slurmctld was restarted"
"$cluster" stop-ctld 2>/dev/null
# slurmctld stays down until socm has seen squeue fail, at most 60 s. A fixed outage
# made this flaky: squeue itself retries the controller for MessageTimeout (10 s), so
# a poll that began late in a 15 s outage simply got its answer when slurmctld came
# back. The next poll comes within 10 s and then fails after squeue's own 10 s.
t_down=$(date +%s)
until grep -q "squeue failed" "$tmp/socm-$W/socm.log" 2>/dev/null; do
  [ $(( $(date +%s) - t_down )) -lt 60 ] || break
  sleep 1
done
sleep 2 # one failed call more or less does not matter; let the back-off show
"$cluster" start-ctld 2>/dev/null

# ---------------------------------------------------------------- L: sacct lags
L=flag-$tag
{ head_toml "$L" batch 2 1h
  wf_toml l1 1 1m "" sleep '["1"]'
  wf_toml l2 1 1m "" sleep '["1"]'
} > l.toml
{ head_toml "$L-j" batch 1 1h slurm-jobs
  wf_toml lj 1 1m "" python3 '["-c", "import time; b = bytearray(100 << 20); b[::4096] = b\"x\" * len(b[::4096]); time.sleep(2)"]'
  wf_toml lj2 1 1m "" sh "[\"-c\", \"while [ ! -e $tmp/lj-go ]; do sleep 0.2; done\"]"
} > lj.toml
"$cluster" stop-dbd 2>/dev/null
t0=$(date +%s)
"$bin" run lj.toml --quiet & ljpid=$!; pids+=("$ljpid")
"$bin" run l.toml --quiet || fail "L exited $? while sacct could not answer"
dt=$(( $(date +%s) - t0 ))
JLJ=$tmp/socm-$L-j/journal.jsonl
wait_state "$JLJ" DONE 1 60 || fail "L (slurm-jobs): lj not DONE while sacct could not answer"
dtj=$(( $(date +%s) - t0 ))
[ "$dtj" -lt 60 ] || fail "L (slurm-jobs) took $dtj s: an ended job waited too long for sacct"
"$bin" status "$tmp/socm-$L-j" --json | jq -e '.workflows[] | select(.name == "lj") | .max_rss_mb == null' >/dev/null ||
  fail "L (slurm-jobs): max_rss_mb not null while sacct is down: $("$bin" status "$tmp/socm-$L-j" --json)"
"$bin" report "$tmp/socm-$L-j" --json | jq -e '.workflows[] | select(.name == "lj") | .max_rss_mb == null' >/dev/null ||
  fail "L (slurm-jobs): report's max_rss_mb not null while sacct is down"
"$cluster" start-dbd 2>/dev/null
for ((i = 0; i < 600; i++)); do
  jq -e 'select(.ev == "acct" and .name == "lj")' "$JLJ" >/dev/null 2>&1 && break
  sleep 0.1
done
touch lj-go
rc=0; wait "$ljpid" || rc=$?
[ "$rc" -eq 0 ] || fail "L (slurm-jobs) exited $rc while sacct could not answer"
"$bin" status "$tmp/socm-$L-j" --json | jq -e '.workflows[] | select(.name == "lj") | .max_rss_mb >= 80' >/dev/null ||
  fail "L (slurm-jobs): lj's max_rss_mb not recorded once sacct answered: $(grep -h acct "$JLJ")"
[ "$(n_in_state "$tmp/socm-$L/journal.jsonl" DONE)" -eq 2 ] || fail "L: expected 2 DONE"
[ "$dt" -lt 50 ] || fail "L took $dt s: ended steps waited too long for sacct"
"$bin" status "$tmp/socm-$L" --json | jq -e '[.workflows[] | .elapsed_s >= 1] | all' >/dev/null ||
  fail "L: the agent's elapsed figures were not kept"
# sacct backs off while slurmdbd is away (1, 2, 4, 8 s), not once a second.
ns=$(sed -n 's/.*slurm commands:.* sacct=\([0-9]*\).*/\1/p' "$tmp/socm-$L/socm.log" | tail -1)
[ -n "$ns" ] && [ "$ns" -le 10 ] || fail "L: the pilot called sacct ${ns:-?} times in $dt s while slurmdbd was down"
echo "L ok ($dt s, $ns sacct calls)"

# ---------------------------------------------------------------- W outcome
rc=0; wait "$wpid" || rc=$?
[ "$rc" -eq 0 ] || fail "W exited $rc"
[ "$(n_in_state "$JW" DONE)" -eq 2 ] || fail "W: expected 2 DONE"
jq -e -s 'map(select(.ev=="wf" and .name=="b" and .state=="DONE"))[0].attempt == 1' "$JW" >/dev/null ||
  fail "W: b's re-run spent a retry"
dup=$(jq -r 'select(.ev=="wf" and .state=="SUBMITTED") | "\(.name) \(.attempt)"' "$JW" | sort | uniq -d)
[ -z "$dup" ] || fail "W: submitted twice: $dup"
grep -q "squeue failed" "$tmp/socm-$W/socm.log" || fail "W: squeue never failed while slurmctld was down"
grep -q "squeue answers again" "$tmp/socm-$W/socm.log" || fail "W: squeue never recovered"
grep -q "re-planned 1 remaining workflow" "$tmp/socm-$W/socm.log" || fail "W: no re-plan"
for ((i = 0; i < 50; i++)); do # accounting catches up after slurmdbd's restart
  sacct_jobs "$W" JobID,State,QOS,ReqCPUS > w.sacct
  [ "$(grep -c COMPLETED w.sacct)" -ge 1 ] && break
  sleep 0.2
done
[ "$(wc -l < w.sacct)" -eq 2 ] || fail "W: expected exactly 2 pilots: $(cat w.sacct)"
grep -q "^$pw|TIMEOUT|[a-z]*|4$" w.sacct || fail "W: first pilot not TIMEOUT with 4 cores: $(cat w.sacct)"
q2=$(sed -n 's/.*re-planned 1 remaining workflow .* qos \([a-z]*\) (was.*/\1/p' "$tmp/socm-$W/socm.log")
grep -v "^$pw|" w.sacct | grep -q "|COMPLETED|$q2|1$" ||
  fail "W: second pilot not re-planned to 1 core, QoS $q2: $(cat w.sacct)"
echo "W ok"
