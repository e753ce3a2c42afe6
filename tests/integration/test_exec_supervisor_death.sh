#!/usr/bin/env bash
# test_exec_supervisor_death.sh — a dead supervisor never leaves its command running:
#  1. kill -9 of a supervisor while the manager lives: the command (and the
#     background child it started) goes with it, and the retry never runs beside
#     it; with max_retries = 0 the campaign ends FAILED and the command really never
#     finishes;
#  2. kill -9 of the manager and then of the supervisor: `socm resume` knows the
#     command had started (its start record), kills what is left of it and runs it
#     again (interrupted, not "never started"), never beside the old one; the same
#     with the start record where an older socm wrote it (the file `started`, not
#     the lock file's second line);
#  3. resume waits for a supervisor that holds its lock without having written its
#     pid yet for as long as it holds it (not a fixed 2 s), never starting a second;
#     a stranger whose process group reuses the id in a start record is never killed
#     (only processes carrying the attempt's SOCM_RUN_ID are);
#  4. a symbolic link planted where a sandbox file belongs (lock, stdout) is never
#     followed: the file it points to is untouched and the run stops with exit 3
#     naming the link, nothing FAILED.
# Each command appends S<pid> when it starts and, from a background child, E<pid>
# when it ends; executions overlap if a second S comes before an earlier E.
. "$(dirname "$0")/lib_testbox.sh"
fail() { echo "FAIL: $*"; exit 1; }
tag="2.${T##*.}"; tag=${tag//[!0-9.]/7}   # a sleep length unique to this test
cleanup() { pkill -9 -f "sleep $tag" 2>/dev/null || true; }
state_of() { "$SOCM_BIN" status "$1" --json | jq -r "$2"; }

# camp NAME MAX_RETRIES: one workflow w writing its markers to NAME.m
camp() {
  { testbox "$1" 1 "max_retries = $2"
    cat <<TOML
[campaign.w]
type = "generic"
executable = "sh"
args = ["-c", "echo S\$\$ >> $T/$1.m; (sleep $tag; echo E\$\$ >> $T/$1.m) & wait"]
TOML
  } > "$1.toml"
}
# supervisor STATE: the pid the running supervisor of w wrote into its lock
supervisor() {
  for _ in $(seq 200); do
    read -r pid _ < "$1/workflows/w/lock" 2>/dev/null && [ -n "${pid:-}" ] && { echo "$pid"; return; }
    sleep 0.05
  done
  fail "no supervisor pid in $1/workflows/w/lock"
}
# gone PID: until PID has exited (the supervisor's death is complete, not just sent)
gone() { for _ in $(seq 200); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.05; done; fail "pid $1 lives on"; }
# orphaned NAME: a campaign NAME (max_retries = 0) whose manager and then supervisor
# are killed once w's command has started
orphaned() {
  camp "$1" 0
  "$SOCM_BIN" run "$1.toml" --state-dir "$1" --quiet 2>"$1.err" &
  local mgr=$! sup
  wait_for "$1.m" || fail "$1: w never started"
  sup=$(supervisor "$1")
  kill -9 "$mgr"; wait "$mgr" 2>/dev/null || true
  kill -9 "$sup"
  gone "$sup"
}
# markers NAME: the markers in one line
markers() { echo $(cat "$T/$1.m"); }
# check_once NAME: the first execution was cut short (no E), the second ran whole
check_cut_then_once() {
  read -r -a m < "$T/$1.m.all"
  [ "${#m[@]}" -eq 3 ] && [ "${m[0]:0:1}" = S ] && [ "${m[1]:0:1}" = S ] &&
    [ "${m[2]}" = "E${m[1]#S}" ] || fail "$1: markers '${m[*]}' (expected S<a> S<b> E<b>: the killed command must never go on)"
}

# ---- 1. supervisor killed, manager alive -------------------------------------------
camp live 1
"$SOCM_BIN" run live.toml --state-dir live --quiet 2>live.err &
mgr=$!
wait_for live.m || fail "w never started"
kill -9 "$(supervisor live)"
wait "$mgr" || fail "run exit $? after a supervisor died (a retry was allowed): $(cat live.err)"
sleep 3.3   # long enough for a surviving first command to write E
markers live > live.m.all
check_cut_then_once live
[ "$(state_of live .state)" = DONE ] || fail "live: not DONE"
pgrep -f "sleep $tag" >/dev/null && fail "live: a command's child outlived its supervisor"

camp zero 0
"$SOCM_BIN" run zero.toml --state-dir zero --quiet 2>zero.err &
mgr=$!
wait_for zero.m || fail "w never started"
kill -9 "$(supervisor zero)"
set +e; wait "$mgr"; rc=$?; set -e
[ "$rc" -eq 1 ] || fail "max_retries = 0: exit $rc, expected 1 (FAILED): $(cat zero.err)"
sleep 3.3
[ "$(markers zero)" = "$(head -1 zero.m)" ] || fail "max_retries = 0: markers '$(markers zero)': the command went on after the campaign said FAILED"
[ "$(state_of zero '.workflows[0].state')" = FAILED ] || fail "zero: w not FAILED"
"$SOCM_BIN" status zero | grep -q "supervisor died" || fail "zero: no reason: $("$SOCM_BIN" status zero)"

# ---- 2. manager and supervisor killed; resume -----------------------------------------
orphaned both
"$SOCM_BIN" resume both --quiet 2>>both.err || fail "resume exit $?: $(cat both.err)"
sleep 3.3
markers both > both.m.all
check_cut_then_once both
grep -q "never started" both/socm.log && fail "resume said 'never started' of a command that ran"
grep -q "interrupted" both/socm.log || fail "resume did not say the attempt was interrupted: $(cat both/socm.log)"
[ "$(state_of both .state)" = DONE ] || fail "both: not DONE"
# the start record is the lock file's second line: no file `started` any more
[ "$(sed -n 2p both/workflows/w/lock | wc -w)" -eq 4 ] || fail "no start record in the lock: $(cat both/workflows/w/lock)"
[ ! -e both/workflows/w/started ] || fail "a file 'started' beside the lock"

# 2b. a sandbox of an older socm: pid line in the lock, start record in `started`
orphaned older
sed -n 2p older/workflows/w/lock > older/workflows/w/started
sed -i 2d older/workflows/w/lock
"$SOCM_BIN" resume older --quiet 2>>older.err ||
  fail "older: resume exit $?: $(cat older.err; tail -15 older/socm.log; cat older/workflows/w/lock older/workflows/w/started)"
sleep 3.3
markers older > older.m.all
check_cut_then_once older
grep -q "interrupted" older/socm.log || fail "older: resume did not read the start record in 'started': $(cat older/socm.log)"
[ "$(state_of older .state)" = DONE ] || fail "older: not DONE"

# ---- 3. a supervisor slow to write its pid -----------------------------------------
orphaned slow
# a stand-in for a live supervisor that has not yet written its pid: it holds the
# lock, empty, for 4 s
: > slow/workflows/w/lock
flock -x slow/workflows/w/lock sh -c "sleep 4; echo released >> $T/slow.m" &
holder=$!
sleep 0.3
"$SOCM_BIN" resume slow --quiet 2>>slow.err || fail "resume beside a slow supervisor: exit $?: $(cat slow.err)"
wait "$holder"
sleep 3.3
# (the stand-in is no supervisor: what the killed one left may end meanwhile, E)
read -r -a m < <(markers slow | sed 's/ E[0-9]*//g')
[ "${m[*]}" = "${m[0]} released ${m[2]:-}" ] && [ "${m[2]:0:1}" = S ] ||
  fail "slow: markers '$(markers slow)': resume started w while its lock was held"
[ "$(state_of slow .state)" = DONE ] || fail "slow: not DONE"

# ---- 3b. a process group id reused by a stranger is never killed --------------------
orphaned reuse
pkill -9 -f "sleep $tag" || true   # what the command left, gone by other means
# a stranger leads a group of its own, and the start record now names that group
setsid sleep 60 &
stranger=$!
sleep 0.2
read -r _ att boot id < <(sed -n 2p reuse/workflows/w/lock)
sed -i "2s/.*/$stranger $att $boot $id/" reuse/workflows/w/lock
"$SOCM_BIN" resume reuse --quiet 2>>reuse.err || fail "reuse: resume exit $?: $(cat reuse.err)"
kill -0 "$stranger" 2>/dev/null || fail "reuse: a stranger in a reused process group was killed"
kill "$stranger"
[ "$(state_of reuse .state)" = DONE ] || fail "reuse: not DONE"

# ---- 4. planted symbolic links ----------------------------------------------------------
for f in lock stdout; do
  camp "ln$f" 0
  mkdir -p "ln$f/workflows/w"
  echo precious > "victim$f"
  ln -s "$T/victim$f" "ln$f/workflows/w/$f"
  set +e
  "$SOCM_BIN" run "ln$f.toml" --state-dir "ln$f" --quiet > "ln$f.out" 2>&1
  rc=$?
  set -e
  [ "$rc" -eq 3 ] || fail "$f -> victim: exit $rc (expected 3): $(cat "ln$f.out")"
  [ "$(cat "victim$f")" = precious ] || fail "$f -> victim: the victim was written to"
  grep -q "ln$f/workflows/w/$f is a symbolic link" "ln$f.out" || fail "$f -> victim: unclear message: $(cat "ln$f.out")"
  [ "$(state_of "ln$f" '.workflows[0].state')" != FAILED ] || fail "$f -> victim: w FAILED"
  [ ! -e "ln$f.m" ] || fail "$f -> victim: the command ran"
done
echo ok
