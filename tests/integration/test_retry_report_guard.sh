#!/usr/bin/env bash
# test_retry_report_guard.sh — two refusals:
#  1. `socm retry DIR --failed` on a campaign with nothing FAILED (here CANCELED by
#     `socm cancel` after its manager was killed, with work still pending) runs
#     nothing at all: it says so and exits 1 (the campaign did not succeed); before,
#     it went on as a resume and ran the canceled and pending work;
#  2. `socm report DIR --html/--gantt FILE` refuses (exit 2) a FILE inside the state
#     directory (through a link or `..` too): it would replace the journal;
#  3. `socm logs DIR NAME --follow` waits for a workflow that has yet to start.
. "$(dirname "$0")/lib_testbox.sh"
fail() { echo "FAIL: $*"; exit 1; }

mkdir m
{ testbox guard 2
  cat <<TOML
[campaign.a]
type = "generic"
executable = "sh"
args = ["-c", "echo a >> $T/m/runs; sleep 30"]
[campaign.a.resources]
runtime = "1m"
[campaign.b]
type = "generic"
executable = "sh"
args = ["-c", "echo b >> $T/m/runs"]
depends = ["a"]
TOML
} > c.toml
"$SOCM_BIN" run c.toml --quiet --state-dir st 2>/dev/null &
mgr=$!
wait_for m/runs || fail "a never started"
kill -9 "$mgr"; wait "$mgr" 2>/dev/null || true
"$SOCM_BIN" cancel st >/dev/null || fail "cancel exit $?"
[ "$("$SOCM_BIN" status st --json | jq -r .state)" = CANCELED ] || fail "not CANCELED after cancel"
before=$(wc -l < m/runs)
rc=0; "$SOCM_BIN" retry st --failed 2>err || rc=$?
[ "$rc" -eq 1 ] || fail "retry --failed with nothing FAILED: exit $rc, want 1 ($(cat err))"
grep -q "has no FAILED workflow to retry; nothing run" err || fail "no clear message: $(cat err)"
sleep 0.5
[ "$(wc -l < m/runs)" -eq "$before" ] || fail "retry --failed ran work: $(tr '\n' ' ' < m/runs)"
[ "$("$SOCM_BIN" status st --json | jq -r .state)" = CANCELED ] || fail "retry changed the campaign's state"
echo "ok: retry --failed with nothing FAILED runs nothing"

# 2. reports never written inside the state directory
cp st/journal.jsonl journal.before
ln -s st/journal.jsonl link.html
for out in st/journal.jsonl st/r.html ./st/../st/x.svg link.html; do
  for opt in --html --gantt; do
    rc=0; "$SOCM_BIN" report st "$opt" "$out" >/dev/null 2>err || rc=$?
    [ "$rc" -eq 2 ] || fail "report $opt $out: exit $rc, want 2"
    grep -q "inside the state directory" err || fail "report $opt $out: $(cat err)"
  done
done
cmp -s st/journal.jsonl journal.before || fail "the journal changed"
[ ! -e st/r.html ] || fail "a report was written into the state directory"
"$SOCM_BIN" report st --html ok.html >/dev/null || fail "report to a file outside: exit $?"
[ -s ok.html ] || fail "no report written outside"
echo "ok: reports are never written inside the state directory"

# 3. `socm logs --follow` of a workflow that has yet to start waits for it (the
#    dependant b of a 1-second a), and prints its output once it ran.
{ testbox follow 2
  cat <<TOML
[campaign.a]
type = "generic"
executable = "sh"
args = ["-c", "sleep 1"]
[campaign.b]
type = "generic"
executable = "sh"
args = ["-c", "echo from-b"]
depends = ["a"]
TOML
} > f.toml
"$SOCM_BIN" run f.toml --quiet --state-dir sf 2>/dev/null &
mgr=$!
for _ in $(seq 100); do [ -s sf/journal.jsonl ] && break; sleep 0.05; done
out=$(timeout 20 "$SOCM_BIN" logs sf b --follow 2>&1) || fail "logs --follow exit $?: $out"
wait "$mgr" || fail "the run exit $?"
[ "$out" = from-b ] || fail "logs --follow of a workflow yet to start: '$out'"
echo "ok: logs --follow waits for a workflow to start"
