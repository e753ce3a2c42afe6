#!/usr/bin/env bash
# test_pilot_loop.sh — the slurm-pilot manager's event loop never waits for Slurm, and
# its durable records fail loudly; stub Slurm commands (SOCM_SLURM_BINDIR), no cluster.
#  H. squeue hangs (a controller that does not answer): SIGTERM is answered at once —
#     "interrupted" journaled within a second, the manager gone within a few — while
#     the squeue it started still hangs.
#  R. The pilot's id cannot be recorded (pilot/jobs refused right after sbatch
#     accepted the pilot): exit 3 with "cannot record pilot", the workflow not failed,
#     and pilot/sbatch kept so that `socm resume` finds the pilot by name.
#  Q. The work file cannot be written to pilot/queue (a directory in its place): exit
#     3, nothing counted as failed (it is socm's failure, not the workflow's).
#  A. The agent (run as the pilot's batch script would run it, stub srun) cannot write
#     a step's end report (a directory in its place): it keeps the report and the
#     work in taken/ (so it is never run again), says so, and writes the report as
#     soon as it can; the program ran once.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp"
mkdir stubs
# sbatch answers job 4242 (and, with TRAP_JOBS set, makes pilot/jobs a directory
# first, so that the record cannot be written); sinfo: one node of 8 cores.
cat > stubs/sbatch <<'SH'
#!/bin/sh
for a in "$@"; do case $a in --chdir=*) d=${a#--chdir=} ;; esac; done
[ -n "${TRAP_JOBS:-}" ] && mkdir -p "$d/pilot/jobs"
echo 4242
SH
# squeue: hangs (its pid kept for the cleanup), or with SQUEUE_OK answers RUNNING.
printf '#!/bin/sh\n[ -n "${SQUEUE_OK:-}" ] && { echo "4242|RUNNING|0:01|1|n1|x"; exit 0; }\necho $$ >> %s/squeue.pids\nexec sleep 40\n' "$tmp" > stubs/squeue
printf '#!/bin/sh\necho "JobID|State|ExitCode"\n' > stubs/sacct
printf '#!/bin/sh\n:\n' > stubs/scancel
printf '#!/bin/sh\necho "n1|idle|8|8000|debug*"\n' > stubs/sinfo
chmod +x stubs/*
export SOCM_SLURM_BINDIR=$tmp/stubs
cleanup() { [ -e squeue.pids ] && while read -r p; do kill "$p" 2>/dev/null; done < squeue.pids; rm -f squeue.pids; }
trap 'cleanup; rm -rf "$tmp"' EXIT

cat > p.toml <<'TOML'
[campaign]
name = "loop"
deadline = "1h"
resource = "cl"
requested_resources = 1
execution_schema = "batch"
enactor = "slurm-pilot"
[resources.cl]
nodes = 1
cores_per_node = 8
memory_per_node = "8000M"
qos = [{ name = "short", max_walltime = "1d", max_jobs = 50, max_cores = 8 }]
[campaign.w]
type = "generic"
executable = "sleep"
args = ["100"]
[campaign.w.resources]
runtime = "10m"
memory = "50M"
TOML

now() { date +%s.%N; }
# ---------------------------------------------------------------- H
SOCM_SLURM_TIMEOUT=60 "$SOCM_BIN" run p.toml --state-dir h --quiet > h.out 2>&1 & pid=$!
for ((i = 0; i < 100; i++)); do [ -s squeue.pids ] && break; sleep 0.1; done
if [ ! -s squeue.pids ]; then
  fail "H: squeue was never called: $(cat h.out)"
else
  sleep 0.5 # the manager is well into its wait for squeue
  t0=$(now)
  kill -TERM "$pid"
  for ((i = 0; i < 100; i++)); do grep -q '"ev":"interrupted"' h/journal.jsonl && break; sleep 0.02; done
  t1=$(now)
  for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
  t2=$(now)
  if kill -0 "$pid" 2>/dev/null; then
    fail "H: the manager still runs $(echo "$t2 - $t0" | bc) s after SIGTERM, squeue hanging"
    kill -9 "$pid"
  fi
  rc=0; wait "$pid" || rc=$?
  awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a <= 1.0) }' ||
    fail "H: SIGTERM journaled $(echo "$t1 - $t0" | bc) s after it came (squeue hanging), not within 1 s"
  [ "$rc" -eq 143 ] || fail "H: exit $rc after SIGTERM, expected 143: $(cat h.out)"
  p=$(head -1 squeue.pids)
  kill -0 "$p" 2>/dev/null || fail "H: the hanging squeue was not under way when the manager answered"
  grep -q "interrupted by SIGTERM\|SIGTERM\|Terminated" h/socm.log || fail "H: socm.log says nothing of SIGTERM: $(tail -5 h/socm.log)"
fi
cleanup

# ---------------------------------------------------------------- R
rc=0
TRAP_JOBS=1 SQUEUE_OK=1 timeout 30 "$SOCM_BIN" run p.toml --state-dir r --quiet > r.out 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "R: exit $rc when pilot/jobs cannot be written, expected 3: $(cat r.out)"
grep -q "cannot record pilot 4242" r.out r/socm.log || fail "R: no 'cannot record pilot 4242': $(cat r.out)"
[ -s r/pilot/sbatch ] || fail "R: pilot/sbatch (the intent a resume adopts by) is gone"
"$SOCM_BIN" status r > r.status 2>&1
grep -q "FAILED\|LOST" r.status && fail "R: the workflow is counted as failed: $(cat r.status)"
[ -e r/pilot/stop ] || fail "R: no pilot/stop: the pilot's agent would wait for work that never comes"
# ---------------------------------------------------------------- Q
mkdir -p q/pilot/queue/0.1.json && chmod 700 q
rc=0
SQUEUE_OK=1 timeout 30 "$SOCM_BIN" run p.toml --state-dir q --quiet > q.out 2>&1 || rc=$?
[ "$rc" -eq 3 ] || fail "Q: exit $rc when the work cannot be queued, expected 3: $(cat q.out)"
grep -q "pilot/queue/0.1.json" q.out || fail "Q: the error does not name the file: $(cat q.out)"
"$SOCM_BIN" status q > q.status 2>&1
grep -q "FAILED\|LOST" q.status && fail "Q: the workflow is counted as failed: $(cat q.status)"
# ---------------------------------------------------------------- A
cat > stubs/srun <<'SH'
#!/bin/sh
while [ $# -gt 0 ] && [ "$1" != "--" ]; do shift; done
shift
SLURM_STEP_ID=0 SLURM_PROCID=0 exec "$@"
SH
printf '#!/bin/sh
:
' > stubs/squeue
printf '#!/bin/sh
echo n1
' > stubs/scontrol
chmod +x stubs/srun stubs/squeue stubs/scontrol
st=$tmp/ag
mkdir -p "$st/pilot/queue" "$st/pilot/taken" "$st/pilot/reports/0.1.end" "$st/pilot/cancel" "$st/workflows/w"
chmod 700 "$st"
printf '{"index":0,"attempt":1,"name":"w","sandbox":"workflows/w","argv":["sh","-c","echo ran >> %s/ran"],"env":[],"cores":1,"threads":1,"memory_mb":10,"walltime_min":5}' "$tmp" > "$st/pilot/queue/0.1.json"
PATH=$tmp/stubs:$PATH SLURM_JOB_ID=1 SLURM_JOB_NODELIST=n1 SLURM_JOB_CPUS_PER_NODE=2 SOCM_AGENT_IDLE=30 \
  "$SOCM_BIN" agent "$st" > agent.out 2>&1 & apid=$!
for ((i = 0; i < 100; i++)); do grep -q "end report is kept" agent.out && break; sleep 0.1; done
grep -q "end report is kept" agent.out || fail "A: the agent did not say it keeps the end report: $(cat agent.out)"
[ -e "$st/pilot/taken/0.1.json" ] || fail "A: the work left taken/ without its end report (a new pilot would run it again)"
rmdir "$st/pilot/reports/0.1.end"
for ((i = 0; i < 50; i++)); do [ -f "$st/pilot/reports/0.1.end" ] && break; sleep 0.1; done
[ -f "$st/pilot/reports/0.1.end" ] || fail "A: the kept end report was not written once it could be: $(cat agent.out)"
grep -q '"outcome":"done"' "$st/pilot/reports/0.1.end" 2>/dev/null || fail "A: end report: $(cat "$st/pilot/reports/0.1.end" 2>&1)"
for ((i = 0; i < 50; i++)); do [ -e "$st/pilot/taken/0.1.json" ] || break; sleep 0.1; done
[ -e "$st/pilot/taken/0.1.json" ] && fail "A: taken/0.1.json stays after the report was written"
touch "$st/pilot/stop"
for ((i = 0; i < 50; i++)); do kill -0 "$apid" 2>/dev/null || break; sleep 0.1; done
kill "$apid" 2>/dev/null && fail "A: the agent did not exit on stop"
wait "$apid" 2>/dev/null
[ "$(cat ran 2>/dev/null)" = ran ] || fail "A: the program ran $(grep -c . ran 2>/dev/null) times, not once"
finish "pilot loop: SIGTERM answered while squeue hangs; an unrecordable pilot or unqueueable work stops with exit 3"
