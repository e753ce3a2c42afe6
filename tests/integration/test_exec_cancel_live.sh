#!/usr/bin/env bash
# test_exec_cancel_live.sh — `socm cancel` of a campaign whose manager runs: the
# campaign ends CANCELED "canceled by `socm cancel`" (not "interrupted by TERM", as a
# plain SIGTERM says), its workflow's log line says so, and the journal's interrupted
# event names the cancel; a SIGTERM from anyone else still reads as an interruption.
. "$(dirname "$0")/lib_testbox.sh"
cleanup() { kill -9 "${mgr:-0}" 2>/dev/null; }
camp() { testbox "$1" 2; cat <<TOML
[campaign.long]
type = "generic"
executable = "sh"
args = ["-c", "echo run >> $T/$1.runs; sleep 30"]
[campaign.long.resources]
runtime = "2m"
TOML
}
camp cl > cl.toml
"$SOCM_BIN" run cl.toml --quiet & mgr=$!
wait_for cl.runs || { echo "the workflow never started"; exit 1; }
"$SOCM_BIN" cancel socm-cl > cancel.out 2>&1 || { echo "cancel failed:"; cat cancel.out; exit 1; }
rc=0; wait "$mgr" || rc=$?
[ "$rc" -eq 143 ] || { echo "manager exit $rc, want 143"; exit 1; }
creason() { grep '"ev":"campaign"' "$1/journal.jsonl" | tail -1 | jq -r .reason; }
"$SOCM_BIN" status socm-cl --json | jq -e '.state == "CANCELED"' >/dev/null || { echo "campaign not CANCELED"; exit 1; }
[ "$(creason socm-cl)" = 'canceled by `socm cancel`' ] || { echo "campaign's reason: $(creason socm-cl)"; exit 1; }
grep -q 'long CANCELED (canceled by `socm cancel`)' socm-cl/socm.log \
  || { echo "workflow's log line:"; grep CANCELED socm-cl/socm.log; exit 1; }
grep '"ev":"interrupted"' socm-cl/journal.jsonl | grep -q '"by":"socm cancel"' \
  || { echo "interrupted event does not name the cancel:"; grep interrupted socm-cl/journal.jsonl; exit 1; }

# A plain SIGTERM (a batch system's, a user's kill) is an interruption, as before.
camp ct > ct.toml
"$SOCM_BIN" run ct.toml --quiet & mgr=$!
wait_for ct.runs || { echo "the second workflow never started"; exit 1; }
kill -TERM "$mgr"
wait "$mgr" || true
[ "$(creason socm-ct)" = "interrupted by TERM" ] || { echo "plain SIGTERM, campaign's reason: $(creason socm-ct)"; exit 1; }
echo ok
