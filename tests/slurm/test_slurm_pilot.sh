#!/usr/bin/env bash
# test_slurm_pilot.sh — the slurm-pilot enactor on the real local Slurm cluster:
#  A. a 20-workflow DAG (4 chains of 5 plus cross edges) on a 2-node pilot: all DONE,
#     dependency order held (journal), one pilot job only (sacct by job name), each
#     workflow ran as a step of it (jobid.stepid in the journal), a flaky step retried,
#     accounting recorded from sacct (a 2-rank step touching 150 MB per rank: elapsed
#     ≥ 2 s, max_rss_mb = MaxRSS × tasks ≥ 250 in `socm status --json`), and config
#     values with spaces, quotes, $, ;, backslashes and newlines reach the program byte
#     for byte (argv and environment).
#  B. kill -9 of the manager while steps run, then `socm resume`: it re-attaches to the
#     same pilot (still one sbatch), nothing is submitted twice, all DONE.
#  C. `socm cancel STATE_DIR` while steps run: the manager stops (exit 143, campaign
#     CANCELED, workflows CANCELED) and the pilot job leaves the queue (scancel).
#  D. the pilot is cancelled behind socm's back while steps run: a new pilot takes
#     the unfinished work and the campaign ends DONE (two pilots in sacct).
. "$(dirname "$0")/lib.sh"
fail() { echo "FAIL: $*" >&2; [ -n "${cur:-}" ] && tail -30 "$cur/socm.log" >&2; exit 1; }
cleanup() { # run by lib.sh on exit, before $tmp goes
  [ -n "${mpid:-}" ] && kill -9 "$mpid" 2>/dev/null
  for d in "$tmp"/*/pilot; do [ -d "$d" ] && "$bin" cancel "${d%/pilot}" >/dev/null 2>&1; done
}
tag=$$-$RANDOM   # campaign names unique per run: sacct counts by job name

# ---------------------------------------------------------------- A. the DAG
A=pdag-$tag
pilot_dag() { # PART I: A's workflows beyond dag20's defaults
  case $1:$2 in
    program:5)  echo 'executable = "printf"'
                echo 'args = ["%s|", "a b", "it'"'"'s \"q\"", "$HOME $(id) `id`", "x;y && z", "back\\slash", "l1\nl2", ""]' ;;
    program:10) echo 'executable = "printenv"'
                echo 'args = ["HOSTILE"]' ;;
    program:12) echo 'executable = "sh"'
                echo "args = [\"-c\", \"if [ -e $tmp/flaky ]; then exit 0; fi; touch $tmp/flaky; exit 3\"]"
                echo 'max_retries = 1' ;;
    tables:10)  echo '[campaign.w10.environment]'
                echo 'HOSTILE = "v '"'"'a'"'"' \"b\" $X; rm -rf /nonexistent\nend"' ;;
    resources:*) echo "threads = $(( $2 % 4 == 0 ? 2 : 1 ))"; echo 'memory = "50M"' ;;
    *) return 1 ;;
  esac
}
{ slurm_head "$A" slurm-pilot 12 batch 1h "$qos_short" 'retry_backoff = "0.2s"'
  dag20 0.3 pilot_dag
} > a.toml
cur=$tmp/socm-$A
t0=$(date +%s)
"$bin" run a.toml --quiet || fail "campaign A exited $?"
J=$cur/journal.jsonl
ndone=$(n_in_state "$J" DONE)
[ "$ndone" -eq 20 ] || fail "expected 20 DONE, got $ndone"
# every workflow submitted after all its predecessors were DONE
jq -s -e '
  (.[0].spec.tasks) as $tasks
  | (map(select(.ev=="wf" and .state=="DONE")) | map({key: (.id|tostring), value: .t}) | from_entries) as $done
  | [ .[] | select(.ev=="wf" and .state=="SUBMITTED") as $s
      | $tasks[$s.id - 1].pred[] | $done[(. + 1 | tostring)] <= $s.t ] | all' "$J" >/dev/null ||
  fail "a workflow was submitted before a predecessor was DONE"
# one pilot, and every workflow ran as one of its steps
npilot=$(sacct_jobs "$A" JobID | wc -l)
[ "$npilot" -eq 1 ] || fail "expected 1 pilot job, sacct has $npilot"
pjob=$(head -1 "$cur/pilot/jobs")
nstep=$(jq -r 'select(.ev=="log") | .msg | select(test(" runs as Slurm step '"$pjob"'\\.[0-9]+$"))' "$J" | wc -l)
[ "$nstep" -ge 21 ] || fail "expected ≥ 21 steps of pilot $pjob in the journal, got $nstep"
# the flaky one was retried and then DONE at attempt 2
jq -e -s 'map(select(.ev=="retry" and .name=="w12")) | length == 1' "$J" >/dev/null || fail "w12 not retried once"
jq -e -s 'map(select(.ev=="wf" and .name=="w12" and .state=="DONE"))[0].attempt == 2' "$J" >/dev/null ||
  fail "w12 not DONE at attempt 2"
# accounting from sacct in socm status --json
"$bin" status "$cur" --json > st.json
jq -e '.workflows[] | select(.name=="w18") | .elapsed_s >= 2 and .max_rss_mb >= 250 and .max_rss_mb < 1000' st.json >/dev/null ||
  fail "w18 accounting wrong: $(jq -c '.workflows[] | select(.name=="w18")' st.json)"
jq -e '[.workflows[] | select(.elapsed_s == null or .max_rss_mb == null)] | length == 0' st.json >/dev/null ||
  fail "a workflow lacks elapsed_s/max_rss_mb"
# hostile values byte for byte
printf '%s|' "a b" "it's \"q\"" '$HOME $(id) `id`' "x;y && z" 'back\slash' $'l1\nl2' "" > want5
cmp want5 "$cur/workflows/w5/stdout" || fail "argv changed: $(od -c "$cur/workflows/w5/stdout" | head)"
printf '%s\n' $'v \'a\' "b" $X; rm -rf /nonexistent\nend' > want10
cmp want10 "$cur/workflows/w10/stdout" || fail "environment changed: $(od -c "$cur/workflows/w10/stdout" | head)"
grep -q "^exec '" "$cur/pilot/pilot.sh" || fail "batch script does not quote"
echo "A ok ($(( $(date +%s) - t0 )) s)"

# ---------------------------------------------------------------- B. kill -9 + resume
B=pkill-$tag
{ slurm_head "$B" slurm-pilot 4 batch 1h
for i in $(seq 1 8); do
  echo "[campaign.k$i]"
  echo 'type = "generic"'
  echo 'executable = "sleep"'
  echo "args = [\"$(( i <= 4 ? 4 : 1 ))\"]"
  if (( i > 4 )); then echo "depends = [\"k$((i - 4))\"]"; fi
  echo "[campaign.k$i.resources]"
  echo 'memory = "50M"'
  echo 'runtime = "2m"'
done
} > b.toml
cur=$tmp/socm-$B
J=$cur/journal.jsonl
"$bin" run b.toml --quiet &
mpid=$!
wait_state "$J" RUNNING 2 20 || fail "campaign B never ran"
kill -9 "$mpid"
wait "$mpid" 2>/dev/null || true
mpid=
sleep 5   # the first steps end while no manager runs
"$bin" resume "$cur" --quiet || fail "resume exited $?"
ndone=$(n_in_state "$J" DONE)
[ "$ndone" -eq 8 ] || fail "expected 8 DONE after resume, got $ndone"
npilot=$(sacct_jobs "$B" JobID | wc -l)
[ "$npilot" -eq 1 ] || fail "resume submitted another pilot: sacct has $npilot jobs named socm-$B"
dup=$(jq -r 'select(.ev=="wf" and .state=="SUBMITTED") | .name' "$J" | sort | uniq -d)
[ -z "$dup" ] || fail "submitted twice: $dup"
# every step of the pilot ran exactly one workflow attempt (8 steps)
pjob=$(head -1 "$cur/pilot/jobs")
nsteps=$(sacct -n -P -j "$pjob" -o JobID | grep -c "^$pjob\.[0-9]*$")
[ "$nsteps" -eq 8 ] || fail "expected 8 steps in pilot $pjob, sacct has $nsteps"
echo "B ok"

# run_like_b LABEL NAME SLEEP: campaign B again as NAME, every workflow sleeping SLEEP s,
# its manager in the background ($mpid) until two workflows run; sets cur and J.
run_like_b() {
  sed -e "s/name = \"$B\"/name = \"$2\"/" -e 's/args = \["[0-9]*"\]/args = ["'"$3"'"]/' b.toml > "$1.toml"
  cur=$tmp/socm-$2
  J=$cur/journal.jsonl
  "$bin" run "$1.toml" --quiet &
  mpid=$!
  wait_state "$J" RUNNING 2 30 || fail "campaign $1 never ran"
}

# ---------------------------------------------------------------- C. socm cancel
C=pcan-$tag
run_like_b C "$C" 60
"$bin" cancel "$cur" >/dev/null || fail "socm cancel exited $?"
rc=0; wait "$mpid" || rc=$?
mpid=
[ "$rc" -eq 143 ] || fail "manager of C exited $rc, expected 143"
jq -e -s 'map(select(.ev=="campaign")) | last | .state == "CANCELED"' "$J" >/dev/null || fail "campaign C not CANCELED"
pjob=$(head -1 "$cur/pilot/jobs")
for ((i = 0; i < 60; i++)); do
  st=$(squeue -h -j "$pjob" -o %T 2>/dev/null || true)
  case "$st" in "" | COMPLETED | CANCELLED | FAILED) break ;; esac
  sleep 0.5
done
case "$st" in "" | COMPLETED | CANCELLED | FAILED) ;; *) fail "pilot $pjob still $st after socm cancel" ;; esac
echo "C ok"

# ---------------------------------------------------------------- D. pilot lost
D=plost-$tag
run_like_b D "$D" 3
scancel "$(head -1 "$cur/pilot/jobs")"
rc=0; wait "$mpid" || rc=$?
mpid=
[ "$rc" -eq 0 ] || fail "campaign D exited $rc after losing its pilot"
ndone=$(n_in_state "$J" DONE)
[ "$ndone" -eq 8 ] || fail "expected 8 DONE in D, got $ndone"
npilot=$(sacct_jobs "$D" JobID | wc -l)
[ "$npilot" -eq 2 ] || fail "expected 2 pilots for D, sacct has $npilot"
echo "D ok"
