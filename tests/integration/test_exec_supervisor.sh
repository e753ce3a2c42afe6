#!/usr/bin/env bash
# test_exec_supervisor.sh — the standalone supervisor socm-supervise (built next to
# socm): its result.json (outcome, exit code, signal, walltime, stop request, a
# command that cannot start, strict JSON even for odd names), its pid in the lock it
# holds, supervisor.log only when it has something to say, usage errors; and that
# `socm run` starts it, in a session of its own (the command's parent is
# socm-supervise, whose pid is the session id), with the command in its own group;
# and that a socm without socm-supervise beside it forks itself instead; and that where
# musl-gcc is installed (and the build is not sanitized) it is built with musl, whose
# start-up does not probe the CPU with CPUID as static glibc's does.
set -euo pipefail
SOCM_BIN=${SOCM_BIN:-socm}
SUP=${SOCM_BUILD:-$(dirname "$SOCM_BIN")}/socm-supervise
[ -x "$SUP" ] || { echo "FAIL: no $SUP"; exit 1; }
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
. "$(dirname "$0")/lib_testbox.sh"
fail() { echo "FAIL: $*"; exit 1; }
# field KEY FILE: one value of a result.json, which must be valid UTF-8 and JSON.
field() {
  iconv -f UTF-8 -t UTF-8 "$2" >/dev/null || fail "$2 is not UTF-8"
  jq -er --arg k "$1" '.[$k] // "" | tostring' "$2" || fail "$2 is not JSON"
}

# 1. done, with the command's output in the sandbox and its exit code
mkdir ok
"$SUP" --sandbox ok --attempt 2 -- sh -c 'echo out; echo err >&2' || fail "supervisor exit $?"
[ "$(field outcome ok/result.json)" = done ] || fail "outcome: $(cat ok/result.json)"
[ "$(field attempt ok/result.json)" = 2 ] || fail "attempt: $(cat ok/result.json)"
[ "$(field exit_code ok/result.json)" = 0 ] || fail "exit_code: $(cat ok/result.json)"
[ "$(cat ok/stdout)" = out ] && [ "$(cat ok/stderr)" = err ] || fail "stdout/stderr"
[ -e ok/supervisor.log ] && fail "supervisor.log written with nothing to say"
[ "$(ls ok | sort | tr '\n' ' ')" = "result.json started stderr stdout supervisor.pid " ] ||
  fail "sandbox holds: $(ls ok)"

# 2. a failing command: exit code and reason
mkdir bad
"$SUP" --sandbox bad -- sh -c 'exit 7'
[ "$(field outcome bad/result.json)" = failed ] || fail "exit 7 outcome"
[ "$(field exit_code bad/result.json)" = 7 ] || fail "exit 7 code"
[ "$(field reason bad/result.json)" = "exit code 7" ] || fail "exit 7 reason"

# 3. killed by a signal: the signal, no exit code
mkdir sig
"$SUP" --sandbox sig -- sh -c 'kill -KILL $$'
[ "$(field signal sig/result.json)" = 9 ] || fail "signal: $(cat sig/result.json)"
[ "$(field exit_code sig/result.json)" = -1 ] || fail "signal exit_code"
case "$(field reason sig/result.json)" in "killed by signal 9"*) ;; *) fail "signal reason" ;; esac

# 4. walltime: SIGTERM, then SIGKILL after the grace for a command ignoring it
mkdir slow
t0=$(date +%s%N)
"$SUP" --sandbox slow --walltime 0.5 --grace 0.5 -- sh -c 'trap "" TERM; sleep 30'
dt=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$(field outcome slow/result.json)" = timeout ] || fail "walltime outcome"
[ "$dt" -lt 10000 ] || fail "walltime took $dt ms"

# 5. a stop request (SIGTERM to the supervisor) is forwarded: canceled; the pid it
#    holds in the lock given as fd 3 names it, and the command's start record (its
#    process group, the attempt, the boot id given) is the lock's second line, with
#    no file `started`
mkdir stop
: > stop/lock
( flock -x 3; exec "$SUP" --sandbox stop --attempt 3 --lock-fd 3 --boot-id=b00t -- sleep 30 ) 3<>stop/lock &
sup=$!
wait_for stop/lock || fail "no pid in the lock"
read -r pid att < stop/lock
[ "$pid" = "$sup" ] && [ "$att" = 3 ] || fail "lock holds '$pid $att', supervisor is $sup"
flock -n stop/lock true && fail "the lock is not held while the supervisor runs"
kill -TERM "$sup"
wait "$sup" || fail "stopped supervisor exit $?"
[ "$(field outcome stop/result.json)" = canceled ] || fail "stop outcome"
[ -e stop/supervisor.pid ] && fail "supervisor.pid written though a lock was given"
read -r pgid ratt rboot rid < <(sed -n 2p stop/lock)
[ "$ratt" = 3 ] && [ "$rboot" = b00t ] && [ "$pgid" -gt 1 ] && [ -n "$rid" ] ||
  fail "no start record in the lock: $(cat stop/lock)"
[ -e stop/started ] && fail "a file 'started' though a lock was given"

# 6. a command that cannot start, with a quote and a byte that is not UTF-8 in its
#    name: failed, and result.json still strict JSON carrying the name
mkdir nostart
"$SUP" --sandbox nostart -- "$T/no\"such"$'\xff'
[ "$(field outcome nostart/result.json)" = failed ] || fail "no-start outcome"
case "$(field reason nostart/result.json)" in *'no"such'*) ;; *) fail "no-start reason: $(cat nostart/result.json)" ;; esac

# 7. usage errors: exit 2 with a message; --help exit 0
set +e
"$SUP" -- true 2>err; rc=$?
set -e
[ "$rc" = 2 ] && grep -q sandbox err || fail "usage error exit $rc"
"$SUP" --help | grep -q "example" || fail "--help"

# 8. `socm run` starts socm-supervise in its own session; the command in its own group
{ testbox sess 2; cat <<'TOML'
[campaign.w]
type = "generic"
executable = "sh"
args = ["-c", "read -r _ _ _ pp pg sid _ < /proc/self/stat; echo $pp $pg $sid $$ $(readlink /proc/$pp/exe) > $SOCM_SANDBOX/who"]
TOML
} > sess.toml
"$SOCM_BIN" run sess.toml --state-dir st >/dev/null 2>&1 || fail "socm run failed"
read -r pp pg sid self exe < st/workflows/w/who
case "$exe" in */socm-supervise) ;; *) fail "the command's parent is $exe" ;; esac
[ "$sid" = "$pp" ] || fail "session $sid is not the supervisor's ($pp)"
[ "$pg" = "$self" ] || fail "command's group $pg is not its own ($self)"
read -r lpid latt < st/workflows/w/lock
[ "$lpid" = "$pp" ] && [ "$latt" = 1 ] || fail "the lock holds '$lpid $latt', not the supervisor's pid"
[ -e st/workflows/w/supervisor.log ] && fail "supervisor.log without a message"

# 9. without socm-supervise beside it, socm forks itself as the supervisor: same
#    session and group rules, same result
mkdir alone
cp "$SOCM_BIN" alone/socm
alone/socm run sess.toml --state-dir st2 >/dev/null 2>&1 || fail "socm run (fork) failed"
read -r pp pg sid self exe < st2/workflows/w/who
[ "$exe" = "$T/alone/socm" ] || fail "fork fallback: the command's parent is $exe"
[ "$sid" = "$pp" ] && [ "$pg" = "$self" ] || fail "fork fallback: session $sid/group $pg"
[ "$(field outcome st2/workflows/w/result.json)" = done ] || fail "fork fallback result"
read -r lpid latt < st2/workflows/w/lock
[ "$lpid" = "$pp" ] && [ "$latt" = 1 ] || fail "fork fallback: lock holds '$lpid $latt'"

# 10. a script without "#!" runs under /bin/sh (execvp's rule, whatever libc the
#     supervisor is built with)
printf 'echo "plain $1"\n' > "$T/noshebang"
chmod +x "$T/noshebang"
mkdir plain
"$SUP" --sandbox plain -- "$T/noshebang" arg || fail "supervisor exit $? (script without #!)"
[ "$(field outcome plain/result.json)" = done ] || fail "script without #!: $(cat plain/result.json)"
[ "$(cat plain/stdout)" = "plain arg" ] || fail "script without #!: stdout '$(cat plain/stdout)'"

# 11. built with musl where musl-gcc is installed: no glibc start-up in it (glibc's
#     tunables parser, GLIBC_TUNABLES, is part of every static glibc program)
cache=${SOCM_BUILD:-$(dirname "$SOCM_BIN")}/CMakeCache.txt
if command -v musl-gcc >/dev/null && [ -f "$cache" ] &&
   ! grep -Eq '^SOCM_(SANITIZE|FUZZ):BOOL=ON' "$cache" &&
   ! grep -q '^SOCM_SUPERVISE_MUSL:BOOL=OFF' "$cache"; then
  grep -aq GLIBC_TUNABLES "$SUP" && fail "musl-gcc is installed but $SUP is built with glibc"
  readelf -l "$SUP" | grep -q INTERP && fail "$SUP is not static"
fi
echo "ok"
