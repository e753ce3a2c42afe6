#!/usr/bin/env bash
# test_manager_lock.sh — exactly one manager per state directory: a resume (or a new
# run) while the manager lives is refused at once with exit 3 naming its pid; two
# resumes of a killed run at once never run a workflow twice; two runs into one new
# directory at once: one runs, the other exits 3, and the journal describes the one
# that runs; status, status --watch and cancel know the manager from its lock, not
# from a pid in the journal (a reused pid is never signalled; a dead or zombie
# manager is not reported as stopped); a program of campaigns has one runner.
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_testbox.sh"
cleanup() { kill -9 ${bg:-} 2>/dev/null; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
mkdir m

# N workflows; w(i) after w(i-2). Each records its starts in m/wI.start.
dag() { # NAME N SLEEP
  { testbox "$1" 4
    for i in $(seq 1 "$2"); do
      echo "[campaign.w$i]"
      echo 'type = "generic"'
      echo 'executable = "sh"'
      echo "args = [\"-c\", \"echo \$\$ >> $T/m/$1-w$i.start; sleep $3\"]"
      if (( i > 2 )); then echo "depends = [\"w$((i - 2))\"]"; fi
    done
  } > "$1.toml"
}

# --- a second manager while the first lives: refused at once, exit 3, its pid named
dag live 6 1.5
"$SOCM_BIN" run live.toml --quiet 2>live.err &
mgr=$! bg=$mgr
wait_for "m/live-w1.start" || fail "the first run never started"
for cmd in "resume socm-live" "run live.toml --resume" "run live.toml"; do
  set +e
  # shellcheck disable=SC2086
  timeout 5 "$SOCM_BIN" $cmd --quiet 2>second.err
  rc=$?
  set -e
  [ "$rc" -eq 3 ] || fail "socm $cmd while the manager lives: exit $rc, want 3"
  grep -q "campaign live in \(\./\)\?socm-live is managed by pid $mgr (since 20" second.err ||
    { fail "socm $cmd: no 'managed by pid $mgr' message:"; cat second.err; }
done
"$SOCM_BIN" status socm-live > st.txt
! grep -q "no manager" st.txt || fail "status says no manager while it runs"
wait "$mgr" || fail "the first run failed ($?)"
for i in $(seq 1 6); do
  [ "$(wc -l < "m/live-w$i.start")" -eq 1 ] || fail "live: w$i started $(wc -l < "m/live-w$i.start") times"
done

# --- two resumes at once of a killed run: every workflow starts exactly once
dag two 24 0.2
"$SOCM_BIN" run two.toml --quiet 2>/dev/null &
mgr=$! bg=$mgr
wait_for "m/two-w3.start" || fail "the run never started"
kill -9 "$mgr"
wait "$mgr" 2>/dev/null || true
"$SOCM_BIN" resume socm-two --quiet 2>r1.err &
r1=$!
"$SOCM_BIN" resume socm-two --quiet 2>r2.err &
r2=$! bg="$r1 $r2"
set +e
wait "$r1"; rc1=$?
wait "$r2"; rc2=$?
set -e
codes=$(printf '%s\n' "$rc1" "$rc2" | sort | tr '\n' ' ')
# the loser is refused (3); or it came after the winner ended (nothing to do, 0)
case "$codes" in
  "0 3 "|"0 0 ") ;;
  *) fail "two resumes: exit codes $codes (want one 0 and one 3)"; cat r1.err r2.err ;;
esac
for i in $(seq 1 24); do
  n=$(cat "m/two-w$i.start" 2>/dev/null | wc -l)
  [ "$n" -eq 1 ] || fail "two resumes: w$i started $n times"
done
"$SOCM_BIN" status socm-two --json | jq -e '.state == "DONE"' >/dev/null || fail "two: not DONE"

# --- two runs into one new directory at once: one runs, the other exits 3
for round in 1 2 3; do
  dag "ra$round" 2 0.1
  dag "rb$round" 2 0.1
  d="new$round"
  "$SOCM_BIN" run "ra$round.toml" --state-dir "$d" --quiet 2>a.err &
  a=$!
  "$SOCM_BIN" run "rb$round.toml" --state-dir "$d" --quiet 2>b.err &
  b=$! bg="$a $b"
  set +e
  wait "$a"; rca=$?
  wait "$b"; rcb=$?
  set -e
  if [ "$rca" -eq 0 ]; then win="ra$round" rcl=$rcb lerr=b.err; else win="rb$round" rcl=$rca lerr=a.err; fi
  # the loser: exit 3 (the winner's lock), or 2 if it came after the winner had ended
  { [ "$rca" -eq 0 ] || [ "$rcb" -eq 0 ]; } && { [ "$rcl" -eq 3 ] || [ "$rcl" -eq 2 ]; } ||
    { fail "round $round: exit codes $rca and $rcb"; cat a.err b.err; }
  first=$(head -1 "$d/journal.jsonl" | jq -r .spec.campaign)
  [ "$first" = "$win" ] || fail "round $round: the journal describes $first, but $win ran"
  [ "$(grep -c '"ev":"begin"' "$d/journal.jsonl")" -eq 1 ] || fail "round $round: two campaign records"
  [ ! -e "$d/journal.jsonl.new" ] || fail "round $round: a temporary journal left behind"
  [ "$rcl" -ne 3 ] || grep -q "is managed by pid" "$lerr" || { fail "round $round: loser's message:"; cat "$lerr"; }
done

# --- a killed manager whose pid is now another process's: nobody signals that process
dag reuse 2 30
"$SOCM_BIN" run reuse.toml --quiet 2>/dev/null &
mgr=$! bg=$mgr
wait_for "m/reuse-w1.start" || fail "reuse: never started"
kill -9 "$mgr"
wait "$mgr" 2>/dev/null || true
sleep 300 &
victim=$! bg="$victim"
# the journal now names the victim as its manager (as pid reuse would)
python3 "$here/journal_reseal.py" socm-reuse/journal.jsonl 1 pid "$victim"
"$SOCM_BIN" status socm-reuse > st.txt || fail "reuse: status failed"
grep -q "no manager is running it" st.txt || { fail "reuse: status believes the reused pid:"; cat st.txt; }
set +e
timeout 10 "$SOCM_BIN" status socm-reuse --watch >/dev/null
rc=$?
set -e
[ "$rc" -eq 1 ] || fail "reuse: status --watch did not end at once (exit $rc)"
"$SOCM_BIN" cancel socm-reuse > cancel.out 2>&1 || fail "reuse: cancel failed"
kill -0 "$victim" 2>/dev/null || fail "reuse: cancel signalled the process that reused the manager's pid"
grep -q "no manager is running campaign reuse" cancel.out || { fail "reuse: cancel output:"; cat cancel.out; }
kill "$victim" 2>/dev/null || true
wait "$victim" 2>/dev/null || true

# --- a zombie manager (killed, never reaped by its parent): cancel does not pretend
dag zomb 2 30
python3 - "$SOCM_BIN" <<'PY' &
import os, subprocess, sys, time
p = subprocess.Popen([sys.argv[1], "run", "zomb.toml", "--quiet"], stderr=subprocess.DEVNULL)
while not os.path.exists("m/zomb-w1.start"):
    time.sleep(0.05)
os.kill(p.pid, 9)
with open("zomb.pid", "w") as f:
    f.write(str(p.pid))
time.sleep(60)  # never waits: the manager stays a zombie
PY
parent=$! bg=$parent
wait_for zomb.pid || fail "zomb: no manager"
sleep 0.3
grep -q '^State:.*Z' "/proc/$(cat zomb.pid)/status" || fail "zomb: the manager is not a zombie"
"$SOCM_BIN" cancel socm-zomb > cancel.out 2>&1 || fail "zomb: cancel failed"
! grep -q "asking the manager" cancel.out || { fail "zomb: cancel asked a zombie to stop:"; cat cancel.out; }
grep -Eq "no manager is running campaign zomb; 2 workflows told to stop" cancel.out ||
  { fail "zomb: cancel output:"; cat cancel.out; }
grep -q '"ev":"cancel"' socm-zomb/journal.jsonl || fail "zomb: the cancel is not journaled"
kill -9 "$parent" 2>/dev/null || true
wait "$parent" 2>/dev/null || true

# --- a program of campaigns: one runner per program state directory too
dag pa 1 2
cat > prog.toml <<'TOML'
[program]
name = "season"
[[campaign_set]]
name = "pa"
file = "pa.toml"
TOML
"$SOCM_BIN" run prog.toml --state-dir ps -q 2>/dev/null &
prun=$! bg=$prun
wait_for "m/pa-w1.start" || fail "program: never started"
set +e
"$SOCM_BIN" resume ps -q 2>second.err
rc=$?
set -e
[ "$rc" -eq 3 ] || fail "program resume while it runs: exit $rc, want 3"
grep -q "program season in ps is run by pid $prun" second.err || { fail "program: message:"; cat second.err; }
wait "$prun" || fail "program run failed"
[ "$(wc -l < m/pa-w1.start)" -eq 1 ] || fail "program: w1 started twice"
[ "$(stat -c %a ps)" = 700 ] || fail "program state dir mode $(stat -c %a ps)"

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
