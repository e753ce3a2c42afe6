#!/usr/bin/env bash
# test_faults.sh — fault injection on the local enactor:
#  1. the manager SIGKILLed at 20 random moments of a 200-workflow run, each time
#     resumed with `socm resume`: completes, every workflow ran exactly once, the
#     journal replays;
#  2. the state directory's file system fills up mid-run (a small tmpfs; skipped with
#     a reason if mounting is not allowed): a clean stop (exit 3) with a clear message,
#     nothing already recorded lost, and a resume after freeing space finishes with
#     every command run exactly once (see also test_infra_faults.sh);
#  3. a child ignoring SIGTERM is SIGKILLed after the grace period at walltime; a
#     workflow's 50 background sleeps die with it; a child closing stdout is fine;
#     an enormous stdout (2 GB, 500 MB if disk is short) leaves the manager small.
set -euo pipefail
. "$(dirname "$0")/lib_skip.sh"
SOCM_BIN=${SOCM_BIN:-socm}
T=$(mktemp -d)
MNT=""
cleanup() {
  [ -n "$MNT" ] && umount "$MNT" 2>/dev/null || true
  # leftovers of a failed check, found by the sleep length unique to this test
  for p in $(pgrep -f "sleep 313.${T##*.}" || true); do kill -9 "$p" 2>/dev/null || true; done
  rm -rf "$T"
}
trap cleanup EXIT
cd "$T"
export SOCM_HISTORY_DB="$T/history.db"
fail() { echo "FAIL: $*" >&2; exit 1; }
header() {
  cat <<EOF
[campaign]
name = "$1"
deadline = "30d"
requested_resources = 2
resource = "box"
execution_schema = "batch"
grace = "1s"

[resources.box]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "30d", max_jobs = 100000, max_cores = 2 }]
EOF
}
state_of() { "$SOCM_BIN" status "$1" --json | jq -r "$2"; }

# ---- 1. SIGKILL x 20 during 200 workflows ----------------------------------------
mkdir m
{ header k20
  for i in $(seq 1 200); do
    echo "[campaign.w$i]"
    echo 'type = "generic"'
    echo 'executable = "sh"'
    echo "args = [\"-c\", \"echo \$\$ >> $T/m/w$i; sleep 0.1$((i % 5))\"]"
  done
} > k20.toml
t0=$(date +%s)
"$SOCM_BIN" run k20.toml --cores 2 --quiet --state-dir k20 2>>mgr.err &
mgr=$!
# the journal exists once the run has begun (before that a kill only stops a parser)
for _ in $(seq 1 300); do [ -s k20/journal.jsonl ] && break; sleep 0.05; done
kills=0
for round in $(seq 1 ${K20_ROUNDS:-20}); do
  sleep "0.$(( RANDOM % 4 + 1 ))$(( RANDOM % 10 ))"
  if kill -9 "$mgr" 2>/dev/null; then kills=$((kills + 1)); fi
  wait "$mgr" 2>/dev/null || true
  "$SOCM_BIN" resume k20 --cores 2 --quiet 2>>mgr.err &
  mgr=$!
done
wait "$mgr" || fail "the final resume exited $? ($(head -5 mgr.err))"
echo "200 workflows, $kills SIGKILLs landed, $(( $(date +%s) - t0 )) s"
[ "$kills" -ge $(( ${K20_ROUNDS:-20} / 2 )) ] || fail "only $kills of 20 kills landed: the run is too short to test"
for i in $(seq 1 200); do
  [ -e "m/w$i" ] || fail "w$i never ran"
  n=$(wc -l < "m/w$i")
  [ "$n" -eq 1 ] || fail "w$i ran $n times (exactly once expected)"
done
[ "$(state_of k20 .state)" = DONE ] || fail "campaign not DONE after the resumes"
[ "$(state_of k20 '[.workflows[] | select(.state == "DONE")] | length')" = 200 ] \
  || fail "not every workflow DONE"
# the journal is one JSON object per line and replays (status above replayed it)
jq -e . k20/journal.jsonl > /dev/null || fail "journal has a damaged line"

# ---- 2. disk full under the state directory ---------------------------------------
# (a read-only remount is refused while the journal is open for writing, so the
# state directory's file system is filled instead: every write then fails ENOSPC)
if [ "$(id -u)" -eq 0 ] && mkdir mnt && mount -t tmpfs -o size=4m,mode=0700 tmpfs mnt 2>/dev/null; then
  MNT=$T/mnt
  { header full | sed 's/^grace = .*/&\nmax_retries = 2/'
    for i in $(seq 1 60); do
      echo "[campaign.r$i]"
      echo 'type = "generic"'
      echo 'executable = "sh"'
      echo "args = [\"-c\", \"echo \$\$ >> $T/m/r$i; sleep 0.1\"]"
    done
  } > full.toml
  set +e
  "$SOCM_BIN" run full.toml --cores 2 --quiet --state-dir mnt/full > full.out 2>&1 &
  mgr=$!
  for _ in $(seq 1 200); do [ -s mnt/full/journal.jsonl ] && break; sleep 0.05; done
  sleep 1
  head -c 8M /dev/zero > mnt/filler 2>/dev/null
  timeout 60 tail --pid="$mgr" -f /dev/null
  wait "$mgr"; rc=$?
  set -e
  echo "manager on a full disk: exit $rc: $(tail -1 full.out)"
  [ "$rc" -eq 3 ] || fail "exit $rc on a full disk (documented: 3, the system refused)"
  grep -qi 'no space left' full.out || fail "no clear message: $(cat full.out)"
  # everything recorded is still there: the journal replays, and what it calls DONE
  # really ran (markers), once
  rm -f mnt/filler
  done_before=$(state_of mnt/full '.workflows[] | select(.state == "DONE") | .name')
  echo "$(echo $done_before | wc -w) workflows recorded DONE before the disk filled"
  [ -n "$done_before" ] || fail "nothing recorded before the disk filled"
  "$SOCM_BIN" resume mnt/full --cores 2 --quiet 2>>full.out || { "$SOCM_BIN" status mnt/full | grep -v "^  done" | head; tail -3 full.out; fail "resume after freeing space: exit $?"; }
  [ "$(state_of mnt/full .state)" = DONE ] || fail "not DONE after the resume"
  # every command ran exactly once: a supervisor that could not write its result to
  # the full disk kept it and wrote it once there was room, and nothing was retried
  # for a fault of the machine
  for i in $(seq 1 60); do
    [ -s "m/r$i" ] || fail "r$i never ran"
    n=$(wc -l < "m/r$i")
    [ "$n" -eq 1 ] || fail "r$i ran $n times"
  done
  umount mnt; MNT=""
else
  skip_part "part 2: cannot mount a tmpfs here (not root or no CAP_SYS_ADMIN)"
fi

# ---- 3. hostile children ------------------------------------------------------------
tag="313.${T##*.}"   # a sleep length unique to this test, to find its processes
free_kb=$(df -Pk . | awk 'NR == 2 {print $4}')
big=2G; [ "$free_kb" -gt $((5 * 1024 * 1024)) ] || big=500M
{ header kids
  cat <<EOF
[campaign.stubborn]
type = "generic"
executable = "sh"
args = ["-c", "trap '' TERM; echo started > $T/stubborn; while :; do sleep 0.1; done"]
[campaign.stubborn.resources]
runtime = "2s"

[campaign.bomb]
type = "generic"
executable = "sh"
args = ["-c", "for i in \$(seq 50); do sleep $tag & done; sleep 2; exit 3"]

[campaign.closer]
type = "generic"
executable = "sh"
args = ["-c", "exec >&- 2>&-; sleep 0.2; echo fine > $T/closer"]

[campaign.flood]
type = "generic"
executable = "head"
args = ["-c", "$big", "/dev/zero"]

[campaign.after]
type = "generic"
executable = "true"
depends = ["flood", "closer"]
EOF
} > kids.toml
t0=$(date +%s)
set +e
/usr/bin/time -f '%M' -o rss.txt "$SOCM_BIN" run kids.toml --cores 2 --quiet --state-dir kids > kids.out 2>&1
rc=$?
set -e
el=$(( $(date +%s) - t0 ))
rss=$(tail -1 rss.txt)
echo "hostile children: exit $rc in ${el}s, manager max RSS ${rss} kB (stdout flood $big)"
[ "$rc" -eq 1 ] || fail "expected exit 1 (stubborn and bomb fail), got $rc: $(cat kids.out)"
[ "$(state_of kids '.workflows[] | select(.name == "stubborn") | .state')" = FAILED ] || fail "stubborn not FAILED"
[ -e stubborn ] || fail "stubborn never started"
"$SOCM_BIN" status kids | grep -qi 'walltime' || fail "no walltime reason"
[ "$el" -lt 50 ] || fail "a SIGTERM-ignoring child held the run for ${el}s"
sleep 0.3
left=$(pgrep -f "sleep $tag" | wc -l || true)
[ "$left" -eq 0 ] || fail "$left of the bomb's 50 sleeps outlived their workflow"
[ "$(cat closer)" = fine ] || fail "the child that closed stdout did not finish"
[ "$(state_of kids '.workflows[] | select(.name == "after") | .state')" = DONE ] \
  || fail "socm did not keep going after the flood"
size=$(stat -c %s kids/workflows/flood/stdout)
echo "flood stdout: $size bytes on disk"
budget=102400  # kB; a sanitizer build's manager carries shadow memory
grep -qa __asan_init "$SOCM_BIN" && budget=409600
[ "$rss" -lt "$budget" ] || fail "manager max RSS ${rss} kB (budget $((budget / 1024)) MB)"
echo ok
