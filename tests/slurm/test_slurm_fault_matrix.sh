#!/usr/bin/env bash
# test_slurm_fault_matrix.sh — the Slurm fault matrix, on the real local cluster: the
# same 30-workflow DAG run at once under both enactors (J: slurm-jobs, P:
# slurm-pilot, no retries), while scripts/slurm-cluster and kill -9 inject, in turn:
#   1. the manager killed (kill -9) while sbatch runs — P at its first pilot, J in the
#      middle of submitting its jobs — then `socm resume`;
#   2. slurmctld restarted;            3. both managers killed at random moments, resumed;
#   4. the node of P's pilot down, back once P has a new pilot; then a node running
#      J's jobs down and back (JobRequeue=0 on the cluster: they are requeued because
#      slurm-jobs submits --requeue; no retry spent);
#   5. P's pilot scancel'd, and P killed while sbatch submits the next one, resumed;
#   6. slurmdbd down 20 s, J killed at a random moment meanwhile, resumed;
#   7. slurmctld down 60 s, both managers killed at a random moment of it and resumed
#      while it is down; two chains (gated until then) start right before the outage;
#   and, throughout, a workflow that hits its walltime and grows it (P: its
#   supervisor stops it at 15 s; J: Slurm at 1 min).
# Every execution of a workflow appends "S name pid time" and "E name pid time" to a
# marker file and holds a lock on the workflow's lock file while it runs ("O" when
# another execution of it still ran). Asserted, per enactor: the campaign ends DONE
# (the last manager's exit 0, all 30 workflows DONE), every program completed exactly
# once (one E each), no two executions of a workflow overlapped (no O; each
# completed execution ended before the next began), the walltime grew, the kill
# during sbatch was followed by a resume that found the job Slurm had accepted, and
# J submitted no job twice (31 jobs: 30 and w29's growth).
# Random moments come from RANDOM seeded by $MATRIX_SEED (printed; set it to repeat).
# The DAG: chains w1–w7, w8–w14, w15–w21, w22–w28 (5 s each) with cross edges w3→w11,
# w10→w18, w17→w25; w15 and w22 wait for gate g1 (opened just before step 7); w29
# the walltime one (root); w30 depends on the chain ends and w29 and waits for gate
# g2 (opened after step 7), so both campaigns outlive every fault.
. "$(dirname "$0")/lib.sh"
declare -A mpid mout name sd
downed=
cleanup() { # run by lib.sh on exit, before $tmp goes
  local e
  for e in J P; do [ -n "${mpid[$e]:-}" ] && kill -9 "${mpid[$e]}" 2>/dev/null; done
  rm -f "$tmp"/hang-* "$tmp"/g1 "$tmp"/g2
  "$cluster" start-ctld >/dev/null 2>&1 || true
  "$cluster" start-dbd >/dev/null 2>&1 || true
  [ -n "$downed" ] && "$cluster" node-up "$downed" >/dev/null 2>&1
  for e in J P; do [ -n "${sd[$e]:-}" ] && "$bin" cancel "${sd[$e]}" >/dev/null 2>&1; done
}
fail() {
  local e
  echo "FAIL: $*" >&2
  for e in J P; do
    [ -f "${sd[$e]:-/}/socm.log" ] && { echo "== $e: ${sd[$e]}/socm.log" >&2; tail -25 "${sd[$e]}/socm.log" >&2; }
    [ -n "${name[$e]:-}" ] && { echo "== $e: its Slurm jobs" >&2; sacct_jobs "${name[$e]}" JobID,State,Submit,Start,End,NodeList,WorkDir >&2 || true; }
  done
  exit 1
}
seed=${MATRIX_SEED:-$RANDOM}
RANDOM=$seed
T0=$(date +%s)
say() { echo "[$(( $(date +%s) - T0 )) s] $*"; }
say "seed $seed"
tag=$$-$RANDOM

# The Slurm commands socm runs come from $tmp/bin: the real ones, but sbatch, once
# Slurm accepted the job, holds its answer while the file $MATRIX_HANG exists (it
# says so in $MATRIX_HANG.held): a manager killed then dies during sbatch.
mkdir bin
for c in squeue sacct scancel sinfo scontrol sacctmgr srun; do ln -s "$(command -v "$c")" "bin/$c"; done
cat > bin/sbatch <<EOF
#!/bin/sh
$(command -v sbatch) "\$@"; rc=\$?
if [ -n "\${MATRIX_HANG:-}" ] && [ -e "\$MATRIX_HANG" ]; then
  : > "\$MATRIX_HANG.held"
  i=0
  while [ -e "\$MATRIX_HANG" ] && [ \$i -lt 1200 ]; do sleep 0.1; i=\$((i + 1)); done
fi
exit \$rc
EOF
chmod +x bin/sbatch

# wf.sh MARKERS LOCKDIR NAME SECONDS [MODE [GATE]]: one execution of a workflow.
# MODE gate: first waits for the file GATE; wall: on its first attempt (pilot:
# SOCM_ATTEMPT; jobs: the job's 1-minute limit) it outlives any walltime.
cat > wf.sh <<'EOF'
#!/bin/sh
M=$1 D=$2 n=$3 s=$4 mode=${5:-} gate=${6:-}
exec 9>>"$D/$n.lock"
flock -n 9 || echo "O $n $$ $(date +%s.%N)" >> "$M"
echo "S $n $$ $(date +%s.%N)" >> "$M"
case $mode in
  gate) while [ ! -e "$gate" ]; do sleep 0.5; done ;;
  wall) if [ "${SOCM_ATTEMPT:-}" = 1 ] ||
           { [ -z "${SOCM_ATTEMPT:-}" ] && [ "$(squeue -h -j "$SLURM_JOB_ID" -o %l 2>/dev/null)" = 1:00 ]; }; then
          sleep 600
        fi ;;
esac
sleep "$s"
echo "E $n $$ $(date +%s.%N)" >> "$M"
EOF

# dag30 ENACTOR: the campaign tables of the DAG above for enactor ENACTOR (J or P).
dag30() {
  local i deps mode gate rt
  for i in $(seq 1 30); do
    deps=() mode= gate= rt=2m
    if (( i <= 28 && (i - 1) % 7 != 0 )); then deps+=("w$((i - 1))"); fi
    case $i in
      11) deps+=(w3) ;; 18) deps+=(w10) ;; 25) deps+=(w17) ;;
      15 | 22) mode=gate gate=$tmp/g1 rt=5m ;;
      29) mode=wall; [ "$1" = J ] && rt=30s || rt=15s ;;
      30) deps+=(w7 w14 w21 w28 w29) mode=gate gate=$tmp/g2 rt=10m ;;
    esac
    echo "[campaign.w$i]"
    echo 'type = "generic"'
    echo 'executable = "sh"'
    echo "args = [\"$tmp/wf.sh\", \"$tmp/markers-$1\", \"$tmp/locks-$1\", \"w$i\", \"5\", \"$mode\", \"$gate\"]"
    (( i == 29 )) && echo 'grow_walltime_on_timeout = true'
    if (( ${#deps[@]} )); then
      printf 'depends = [%s]\n' "$(printf '"%s",' "${deps[@]}" | sed 's/,$//')"
    fi
    echo "[campaign.w$i.resources]"
    echo 'memory = "50M"'
    echo "runtime = \"$rt\""
  done
}

for e in J P; do
  mkdir "locks-$e"
  : > "markers-$e"
  name[$e]=fm$(tr JP jp <<< "$e")-$tag
  sd[$e]=$tmp/socm-${name[$e]}
done
{ slurm_head "${name[J]}" slurm-jobs 8 batch 1h; dag30 J; } > J.toml
{ slurm_head "${name[P]}" slurm-pilot 8 batch 1h; dag30 P; } > P.toml

nman=0
# manager E run|resume: starts E's manager in the background.
manager() {
  local arg
  [ "$2" = run ] && arg=$1.toml || arg=${sd[$1]}
  nman=$((nman + 1))
  mout[$1]=$tmp/mgr-$nman-$1.out
  SOCM_SLURM_BINDIR=$tmp/bin MATRIX_HANG=$tmp/hang-$1 "$bin" "$2" "$arg" --quiet > "${mout[$1]}" 2>&1 &
  mpid[$1]=$!
}
# kill_manager E: kill -9, reaped.
kill_manager() {
  kill -9 "${mpid[$1]}" 2>/dev/null || fail "$1's manager had already ended: $(cat "${mout[$1]}")"
  wait "${mpid[$1]}" 2>/dev/null || true
  mpid[$1]=
}
# kill_in_sbatch E: waits until E's manager is in a held sbatch, kills it, lets the
# sbatch go and resumes.
kill_in_sbatch() {
  local i
  for ((i = 0; i < 600; i++)); do [ -e "hang-$1.held" ] && break; sleep 0.1; done
  [ -e "hang-$1.held" ] || fail "$1 never ran sbatch"
  kill_manager "$1"
  rm -f "hang-$1" "hang-$1.held"
  say "$1 killed during sbatch; resuming"
  manager "$1" resume
}
# kill_random E MAXSECONDS: kill -9 at a random moment within MAXSECONDS, resumed.
kill_random() {
  local ms=$(( RANDOM % ($2 * 1000) ))
  sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
  kill_manager "$1"
  say "$1 killed (kill -9) after a random $ms ms; resuming"
  manager "$1" resume
}
ndone() { n_in_state "${sd[$1]}/journal.jsonl" DONE; }
pilot_now() { tail -1 "${sd[P]}/pilot/jobs"; }

# ---------------------------------------------------------------- 1. kill during sbatch
touch hang-P
manager P run
manager J run
kill_in_sbatch P
for ((i = 0; i < 300; i++)); do
  [ "$(squeue -h --name="socm-${name[J]}" -o %i | wc -l)" -ge 8 ] && break
  sleep 0.1
done
touch hang-J
kill_in_sbatch J

# ---------------------------------------------------------------- 2. slurmctld restart
for ((i = 0; i < 900; i++)); do
  [ "$(ndone J)" -ge 3 ] && [ "$(ndone P)" -ge 3 ] && break
  sleep 0.2
done
[ "$(ndone J)" -ge 3 ] && [ "$(ndone P)" -ge 3 ] || fail "no progress: J $(ndone J), P $(ndone P) DONE"
"$cluster" restart-ctld 2>/dev/null
say "slurmctld restarted (DONE: J $(ndone J), P $(ndone P))"

# ---------------------------------------------------------------- 3. random kills
kill_random J 4
kill_random P 4

# ---------------------------------------------------------------- 4. node down and back
for ((i = 0; i < 300; i++)); do
  downed=$(squeue -h -j "$(pilot_now)" -t R -o %N 2>/dev/null || true)
  [ -n "$downed" ] && break
  sleep 0.2
done
[ -n "$downed" ] || fail "P's pilot $(pilot_now) never ran"
p_old=$(pilot_now)
"$cluster" node-down "$downed" 2>/dev/null
say "node $downed (P's pilot $p_old) down"
for ((i = 0; i < 600; i++)); do [ "$(pilot_now)" != "$p_old" ] && break; sleep 0.1; done
[ "$(pilot_now)" != "$p_old" ] || fail "P submitted no new pilot after losing $downed"
"$cluster" node-up "$downed" 2>/dev/null
say "node $downed up (P's new pilot $(pilot_now))"
downed=
# J's gated roots w15 and w22 run until g1: a node under them fails. The cluster has
# JobRequeue=0; slurm-jobs submits --requeue, so Slurm runs them again, no retry spent.
for ((i = 0; i < 300; i++)); do
  jn=$(squeue -h --name="socm-${name[J]}" -t R -o %N | sort | uniq -c | sort -rn | awk '{print $2; exit}')
  [ -n "$jn" ] && break
  sleep 0.1
done
[ -n "$jn" ] || fail "J: no job running for the node failure"
jkilled=$(squeue -h --name="socm-${name[J]}" -t R -o '%i %N' | awk -v n="$jn" '$2 == n {print $1}')
downed=$jn
"$cluster" node-down "$downed" 2>/dev/null
say "node $downed (running J's jobs $(echo $jkilled)) down"
sleep 5
"$cluster" node-up "$downed" 2>/dev/null
say "node $downed up"
downed=

# ---------------------------------------------------------------- 5. pilot scancel
touch hang-P
scancel "$(pilot_now)"
say "P's pilot scancel'd"
kill_in_sbatch P

# ---------------------------------------------------------------- 6. slurmdbd down
"$cluster" stop-dbd 2>/dev/null
say "slurmdbd down"
kill_random J 10
sleep 10
"$cluster" start-dbd 2>/dev/null
say "slurmdbd up"

# ---------------------------------------------------------------- 7. slurmctld down 60 s
touch g1
sleep 3
"$cluster" stop-ctld 2>/dev/null
t_down=$(date +%s)
say "slurmctld down (DONE: J $(ndone J), P $(ndone P))"
kill_random P 25
kill_random J 25
left=$(( 60 - ($(date +%s) - t_down) ))
(( left <= 0 )) || sleep "$left"
"$cluster" start-ctld 2>/dev/null
say "slurmctld up after $(( $(date +%s) - t_down )) s"
touch g2

# ---------------------------------------------------------------- outcomes
for e in J P; do
  for ((i = 0; i < 3000; i++)); do kill -0 "${mpid[$e]}" 2>/dev/null || break; sleep 0.1; done
  rc=0; wait "${mpid[$e]}" || rc=$?
  mpid[$e]=
  [ "$rc" -eq 0 ] || fail "$e: the last manager exited $rc: $(cat "${mout[$e]}")"
  say "$e ended"
done
for e in J P; do
  "$bin" status "${sd[$e]}" --json > "st-$e.json"
  jq -e '.state == "DONE" and ([.workflows[] | select(.state == "DONE")] | length) == 30' "st-$e.json" >/dev/null ||
    fail "$e: not DONE with 30 DONE: $("$bin" status "${sd[$e]}")"
  M=markers-$e
  ! grep -q '^O ' "$M" || fail "$e: executions overlapped: $(grep '^O ' "$M")"
  for i in $(seq 1 30); do
    n=$(grep -c "^E w$i " "$M" || true)
    [ "$n" -eq 1 ] || fail "$e: w$i completed $n times: $(grep " w$i " "$M")"
  done
  # each completed execution ended before the next execution of it began
  python3 - "$M" <<'PY' || fail "$e: executions overlapped (marker times)"
import sys, collections
runs = collections.defaultdict(dict)
for line in open(sys.argv[1]):
    k, n, pid, t = line.split()
    runs[n].setdefault(pid, {})[k] = float(t)
bad = False
for n, by in runs.items():
    ex = sorted(by.values(), key=lambda r: r.get("S", 0))
    for r in ex:
        if "S" not in r:
            print(n, "E without S", r); bad = True
    for a, b in zip(ex, ex[1:]):
        if "E" in a and a["E"] > b["S"]:
            print(n, "overlap", a, b); bad = True
sys.exit(bad)
PY
  grep -q "w29 hit its walltime" "${sd[$e]}/socm.log" || fail "$e: w29's walltime did not grow"
  say "$e ok: $(grep -c '^S ' "$M") executions for 30 workflows, $(sacct_jobs "${name[$e]}" JobID | wc -l) Slurm jobs"
done
grep -q "found pilot job" "${sd[P]}/socm.log" || fail "P: no resume found the pilot submitted during the kill"
grep -q "found its Slurm job" "${sd[J]}/socm.log" || fail "J: no resume found the job submitted during the kill"
for j in $jkilled; do
  grep -q "Slurm requeued its job $j (node failure or preemption)" "${sd[J]}/socm.log" ||
    fail "J: job $j, killed by the node failure, was not requeued"
done
nj=$(sacct_jobs "${name[J]}" JobID | wc -l)
[ "$nj" -eq 31 ] || fail "J: expected 31 Slurm jobs (30 and w29's growth; a requeue keeps its id), sacct has $nj"
say "ok"
