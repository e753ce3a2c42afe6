#!/bin/bash
# test_exit_codes.sh — every exit code that README's "Exit codes" and `socm --help`
# document, each from the situation that gives it: 0 a campaign that succeeds, 1 one
# whose workflow fails, 2 bad input and bad usage, 3 a state directory that cannot be
# written (the full-disk case of the same code is in test_faults.sh), 130 SIGINT and
# 143 SIGTERM to the manager. The help text lists every one of them.
set -u
. "$(dirname "$0")/lib.sh"
mgr=""
trap '[ -n "$mgr" ] && kill -9 "$mgr" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export SOCM_HISTORY_DB="$tmp/history.db"

camp() { # NAME COMMAND
    cat >"$1.toml" <<TOML
[campaign]
name = "$1"
deadline = "1h"
resource = "laptop"
requested_resources = 1
[resources.laptop]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 100, max_cores = 2 }]
[campaign.step]
type = "generic"
executable = "sh"
args = ["-c", "$2"]
TOML
}

expect() { # CODE WHAT COMMAND...
    local want=$1 what=$2
    shift 2
    "$@" >out.txt 2>err.txt
    local rc=$?
    [ "$rc" -eq "$want" ] || fail "$what: exit $rc, documented $want ($(head -c 300 err.txt))"
}

camp ok "true"
camp bad "exit 5"
camp slow "echo started > $tmp/started.txt; sleep 30"
printf '[campaign]\nname = "x"\ndeadline = = 1\n' >broken.toml

expect 0 "a campaign that succeeds" "$SOCM_BIN" run ok.toml --quiet
expect 1 "a campaign whose workflow fails" "$SOCM_BIN" run bad.toml --quiet
expect 2 "a file that does not parse" "$SOCM_BIN" validate broken.toml
grep -q 'broken.toml:3:' err.txt || fail "bad input without file:line: $(cat err.txt)"
expect 2 "an unknown option" "$SOCM_BIN" plan --no-such-option ok.toml
expect 2 "an unknown command" "$SOCM_BIN" no-such-command
touch a-file
expect 3 "a state directory that cannot be created" \
    "$SOCM_BIN" run ok.toml --quiet --state-dir a-file/state
grep -q 'a-file/state' err.txt || fail "unwritable state directory: no clear message: $(cat err.txt)"

# Signals: job control on, so that the background manager does not ignore SIGINT.
set -m
for sig in INT:130 TERM:143; do
    rm -rf socm-slow "$tmp/started.txt"
    "$SOCM_BIN" run slow.toml --quiet 2>/dev/null &
    mgr=$!
    for _ in $(seq 200); do [ -e "$tmp/started.txt" ] && break; sleep 0.05; done
    kill -"${sig%:*}" "$mgr"
    wait "$mgr"
    rc=$?
    mgr=""
    [ "$rc" -eq "${sig#*:}" ] || fail "SIG${sig%:*} to the manager: exit $rc, documented ${sig#*:}"
done
set +m

# One place documents them all: `socm --help` names each code.
help=$("$SOCM_BIN" --help)
for code in 0 1 2 3 130 143; do
    grep -Eq "(^|[^0-9])$code([^0-9]|$)" <<<"$(grep -A8 -i 'exit codes' <<<"$help")" ||
        fail "socm --help does not document exit code $code"
done

finish "all exit codes as documented"
