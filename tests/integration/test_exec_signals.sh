#!/usr/bin/env bash
# test_exec_signals.sh — walltime enforcement (SIGTERM, then SIGKILL after the grace
# for a workflow that ignores SIGTERM) and SIGTERM to the manager: running work is
# stopped, the journal records it, exit 143, nothing is left running, and resume
# finishes the campaign.
. "$(dirname "$0")/lib_testbox.sh"

# --- walltime ---
{ testbox wall 2; cat <<TOML
[campaign.sleepy]
type = "generic"
executable = "sleep"
args = ["30"]
[campaign.sleepy.resources]
runtime = "2s"

[campaign.stubborn]
type = "generic"
executable = "sh"
args = ["-c", "trap '' TERM; sleep 30"]
[campaign.stubborn.resources]
runtime = "2s"
TOML
} > wall.toml
start=$(date +%s)
set +e
"$SOCM_BIN" run wall.toml --cores 2 --quiet
rc=$?
set -e
took=$(( $(date +%s) - start ))
[ "$rc" -eq 1 ] || { echo "walltime: expected exit 1, got $rc"; exit 1; }
[ "$took" -lt 10 ] || { echo "walltime: took $took s, the 2 s walltime was not enforced"; exit 1; }
J=socm-wall/journal.jsonl
jq -s -e 'map(select(.ev=="wf" and .state=="FAILED")) | length == 2 and all(.outcome == "timeout")' "$J" >/dev/null \
  || { echo "walltime: both should have FAILED by timeout"; jq -c 'select(.state=="FAILED")' "$J"; exit 1; }
jq -s -e 'map(select(.ev=="wf" and .name=="stubborn" and .state=="FAILED")) | .[0].signal == 9 and .[0].elapsed_s >= 2.9' "$J" >/dev/null \
  || { echo "walltime: the SIGTERM-ignoring workflow was not SIGKILLed after the grace"; exit 1; }
jq -s -e 'map(select(.ev=="wf" and .name=="sleepy" and .state=="FAILED")) | .[0].signal == 15' "$J" >/dev/null \
  || { echo "walltime: sleepy was not stopped by SIGTERM"; exit 1; }

# --- SIGTERM to the manager ---
{ testbox stop 2; cat <<TOML
[campaign.a]
type = "generic"
executable = "sh"
args = ["-c", "echo run >> $T/a.runs; sleep 2"]
[campaign.b]
type = "generic"
executable = "sh"
args = ["-c", "echo run >> $T/b.runs; sleep 2"]
[campaign.c]
type = "generic"
executable = "sh"
args = ["-c", "echo run >> $T/c.runs"]
depends = ["a", "b"]
TOML
} > stop.toml
"$SOCM_BIN" run stop.toml --cores 2 --quiet &
mgr=$!
for _ in $(seq 400); do   # until both commands really run
  [ -e a.runs ] && [ -e b.runs ] && break
  sleep 0.05
done
kill -TERM "$mgr"
set +e
wait "$mgr"
rc=$?
set -e
[ "$rc" -eq 143 ] || { echo "SIGTERM: expected exit 143, got $rc"; exit 1; }
J=socm-stop/journal.jsonl
jq -s -e 'map(select(.ev=="interrupted")) | length == 1 and .[0].signal == 15' "$J" >/dev/null \
  || { echo "SIGTERM: not journaled"; exit 1; }
jq -s -e 'map(select(.ev=="wf" and .state=="CANCELED" and .interrupted)) | length == 2' "$J" >/dev/null \
  || { echo "SIGTERM: running work not recorded as interrupted"; exit 1; }
jq -s -e 'map(select(.ev=="campaign")) | last | .state == "CANCELED"' "$J" >/dev/null \
  || { echo "SIGTERM: campaign not CANCELED"; exit 1; }
if pgrep -f "$T/[abc].runs" >/dev/null; then echo "SIGTERM: workflows left running"; exit 1; fi
[ ! -e c.runs ] || { echo "SIGTERM: c started although a and b were stopped"; exit 1; }
# resume: a and b run again (they were stopped), then c; campaign DONE
"$SOCM_BIN" resume socm-stop --quiet
[ "$(wc -l < a.runs)" -eq 2 ] && [ "$(wc -l < b.runs)" -eq 2 ] && [ "$(wc -l < c.runs)" -eq 1 ] \
  || { echo "resume after SIGTERM: wrong run counts"; exit 1; }
"$SOCM_BIN" status socm-stop --json | jq -e '.state == "DONE"' >/dev/null || { echo "not DONE"; exit 1; }
echo ok
