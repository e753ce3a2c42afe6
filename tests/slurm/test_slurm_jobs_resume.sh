#!/usr/bin/env bash
# test_slurm_jobs_resume.sh — a slurm-jobs campaign whose manager is killed (kill -9)
# never runs a workflow twice, on the real local cluster. Every workflow appends a
# start and an end marker per execution.
#  R. killed while two jobs run and a dependant pends (afterok, its id never journaled
#     as RUNNING): `socm resume` re-attaches to all three; each ran exactly once, the
#     two never overlapped with a second copy of themselves; DONE.
#  B. killed while sbatch runs (a wrapper that returns only after 60 s, the job
#     already accepted): resume finds the job by its working directory and submit time,
#     submits nothing again: one Slurm job, one execution, DONE.
#  C. killed while sbatch runs (the same wrapper), then `socm cancel` with no manager:
#     the job Slurm accepted, whose id socm never recorded, is scancel'd (it does not
#     run to its end), and the campaign is recorded CANCELED before cancel returns.
#  Q. R's job for `a`, ended, is requeued (`scontrol requeue`, as Slurm does when its
#     controller lost a job's end and the node then fails): the batch script sees that
#     the attempt's command already ran to its end and does not run it again.
#  U. `scancel --signal=USR1` of a running job reaches the command, which handles it
#     and goes on: DONE, once (the shell socm runs the command under outlives it).
#  F. the node under a running job fails (srun then exits 0, the step canceled): the
#     requeued job runs the command again, to its end: two starts, one end, DONE.
. "$(dirname "$0")/lib.sh"
pids=()
downed=
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  [ -n "$downed" ] && "$cluster" node-up "$downed" >/dev/null 2>&1
  rm -f "$tmp/hang"
  for d in "$tmp"/socm-*; do [ -d "$d" ] && "$bin" cancel "$d" >/dev/null 2>&1; done
}
tag=$$-$RANDOM
M=$tmp/markers

# wf NAME SECONDS [DEPENDS]: appends "S NAME t" and, after SECONDS, "E NAME t" to $M.
wf() {
  echo "[campaign.$1]"
  echo 'type = "generic"'
  echo 'executable = "sh"'
  echo "args = [\"-c\", \"echo S \$0 \$(date +%s.%N) >> $M; sleep $2; echo E \$0 \$(date +%s.%N) >> $M\", \"$1\"]"
  [ -n "${3:-}" ] && echo "depends = [\"$3\"]"
  echo "[campaign.$1.resources]"
  echo 'memory = "50M"'
  echo 'runtime = "2m"'
}
# once NAMES...: each ran exactly once, start and end.
once() {
  local n
  for n in "$@"; do
    [ "$(grep -c "^S $n " "$M")" -eq 1 ] || fail "$n started $(grep -c "^S $n " "$M") times: $(cat "$M")"
    [ "$(grep -c "^E $n " "$M")" -eq 1 ] || fail "$n ended $(grep -c "^E $n " "$M") times: $(cat "$M")"
  done
}
# kill_manager PID: kill -9, and wait so that bash reaps it.
kill_manager() { kill -9 "$1"; wait "$1" 2>/dev/null || true; }

# The sbatch wrapper of B and C: with $tmp/hang present, it holds the answer back for
# 60 s after Slurm accepted the job (an sbatch that takes long to come back).
mkdir bin
for c in squeue sacct scancel sinfo scontrol sacctmgr srun; do ln -s "$(command -v "$c")" "bin/$c"; done
printf '#!/bin/sh\n%s "$@"; rc=$?\nif [ -e %s/hang ]; then sleep 60; fi\nexit $rc\n' \
  "$(command -v sbatch)" "$tmp" > bin/sbatch
chmod +x bin/sbatch

# ---------------------------------------------------------------- R
R=rjobs-$tag
{ slurm_head "$R" slurm-jobs 3 batch 1h
  wf a 20; wf b 20; wf c 1 a
} > r.toml
"$bin" run r.toml --quiet & rpid=$!; pids+=("$rpid")
JR=$tmp/socm-$R/journal.jsonl
wait_state "$JR" RUNNING 2 60 || fail "R: a and b never ran"
sleep 3
kill_manager "$rpid"

# ---------------------------------------------------------------- B
B=bjobs-$tag
{ slurm_head "$B" slurm-jobs 1 batch 1h
  wf x 5
} > b.toml
touch hang
SOCM_SLURM_BINDIR=$tmp/bin "$bin" run b.toml --quiet & bpid=$!; pids+=("$bpid")
for ((i = 0; i < 300; i++)); do
  [ -n "$(squeue -h --name="socm-$B" -o %i)" ] && break
  sleep 0.1
done
[ -n "$(squeue -h --name="socm-$B" -o %i)" ] || fail "B: sbatch never submitted"
kill_manager "$bpid"

# ---------------------------------------------------------------- C
C=cjobs-$tag
{ slurm_head "$C" slurm-jobs 2 batch 1h
  wf y 120; wf z 120
} > c.toml
SOCM_SLURM_BINDIR=$tmp/bin "$bin" run c.toml --quiet & cpid=$!; pids+=("$cpid")
for ((i = 0; i < 300; i++)); do
  [ "$(squeue -h --name="socm-$C" -o %i | wc -l)" -ge 1 ] && break
  sleep 0.1
done
kill_manager "$cpid"
rm -f hang
[ "$(squeue -h --name="socm-$C" -t PD,R -o %i | wc -l)" -ge 1 ] || fail "C: no job before cancel"
"$bin" cancel "$tmp/socm-$C" > cancel.out || fail "C: socm cancel exit $?: $(cat cancel.out)"
cat cancel.out
for ((i = 0; i < 100; i++)); do
  [ "$(squeue -h --name="socm-$C" -t PD,R,CG -o %i | wc -l)" -eq 0 ] && break
  sleep 0.1
done
[ "$(squeue -h --name="socm-$C" -t PD,R -o %i | wc -l)" -eq 0 ] ||
  fail "C: jobs still queued or running after socm cancel: $(squeue --name="socm-$C")"

# ---------------------------------------------------------------- outcomes
rc=0; "$bin" resume "$tmp/socm-$R" --quiet || rc=$?
[ "$rc" -eq 0 ] || fail "R: resume exit $rc: $(tail "$tmp/socm-$R/socm.log")"
once a b c
grep -q "never started" "$tmp/socm-$R/socm.log" && fail "R: resume started a workflow again"
[ "$(sacct_jobs "$R" JobID | wc -l)" -eq 3 ] || fail "R: expected 3 Slurm jobs: $(sacct_jobs "$R" JobID,WorkDir)"
echo "R ok"

# ---------------------------------------------------------------- Q
read -r _ qa _ < "$tmp/socm-$R/workflows/a/socm-slurm-job"
scontrol requeue "$qa" || fail "Q: scontrol requeue $qa"
for ((i = 0; i < 100; i++)); do
  [ "$(squeue -h -j "$qa" -o %i 2>/dev/null)" = "$qa" ] && break
  sleep 0.1
done
scontrol update jobid="$qa" StartTime=now 2>/dev/null || true
for ((i = 0; i < 600; i++)); do
  [ -z "$(squeue -h -j "$qa" -o %i 2>/dev/null)" ] && break
  sleep 0.1
done
[ -z "$(squeue -h -j "$qa" -o %i 2>/dev/null)" ] || fail "Q: requeued job $qa never ran"
once a
grep -q "attempt 1 already ran to its end (exit 0): not run again" "$tmp/socm-$R/workflows/a/slurm-$qa.out" ||
  fail "Q: the requeued job did not say why it ran nothing: $(cat "$tmp/socm-$R/workflows/a/slurm-$qa.out")"
echo "Q ok"

# ---------------------------------------------------------------- U
U=ujobs-$tag
{ slurm_head "$U" slurm-jobs 1 batch 1h
  echo '[campaign.u]'
  echo 'type = "generic"'
  echo 'executable = "sh"'
  echo "args = [\"-c\", \"trap 'echo U u >> $M' USR1; echo S u >> $M; i=0; while [ \$i -lt 8 ]; do sleep 1; i=\$((i + 1)); done; echo E u >> $M\"]"
  echo '[campaign.u.resources]'
  echo 'memory = "50M"'
  echo 'runtime = "2m"'
} > u.toml
"$bin" run u.toml --quiet & upid=$!; pids+=("$upid")
for ((i = 0; i < 300; i++)); do
  [ "$(grep -c "^S u" "$M" 2>/dev/null)" -ge 1 ] && break
  sleep 0.1
done
scancel --signal=USR1 "$(squeue -h --name="socm-$U" -o %i)" || fail "U: scancel --signal=USR1"
rc=0; wait "$upid" || rc=$?
[ "$rc" -eq 0 ] || fail "U: exit $rc after USR1: $(tail -3 "$tmp/socm-$U/socm.log")"
[ "$(grep -c "^U u" "$M")" -eq 1 ] && [ "$(grep -c "^E u" "$M")" -eq 1 ] ||
  fail "U: the command did not handle USR1 and end: $(grep " u" "$M")"
echo "U ok"

# ---------------------------------------------------------------- F
F=fjobs-$tag
{ slurm_head "$F" slurm-jobs 1 batch 1h
  wf f 15
} > f.toml
"$bin" run f.toml --quiet & fpid=$!; pids+=("$fpid")
for ((i = 0; i < 300; i++)); do
  [ "$(grep -c "^S f " "$M" 2>/dev/null)" -ge 1 ] && break
  sleep 0.1
done
fnode=$(squeue -h --name="socm-$F" -t R -o %N)
[ -n "$fnode" ] || fail "F: f's job never ran"
downed=$fnode
"$cluster" node-down "$fnode" 2>/dev/null
sleep 3
"$cluster" node-up "$fnode" 2>/dev/null
downed=
rc=0; wait "$fpid" || rc=$?
[ "$rc" -eq 0 ] || fail "F: exit $rc: $(tail "$tmp/socm-$F/socm.log")"
[ "$(grep -c "^S f " "$M")" -eq 2 ] && [ "$(grep -c "^E f " "$M")" -eq 1 ] ||
  fail "F: f did not run again after its node failed: $(grep " f " "$M")"
echo "F ok"

rc=0; "$bin" resume "$tmp/socm-$B" --quiet || rc=$?
[ "$rc" -eq 0 ] || fail "B: resume exit $rc: $(tail "$tmp/socm-$B/socm.log")"
once x
[ "$(sacct_jobs "$B" JobID | wc -l)" -eq 1 ] || fail "B: expected 1 Slurm job: $(sacct_jobs "$B" JobID,WorkDir)"
grep -q "found its Slurm job" "$tmp/socm-$B/socm.log" || fail "B: the job was not found by its directory"
echo "B ok"

# cancel without a manager is final at once (`socm resume` would continue the campaign)
"$bin" status "$tmp/socm-$C" --json | jq -e '.state == "CANCELED"' >/dev/null ||
  fail "C: campaign not CANCELED after socm cancel: $("$bin" status "$tmp/socm-$C")"
grep -q "^E [yz] " "$M" && fail "C: a canceled job ran to its end"
echo "C ok"
echo ok
