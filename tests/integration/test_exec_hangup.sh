#!/usr/bin/env bash
# test_exec_hangup.sh — a manager outlives its output: `socm run ... 2>&1 | head -1`
# (SIGPIPE), a SIGHUP, and a terminal that closes (a pty whose other end goes away)
# leave the campaign running to DONE (exit 0), every workflow run once, the loss noted
# in socm.log (and a SIGHUP in the journal).
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib_testbox.sh"
cleanup() { kill -9 ${bg:-} 2>/dev/null; }
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
camp2() { # NAME: two workflows, b after a, 0.5 s each
  { testbox "$1" 2; cat <<TOML
[campaign.a]
type = "generic"
executable = "sh"
args = ["-c", "echo a >> $T/$1.runs; sleep 0.5"]
[campaign.b]
type = "generic"
executable = "sh"
args = ["-c", "echo b >> $T/$1.runs; sleep 0.5"]
depends = ["a"]
TOML
  } > "$1.toml"
}
done_once() { # NAME
  "$SOCM_BIN" status "socm-$1" --json | jq -e '.state == "DONE"' >/dev/null || fail "$1: not DONE"
  [ "$(sort "$1.runs" | tr '\n' ' ')" = "a b " ] || fail "$1: runs: $(tr '\n' ' ' < "$1.runs")"
}

# SIGPIPE: the reader of the manager's output goes away after one line
camp2 pipe
set +e
"$SOCM_BIN" run pipe.toml 2>&1 | head -1 > /dev/null
rc=${PIPESTATUS[0]}
set -e
sleep 2 # a manager killed by SIGPIPE leaves its running workflow to finish
[ "$rc" -eq 0 ] || fail "pipe: the manager exited $rc (141 = killed by SIGPIPE)"
done_once pipe
grep -q "stderr is gone" socm-pipe/socm.log || fail "pipe: the loss is not in socm.log"

# SIGHUP: the campaign goes on; the hang-up is journaled
camp2 hup
"$SOCM_BIN" run hup.toml 2>hup.err &
mgr=$! bg=$mgr
wait_for hup.runs || fail "hup: never started"
kill -HUP "$mgr"
set +e
wait "$mgr"
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "hup: the manager exited $rc after SIGHUP"
done_once hup
grep -q '"msg":"SIGHUP (terminal gone)' socm-hup/journal.jsonl || fail "hup: not journaled"

# a terminal that closes: the manager is the session leader of a pty whose master
# closes (the kernel sends SIGHUP; later writes to the terminal fail)
camp2 tty
set +e
python3 - "$SOCM_BIN" <<'PY'
import os, pty, sys, time
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], [sys.argv[1], "run", "tty.toml"])
while not os.path.exists("tty.runs"):
    time.sleep(0.05)
os.close(fd)  # the terminal goes away
_, st = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(st) & 0xFF)
PY
rc=$?
set -e
[ "$rc" -eq 0 ] || fail "tty: the manager exited $rc when its terminal closed"
done_once tty

[ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
echo "ok"
