#!/usr/bin/env bash
# test_infra_faults.sh — a fault of the machine is not a workflow's failure:
#  0. a supervisor whose result cannot be written (full disk) keeps it and writes it
#     once there is room;
#  1. the state directory's file system fills up mid-run (a small tmpfs), with
#     max_retries = 0: the manager stops with exit 3 and the reason, nothing is FAILED
#     or CANCELED; after space is freed, `socm resume` completes the campaign and every
#     command ran exactly once;
#  2. the sandboxes become read-only mid-run (a read-only bind mount over
#     STATE/workflows): the same — exit 3, nothing FAILED, and a resume once it is
#     writable again completes with every command run exactly once.
# Mounting needs root (CAP_SYS_ADMIN): without it the test is skipped (exit 77).
. "$(dirname "$0")/lib_testbox.sh"
fail() { echo "FAIL: $*"; exit 1; }
MNTS=()
cleanup() { for m in "${MNTS[@]}"; do umount "$m" 2>/dev/null || true; done; }
state_of() { "$SOCM_BIN" status "$1" --json | jq -r "$2"; }

[ "$(id -u)" -eq 0 ] || skip "mounting a file system needs root"
mkdir mnt
mount -t tmpfs -o size=2m,mode=0700 tmpfs mnt 2>/dev/null ||
  skip "cannot mount a tmpfs here (no CAP_SYS_ADMIN)"
MNTS+=("$T/mnt")

N=30
# dag NAME: N workflows in two chains (w<i> after w<i-2>), each appending one line
# to m/NAME.w<i>, max_retries = 0
dag() {
  { testbox "$1" 2 "max_retries = 0"
    for i in $(seq 1 $N); do
      echo "[campaign.w$i]"
      echo 'type = "generic"'
      echo 'executable = "sh"'
      echo "args = [\"-c\", \"echo \$\$ >> $T/m/$1.w$i; sleep 0.2\"]"
      [ "$i" -gt 2 ] && echo "depends = [\"w$((i - 2))\"]"
    done
  } > "$1.toml"
}
# started NAME: how many commands have started
started() { ls m | grep -c "^$1\\." || true; }
# stopped_clean NAME STATE OUT RC: exit 3 with a reason, nothing FAILED or CANCELED
stopped_clean() {
  [ "$4" -eq 3 ] || fail "$1: exit $4 (expected 3, the system refused): $(cat "$3")"
  grep -q "$5" "$3" || fail "$1: the reason is not given: $(cat "$3")"
  bad=$(state_of "$2" '[.workflows[] | select(.state == "FAILED" or .state == "CANCELED") | .name] | join(" ")')
  [ -z "$bad" ] || fail "$1: $bad FAILED or CANCELED by a fault of the machine"
  [ "$(state_of "$2" .state)" != FAILED ] || fail "$1: campaign FAILED"
}
# once NAME: the campaign is DONE and every command ran exactly once
once() {
  [ "$(state_of "$2" .state)" = DONE ] || fail "$1: not DONE after the resume"
  for i in $(seq 1 $N); do
    [ -e "m/$1.w$i" ] || fail "$1: w$i never ran"
    n=$(wc -l < "m/$1.w$i")
    [ "$n" -eq 1 ] || fail "$1: w$i ran $n times (exactly once expected)"
  done
}
mkdir m

# ---- 0. a supervisor keeps a result it cannot write ---------------------------------
SUP=${SOCM_BUILD:-$(dirname "$SOCM_BIN")}/socm-supervise
mkdir mnt/keep
"$SUP" --sandbox mnt/keep -- sh -c "sleep 0.5; echo ran >> $T/m/keep" &
sup=$!
sleep 0.2
head -c 4M /dev/zero > mnt/filler 2>/dev/null || true
sleep 1.5
[ "$(cat m/keep 2>/dev/null)" = ran ] || fail "keep: the command did not run"
kill -0 "$sup" 2>/dev/null || fail "keep: the supervisor gave up on a result it could not write"
[ ! -e mnt/keep/result.json ] || fail "keep: result.json written on a full disk?"
rm mnt/filler
wait "$sup" || fail "keep: supervisor exit $? once there was room"
[ "$(jq -r .outcome mnt/keep/result.json)" = done ] || fail "keep: result $(cat mnt/keep/result.json)"
rm -rf mnt/keep m/keep

# ---- 1. disk full -------------------------------------------------------------------
dag full
set +e
"$SOCM_BIN" run full.toml --state-dir mnt/full --quiet > full.out 2>&1 &
mgr=$!
for _ in $(seq 200); do [ "$(started full)" -ge 4 ] && break; sleep 0.05; done
head -c 4M /dev/zero > mnt/filler 2>/dev/null
timeout 120 tail --pid="$mgr" -f /dev/null
wait "$mgr"; rc=$?
set -e
echo "disk full after $(started full) starts: exit $rc: $(tail -1 full.out)"
stopped_clean full mnt/full full.out "$rc" "No space left on device"
rm mnt/filler
"$SOCM_BIN" resume mnt/full --quiet 2>>full.out || fail "resume after freeing space: exit $?: $(tail -5 full.out)"
once full mnt/full

# ---- 2. read-only sandboxes -------------------------------------------------------------
dag ro
set +e
"$SOCM_BIN" run ro.toml --state-dir ro --quiet > ro.out 2>&1 &
mgr=$!
for _ in $(seq 200); do [ "$(started ro)" -ge 4 ] && break; sleep 0.05; done
mount --bind ro/workflows ro/workflows && MNTS+=("$T/ro/workflows") &&
  mount -o remount,ro,bind ro/workflows || fail "cannot make ro/workflows read-only"
timeout 120 tail --pid="$mgr" -f /dev/null
wait "$mgr"; rc=$?
set -e
echo "read-only sandboxes after $(started ro) starts: exit $rc: $(tail -1 ro.out)"
stopped_clean ro ro ro.out "$rc" "Read-only file system"
umount ro/workflows
"$SOCM_BIN" resume ro --quiet 2>>ro.out || fail "resume once writable: exit $?: $(tail -5 ro.out)"
once ro ro
echo ok
