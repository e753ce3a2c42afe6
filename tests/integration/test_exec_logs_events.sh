#!/usr/bin/env bash
# test_exec_logs_events.sh — following a run: `socm logs` prints a workflow's stdout
# or stderr (latest or an earlier attempt, --follow while it runs; unknown names,
# names with a newline or a path, and planted links are refused), `socm status`
# shows the log paths of failed and running workflows, and `socm events` prints the
# journal's state changes as JSON Lines (--since, --follow until the end).
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp"
{ laptop_head le | sed -e 's/^requested_resources = 1/requested_resources = 2/' -e '/^name =/a retry_backoff = "0.1s"'
  cat <<'TOML'
[campaign.flaky]
type = "generic"
executable = "sh"
args = ["-c", "if [ -e flaky.seen ]; then echo second; exit 0; fi; touch flaky.seen; echo first; echo err1 >&2; exit 3"]
max_retries = 1
[campaign.slow]
type = "generic"
executable = "sh"
args = ["-c", "echo tick1; sleep 1.5; echo tick2"]
[campaign.bad]
type = "generic"
executable = "sh"
args = ["-c", "echo boom >&2; exit 4"]
depends = ["slow"]
TOML
} >le.toml
"$SOCM_BIN" run le.toml -q --state-dir st >run.out 2>&1 &
mgr=$!
for _ in $(seq 100); do [ -e st/workflows/slow/stdout ] && break; sleep 0.05; done
timeout 20 "$SOCM_BIN" events st --follow >follow.jsonl 2>follow.err &
ev=$!
timeout 20 "$SOCM_BIN" logs st slow --follow >slow.out 2>&1 || fail "logs --follow: exit $?"
[ "$(cat slow.out)" = "$(printf 'tick1\ntick2')" ] || fail "logs --follow printed: $(cat slow.out)"
wait "$mgr"; rc=$?
[ "$rc" = 1 ] || fail "the run: exit $rc, want 1 (bad fails)"
wait "$ev"; erc=$?
[ "$erc" = 1 ] || fail "events --follow of a FAILED campaign: exit $erc, want 1 ($(cat follow.err))"
tail -n1 follow.jsonl | jq -e '.workflow == null and .state == "FAILED"' >/dev/null \
    || fail "events --follow did not end on the campaign's end: $(tail -n1 follow.jsonl)"

# logs: latest and earlier attempts, stdout and stderr
[ "$("$SOCM_BIN" logs st flaky)" = second ] || fail "logs flaky (latest attempt)"
[ "$("$SOCM_BIN" logs st flaky --attempt 1)" = first ] || fail "logs flaky --attempt 1"
[ "$("$SOCM_BIN" logs st flaky --attempt=1 --stderr)" = err1 ] || fail "logs flaky --attempt 1 --stderr"
[ "$("$SOCM_BIN" logs st bad --stderr)" = boom ] || fail "logs bad --stderr"
"$SOCM_BIN" logs st flaky --attempt 3 >out 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q "no attempt 3" out || fail "attempt 3: exit $rc, $(cat out)"
"$SOCM_BIN" logs st flaky --attempt 0 >out 2>&1; [ $? = 2 ] || fail "--attempt 0 accepted"
"$SOCM_BIN" logs st "$(printf 'bad\nflaky')" >out 2>&1; rc=$?
[ "$rc" = 2 ] && [ "$(wc -l <out)" = 1 ] && grep -q 'no workflow named "bad\\nflaky"' out \
    || fail "a name with a newline: exit $rc, $(cat out)"
"$SOCM_BIN" logs st ../../le.toml >out 2>&1; [ $? = 2 ] || fail "a path as a name: $(cat out)"
"$SOCM_BIN" logs st >out 2>&1; [ $? = 2 ] || fail "logs without a name"
echo secret >secret.txt
rm st/workflows/bad/stderr && ln -s "$tmp/secret.txt" st/workflows/bad/stderr
"$SOCM_BIN" logs st bad --stderr >out 2>&1; rc=$?
[ "$rc" != 0 ] && ! grep -q secret out || fail "logs followed a planted link: exit $rc, $(cat out)"
grep -q "symbolic link" out || fail "the planted link is not named: $(cat out)"

# status shows where the failed workflow's output is
"$SOCM_BIN" status st >status.txt
grep -q "stderr st/workflows/bad/stderr" status.txt || fail "status lacks bad's log paths: $(cat status.txt)"
grep -q secret status.txt && fail "status followed the link planted at bad's stderr"
"$SOCM_BIN" status st --json | jq -e '.workflows[] | select(.name == "flaky") | .stdout == "st/workflows/flaky/stdout" and .stderr == "st/workflows/flaky/stderr"' >/dev/null \
    || fail "status --json lacks the log paths"

# events: one JSON object a line, stable keys, increasing seq, the retry visible
"$SOCM_BIN" events st >all.jsonl || fail "events: exit $?"
jq -e -s 'all(.[]; has("seq") and has("time") and has("workflow") and has("state") and has("attempt") and has("result"))' all.jsonl >/dev/null \
    || fail "events lack a key: $(head -3 all.jsonl)"
jq -e -s '[.[].seq] as $s | all(range(1; $s|length); $s[.] > $s[. - 1])' all.jsonl >/dev/null || fail "seq does not increase"
jq -e -s 'any(.[]; .workflow == "flaky" and .state == "READY" and .retry and .attempt == 1 and .result.exit_code == 3)' all.jsonl >/dev/null \
    || fail "the retry of flaky is not an event: $(grep flaky all.jsonl)"
jq -e -s 'any(.[]; .workflow == "flaky" and .state == "DONE" and .attempt == 2 and .result.outcome == "done")' all.jsonl >/dev/null \
    || fail "flaky's DONE: $(grep flaky all.jsonl)"
jq -e -s 'any(.[]; .workflow == "bad" and .state == "FAILED" and .result.exit_code == 4)' all.jsonl >/dev/null || fail "bad's FAILED"
cmp -s all.jsonl follow.jsonl || fail "--follow and a later read differ: $(diff all.jsonl follow.jsonl)"
mid=$(sed -n 4p all.jsonl | jq .seq)
"$SOCM_BIN" events st --since "$mid" >since.jsonl
[ "$(jq -s 'map(.seq) | min' since.jsonl)" -gt "$mid" ] || fail "--since $mid printed older events"
[ "$(wc -l <since.jsonl)" = "$(( $(wc -l <all.jsonl) - 4 ))" ] || fail "--since $mid dropped events"
"$SOCM_BIN" events st --since -1 >out 2>&1; [ $? = 2 ] || fail "--since -1 accepted"
"$SOCM_BIN" events nowhere >out 2>&1; [ $? = 2 ] || fail "events of a missing directory: $(cat out)"
timeout 10 "$SOCM_BIN" events st --follow >/dev/null; [ $? = 1 ] || fail "--follow of an ended campaign does not return 1 at once"
# --follow started before the run: it waits for the campaign to appear, then to end
camp early true
timeout 30 "$SOCM_BIN" events st9 --follow >early.jsonl 2>early.err &
ev=$!
sleep 0.3
"$SOCM_BIN" run early.toml -q --state-dir st9 >/dev/null 2>&1 || fail "early: the run failed"
wait "$ev"; rc=$?
[ "$rc" = 0 ] && tail -n1 early.jsonl | jq -e '.workflow == null and .state == "DONE"' >/dev/null \
    || fail "events --follow started before the run: exit $rc, $(tail -n1 early.jsonl) $(cat early.err)"
"$SOCM_BIN" events --help | grep -q "example:" || fail "events --help has no example"
"$SOCM_BIN" logs --help | grep -q "example:" || fail "logs --help has no example"
finish "logs and events ok"
