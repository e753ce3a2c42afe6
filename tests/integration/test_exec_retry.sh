#!/usr/bin/env bash
# test_exec_retry.sh — `socm retry` after a fix: FAILED and CANCELED workflows (or
# those named) run again with the dependants their failure canceled, DONE work never
# does; each retried workflow gets its max_retries anew and its attempts count on;
# naming a DONE or unknown workflow is bad input (2); a second manager is refused (3);
# `socm resume --retry-failed` does the same; plain resume of a FAILED campaign does
# nothing and says how to retry.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp"
{ laptop_head rt | sed -e 's/^requested_resources = 1/requested_resources = 2/' -e '/^name =/a retry_backoff = "0.1s"'
  cat <<'TOML'
[campaign.a]
type = "generic"
executable = "sh"
args = ["-c", "echo run >> a.runs"]
[campaign.b]
type = "generic"
executable = "sh"
args = ["-c", "echo run >> b.runs; [ -e b.fixed ]"]
depends = ["a"]
[campaign.c]
type = "generic"
executable = "sh"
args = ["-c", "echo run >> c.runs"]
depends = ["b"]
[campaign.d]
type = "generic"
executable = "sh"
args = ["-c", "echo run >> d.runs; sleep 0.5; [ -e d.fixed ]"]
max_retries = 1
TOML
} >rt.toml
runs() { [ -e "$1.runs" ] && wc -l <"$1.runs" || echo 0; }
"$SOCM_BIN" run rt.toml -q --state-dir st >out 2>&1; rc=$?
[ "$rc" = 1 ] || fail "first run: exit $rc, want 1"
st() { "$SOCM_BIN" status st --json | jq -r ".workflows[] | select(.name == \"$1\") | \"\(.state) \(.attempts)\""; }
[ "$(st b)" = "FAILED 1" ] && [ "$(st c) " = "CANCELED 0 " ] && [ "$(st d)" = "FAILED 2" ] || fail "first run states: $(st b), $(st c), $(st d)"

"$SOCM_BIN" resume st -q >out 2>&1; rc=$?
[ "$rc" = 1 ] && grep -q "socm retry" out || fail "resume of a FAILED campaign: exit $rc, $(cat out)"
"$SOCM_BIN" retry st a >out 2>&1; rc=$?
[ "$rc" = 2 ] && grep -q "a\" is DONE" out || fail "retry of DONE a: exit $rc, $(cat out)"
"$SOCM_BIN" retry st nope >out 2>&1; [ $? = 2 ] || fail "retry of an unknown workflow: $(cat out)"
"$SOCM_BIN" retry st b --failed >out 2>&1; [ $? = 2 ] || fail "names and --failed together accepted"
"$SOCM_BIN" retry >out 2>&1; [ $? = 2 ] || fail "retry without a directory"
[ "$(runs a)$(runs b)$(runs d)" = 112 ] || fail "a refused retry ran something"

# b is fixed: retrying b runs b and its canceled dependant c, not d, never a.
touch b.fixed
"$SOCM_BIN" retry st b -q >out 2>&1; rc=$?
[ "$rc" = 1 ] || fail "retry b: exit $rc, want 1 (d is still FAILED): $(cat out)"
[ "$(st b)" = "DONE 2" ] && [ "$(st c)" = "DONE 1" ] && [ "$(st d)" = "FAILED 2" ] || fail "after retry b: $(st b), $(st c), $(st d)"
[ "$(runs a)$(runs b)$(runs c)$(runs d)" = 1212 ] || fail "retry b ran: a $(runs a) b $(runs b) c $(runs c) d $(runs d)"
grep -q '"ev":"retry_request","ids":\[2,3\]' st/journal.jsonl || fail "the retry of b is not journaled"
"$SOCM_BIN" events st | jq -e -s 'any(.[]; .workflow == "c" and .state == "NEW")' >/dev/null \
    || fail "c becoming pending again is not an event"

# d fails again: its max_retries counts anew (2 more attempts, 3 and 4); meanwhile a
# second manager is refused.
"$SOCM_BIN" retry st --failed -q >out 2>&1 &
rt=$!
for _ in $(seq 100); do [ "$(runs d)" -ge 3 ] && break; sleep 0.05; done
"$SOCM_BIN" retry st >out2 2>&1; rc=$?
[ "$rc" = 3 ] && grep -q "managed by pid" out2 || fail "a second retry while one runs: exit $rc, $(cat out2)"
wait "$rt"; rc=$?
[ "$rc" = 1 ] || fail "retry --failed of d (still broken): exit $rc"
[ "$(st d)" = "FAILED 4" ] || fail "d after a second failing retry: $(st d), want FAILED 4"
"$SOCM_BIN" logs st d --attempt 1 --stderr >/dev/null || fail "logs of d's first attempt are gone"

# resume --retry-failed: d is fixed, the campaign ends DONE; a still ran once.
touch d.fixed
"$SOCM_BIN" resume st --retry-failed -q >out 2>&1 || fail "resume --retry-failed: exit $?, $(cat out)"
"$SOCM_BIN" status st --json | jq -e '.state == "DONE"' >/dev/null || fail "not DONE after the fix"
[ "$(st d)" = "DONE 5" ] || fail "d: $(st d)"
[ "$(runs a)" = 1 ] || fail "DONE work ran again: a ran $(runs a) times"
"$SOCM_BIN" retry st -q >out 2>&1; rc=$?
[ "$rc" = 0 ] && grep -q "nothing\|no FAILED" out || fail "retry of a DONE campaign: exit $rc, $(cat out)"
"$SOCM_BIN" retry --help | grep -q "example:" || fail "retry --help has no example"
finish "retry ok"
