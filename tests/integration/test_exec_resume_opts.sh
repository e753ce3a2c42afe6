#!/usr/bin/env bash
# test_exec_resume_opts.sh — `socm resume` runs on the allocation the run was given:
# a run started with --cores 1 and killed (-9) is resumed without --cores, and its
# independent workflows still run one at a time (before, resume fell back to every
# core of the machine).
. "$(dirname "$0")/lib_testbox.sh"
fail() { echo "FAIL: $*"; exit 1; }

# 6 independent workflows on a 2-core box, each logging "S name" and "E name".
mkdir m
{ testbox ropts 2
  for i in 1 2 3 4 5 6; do
    cat <<TOML
[campaign.w$i]
type = "generic"
executable = "sh"
args = ["-c", "echo S w$i >> $T/m/log; sleep 0.4; echo E w$i >> $T/m/log"]
[campaign.w$i.resources]
ranks = 1
threads = 1
memory = "10M"
runtime = "1m"
TOML
  done
} > c.toml

"$SOCM_BIN" run c.toml --cores 1 --quiet --state-dir st 2>/dev/null &
mgr=$!
wait_for m/log || fail "the run never started a workflow"
sleep 0.2
kill -9 "$mgr"; wait "$mgr" 2>/dev/null || true
head -1 st/journal.jsonl | grep -q '"run_cores": *1[,}]' || fail "the journal does not keep --cores 1"
"$SOCM_BIN" resume st --quiet || fail "resume exit $?"
[ "$("$SOCM_BIN" status st --json | jq -r .state)" = DONE ] || fail "campaign not DONE"

# at most one workflow running at any moment: every S is followed by its own E
awk '
  $1 == "S" { if (running != "") { print "overlap: " $2 " started while " running " ran"; bad = 1 } running = $2 }
  $1 == "E" { if (running == $2) running = "" }
  END { exit bad }' m/log || fail "resume ran workflows side by side on a --cores 1 run: $(tr '\n' ' ' < m/log)"
for i in 1 2 3 4 5 6; do grep -q "^E w$i$" m/log || fail "w$i never finished"; done
echo "ok: resume keeps the run's --cores"
