#!/usr/bin/env bash
# test_slurm_ctld_restart.sh — slurmctld goes away for 30 s in the middle of a
# slurm-pilot campaign and comes back, on the real local cluster. Four chains of
# short workflows fill the pilot's node (cores and memory), so that the steps started
# right after the controller returns meet Slurm's refusals ("Unable to create step …
# Memory required by task is not available", "Job step creation temporarily
# disabled"). A refused step is Slurm's word, not the program's: it is retried with
# back-off without spending a retry, and the campaign ends DONE with every workflow
# at attempt 1, each program run exactly once (markers).
. "$(dirname "$0")/lib.sh"
fail() { echo "FAIL: $*" >&2; [ -n "${cur:-}" ] && tail -30 "$cur/socm.log" >&2; exit 1; }
cleanup() {
  "$cluster" start-ctld >/dev/null 2>&1 || true
  [ -n "${mpid:-}" ] && kill -9 "$mpid" 2>/dev/null
  [ -n "${cur:-}" ] && "$bin" cancel "$cur" >/dev/null 2>&1
}
name=ctld-$$-$RANDOM
M=$tmp/markers
{ slurm_head "$name" slurm-pilot 8 batch 1h
  for c in 1 2 3 4; do
    for i in 1 2 3 4 5 6; do
      echo "[campaign.c$c-$i]"
      echo 'type = "generic"'
      echo 'executable = "sh"'
      echo "args = [\"-c\", \"echo \$0 >> $M; sleep 3\", \"c$c-$i\"]"
      (( i > 1 )) && echo "depends = [\"c$c-$((i - 1))\"]"
      echo "[campaign.c$c-$i.resources]"
      echo 'threads = 2'
      echo 'memory = "1900M"'
      echo 'runtime = "1m"'
    done
  done
} > c.toml
cur=$tmp/socm-$name
"$bin" run c.toml --quiet & mpid=$!
wait_state "$cur/journal.jsonl" DONE 4 120 || fail "nothing finished"
"$cluster" stop-ctld 2>/dev/null
sleep 30
"$cluster" start-ctld 2>/dev/null
rc=0; wait "$mpid" || rc=$?
mpid=
[ "$rc" -eq 0 ] || fail "socm run exit $rc after a slurmctld restart"
[ "$(n_in_state "$cur/journal.jsonl" DONE)" -eq 24 ] || fail "expected 24 DONE"
jq -e -s '[.[] | select(.ev=="wf" and .state=="DONE") | .attempt] | all(. == 1)' "$cur/journal.jsonl" >/dev/null ||
  fail "a refused step spent a retry"
dup=$(sort "$M" | uniq -d)
[ -z "$dup" ] || fail "ran twice: $dup"
[ "$(wc -l < "$M")" -eq 24 ] || fail "expected 24 executions: $(wc -l < "$M")"
echo ok
