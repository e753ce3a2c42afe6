#!/usr/bin/env bash
# test_retry_predecessor.sh — `socm retry DIR NAME` of a CANCELED dependant alone,
# whose predecessor FAILED, is refused up front (exit 2) with a message naming the
# failed predecessor and the retries that work; nothing is journaled (before, the retry
# was journaled and the dependant canceled again at once). The same for --canceled.
# Retrying both, or every failed workflow, runs again.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
command -v jq >/dev/null || skip "jq is not installed"
export SOCM_HISTORY_DB="$tmp/history.db"

{ laptop_head pred
  cat <<TOML
[campaign.a]
type = "generic"
executable = "sh"
args = ["-c", "test -e $tmp/fixed"]
[campaign.b]
type = "generic"
executable = "true"
depends = ["a"]
TOML
} >pred.toml
rc=0; "$SOCM_BIN" run -q pred.toml --state-dir st 2>/dev/null || rc=$?
[ "$rc" = 1 ] || fail "the campaign should fail: exit $rc"
[ "$("$SOCM_BIN" status st --json | jq -c '[.workflows[].state]')" = '["FAILED","CANCELED"]' ] ||
    fail "want a FAILED, b CANCELED: $("$SOCM_BIN" status st --json)"
cp st/journal.jsonl journal.before

for args in "b" "--canceled"; do
    rc=0
    # shellcheck disable=SC2086 # the words of the request
    "$SOCM_BIN" retry -q st $args >out 2>err || rc=$?
    [ "$rc" = 2 ] || fail "retry st $args: exit $rc, want 2 ($(cat err))"
    grep -q "b cannot run again: its predecessor a is FAILED" err ||
        fail "retry st $args: the message does not name the failed predecessor: $(cat err)"
    grep -q "socm retry st a b" err && grep -q "(socm retry st, or --failed)" err ||
        fail "retry st $args: the message does not say what works: $(cat err)"
    cmp -s st/journal.jsonl journal.before || fail "retry st $args journaled something"
done

# Both, or the default (every FAILED and CANCELED one): they run, b after a.
touch fixed
"$SOCM_BIN" retry -q st a b 2>err || fail "retry st a b: exit $? $(cat err)"
[ "$("$SOCM_BIN" status st --json | jq -c '[.workflows[].state]')" = '["DONE","DONE"]' ] ||
    fail "retry a b: not both DONE: $("$SOCM_BIN" status st --json)"
finish "retry of a dependant without its failed predecessor: refused"
