#!/usr/bin/env bash
# test_exec_cancel_nomgr.sh — `socm cancel` when no manager is alive (it was killed -9):
# the workflow its supervisor left running is stopped and the cancel is final at once:
# `socm status` says CANCELED as soon as cancel returns, the dependant never starts;
# a later resume continues the campaign to DONE.
. "$(dirname "$0")/lib_testbox.sh"
cleanup() { kill -9 "${mgr:-0}" 2>/dev/null; }
{ testbox cn 2; cat <<TOML
[campaign.long]
type = "generic"
executable = "sh"
args = ["-c", "echo run >> $T/long.runs; [ -e $T/go ] || sleep 30"]
[campaign.long.resources]
runtime = "2m"

[campaign.after]
type = "generic"
executable = "sh"
args = ["-c", "echo run >> $T/after.runs"]
depends = ["long"]
TOML
} > c.toml
"$SOCM_BIN" run c.toml --quiet &
mgr=$!
wait_for long.runs || { echo "the workflow never started"; exit 1; }
kill -9 "$mgr"
wait "$mgr" 2>/dev/null || true
"$SOCM_BIN" cancel socm-cn > cancel.out
grep -q "stopping long" cancel.out || { echo "cancel did not stop the orphaned workflow:"; cat cancel.out; exit 1; }
grep -q "campaign cn CANCELED" cancel.out || { echo "cancel did not say the campaign is CANCELED:"; cat cancel.out; exit 1; }
"$SOCM_BIN" status socm-cn --json > st.json
jq -e '.state == "CANCELED"' st.json >/dev/null || { echo "campaign not CANCELED:"; cat st.json; exit 1; }
jq -e '[.workflows[] | select(.state == "DONE" or .state == "FAILED")] | length == 0' st.json >/dev/null \
  || { echo "a workflow ended DONE/FAILED after the cancel:"; cat st.json; exit 1; }
[ ! -e after.runs ] || { echo "the dependant started after the cancel"; exit 1; }
[ "$(wc -l < long.runs)" -eq 1 ] || { echo "long started again by the cancelled resume"; exit 1; }
# The cancel is used up: the next resume continues the campaign.
touch go
"$SOCM_BIN" resume socm-cn --quiet || { echo "second resume did not finish the campaign"; exit 1; }
"$SOCM_BIN" status socm-cn --json | jq -e '.state == "DONE"' >/dev/null || { echo "not DONE at last"; exit 1; }
[ "$(wc -l < after.runs)" -eq 1 ] || { echo "after ran $(wc -l < after.runs) times"; exit 1; }
echo ok
