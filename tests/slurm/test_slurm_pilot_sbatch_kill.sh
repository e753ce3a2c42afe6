#!/usr/bin/env bash
# test_slurm_pilot_sbatch_kill.sh — the slurm-pilot manager killed (kill -9) while
# sbatch runs, on the real local cluster: Slurm accepted the pilot but socm never
# got its id (an sbatch wrapper holds the answer back for 60 s).
#  P. `socm resume` finds that pilot by its name, directory and submit time and uses
#     it: one pilot in all, each workflow ran exactly once (markers), DONE.
#  Q. `socm cancel` with no manager scancels that unrecorded pilot too.
. "$(dirname "$0")/lib.sh"
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill -9 "$p" 2>/dev/null || true; done
  rm -f "$tmp/hang"
  for d in "$tmp"/socm-*; do [ -d "$d" ] && "$bin" cancel "$d" >/dev/null 2>&1; done
}
tag=$$-$RANDOM
M=$tmp/markers
mkdir bin
for c in squeue sacct scancel sinfo scontrol sacctmgr srun; do ln -s "$(command -v "$c")" "bin/$c"; done
printf '#!/bin/sh\n%s "$@"; rc=$?\nif [ -e %s/hang ]; then sleep 60; fi\nexit $rc\n' \
  "$(command -v sbatch)" "$tmp" > bin/sbatch
chmod +x bin/sbatch

wf() { # NAME SECONDS
  echo "[campaign.$1]"
  echo 'type = "generic"'
  echo 'executable = "sh"'
  echo "args = [\"-c\", \"echo S \$0 >> $M; sleep $2; echo E \$0 >> $M\", \"$1\"]"
  echo "[campaign.$1.resources]"
  echo 'memory = "50M"'
  echo 'runtime = "2m"'
}
# start_killed NAME: runs campaign NAME (./NAME.toml) with the holding sbatch and
# kill -9s its manager once Slurm has the pilot.
start_killed() {
  local pid i
  SOCM_SLURM_BINDIR=$tmp/bin "$bin" run "$1.toml" --quiet & pid=$!; pids+=("$pid")
  for ((i = 0; i < 300; i++)); do
    [ -n "$(squeue -h --name="socm-$1" -o %i)" ] && break
    sleep 0.1
  done
  [ -n "$(squeue -h --name="socm-$1" -o %i)" ] || fail "$1: no pilot submitted"
  kill -9 "$pid"; wait "$pid" 2>/dev/null || true
}

P=pkill-$tag
{ slurm_head "$P" slurm-pilot 2 batch 1h; wf p1 15; wf p2 15; } > "$P.toml"
Q=qkill-$tag
{ slurm_head "$Q" slurm-pilot 1 batch 1h; wf q1 120; } > "$Q.toml"
touch hang
start_killed "$P"
start_killed "$Q"
rm hang

"$bin" cancel "$tmp/socm-$Q" > cancel.out || fail "Q: socm cancel exit $?: $(cat cancel.out)"
for ((i = 0; i < 100; i++)); do
  [ -z "$(squeue -h --name="socm-$Q" -t PD,R -o %i)" ] && break
  sleep 0.1
done
[ -z "$(squeue -h --name="socm-$Q" -t PD,R -o %i)" ] || fail "Q: the pilot still runs after socm cancel"
echo "Q ok"

rc=0; timeout 300 "$bin" resume "$tmp/socm-$P" --quiet || rc=$?
[ "$rc" -eq 0 ] || fail "P: resume exit $rc: $(tail "$tmp/socm-$P/socm.log")"
for w in p1 p2; do
  [ "$(grep -c "^S $w$" "$M")" -eq 1 ] || fail "P: $w started $(grep -c "^S $w$" "$M") times"
  [ "$(grep -c "^E $w$" "$M")" -eq 1 ] || fail "P: $w ended $(grep -c "^E $w$" "$M") times"
done
[ "$(sacct_jobs "$P" JobID | wc -l)" -eq 1 ] || fail "P: expected one pilot: $(sacct_jobs "$P" JobID,State)"
grep -q "found pilot job" "$tmp/socm-$P/socm.log" || fail "P: the pilot was not found by name"
echo "P ok"
echo ok
