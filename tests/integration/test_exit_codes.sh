#!/bin/bash
# test_exit_codes.sh — every exit code that README's "Exit codes" and `socm --help`
# document, each from the situation that gives it, for every command where the row
# applies: 0 success, 1 a campaign whose workflow fails (run, resume, retry,
# status --watch), 2 bad input and bad usage (a file that does not parse, a deadline
# no plan meets, a campaign file where a state directory belongs, no Slurm for
# `resources --discover`, an unknown partition), 3 the system refused (a state
# directory that cannot be written — the full-disk case is in test_faults.sh —, one
# others can write to, one another manager runs), 130 SIGINT and 143 SIGTERM to the
# manager. The help text lists every one of them.
set -u
. "$(dirname "$0")/lib.sh"
mgr=""
trap '[ -n "$mgr" ] && kill -9 "$mgr" 2>/dev/null; rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
export SOCM_HISTORY_DB="$tmp/history.db"

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

# A fake Slurm for `resources --discover`: one node in partition debug, no QoS.
mkdir fakeslurm
printf '#!/bin/sh\necho "n1|idle|8|8000|debug*"\n' >fakeslurm/sinfo
printf '#!/bin/sh\nexit 0\n' >fakeslurm/sacctmgr
cp fakeslurm/sacctmgr fakeslurm/sbatch
chmod +x fakeslurm/*
{ laptop_head late; printf '[campaign.step]\ntype = "generic"\nexecutable = "true"\nruntime = "2h"\n'; } |
    sed 's/^deadline = .*/deadline = "1min"/' >late.toml

# 0: success, every command.
expect 0 "a campaign that succeeds" "$SOCM_BIN" run ok.toml --quiet
for c in "validate ok.toml" "plan ok.toml" "config show ok.toml" "resources" "history list" \
    "status socm-ok" "report socm-ok" "events socm-ok" "logs socm-ok step" "resume socm-ok" \
    "retry socm-ok" "cancel socm-ok"; do
    # shellcheck disable=SC2086 # the words of the command
    expect 0 "socm $c" "$SOCM_BIN" $c
done
expect 0 "resources --discover" env SOCM_SLURM_BINDIR="$tmp/fakeslurm" "$SOCM_BIN" resources --discover

# 1: the campaign failed — every command that runs or watches one.
expect 1 "a campaign whose workflow fails" "$SOCM_BIN" run bad.toml --quiet
expect 1 "resume of a FAILED campaign" "$SOCM_BIN" resume socm-bad --quiet
expect 1 "status --watch of a FAILED campaign" "$SOCM_BIN" status socm-bad --watch
expect 1 "retry that fails again" "$SOCM_BIN" retry socm-bad --quiet

# 2: bad input or usage, every command.
expect 2 "a file that does not parse" "$SOCM_BIN" validate broken.toml
grep -q 'broken.toml:3:' err.txt || fail "bad input without file:line: $(cat err.txt)"
for c in "plan broken.toml" "run broken.toml" "config show broken.toml" "resources broken.toml" \
    "render no-such.toml.j2" "predict --no-such-option" "history no-such-subcommand"; do
    # shellcheck disable=SC2086
    expect 2 "socm $c" "$SOCM_BIN" $c
done
expect 2 "a deadline no plan can meet" "$SOCM_BIN" run late.toml --quiet
grep -q 'late.toml:' err.txt || fail "impossible deadline without file:line: $(cat err.txt)"
for c in "status ok.toml" "report ok.toml" "events ok.toml" "logs ok.toml step" \
    "resume ok.toml" "retry ok.toml" "cancel ok.toml"; do
    # shellcheck disable=SC2086
    expect 2 "socm $c (a file, not a state directory)" "$SOCM_BIN" $c
    grep -q 'not a state directory' err.txt || fail "socm $c: no clear message: $(cat err.txt)"
done
expect 2 "resources --discover without Slurm" \
    env SOCM_SLURM_BINDIR="$tmp/no-slurm" "$SOCM_BIN" resources --discover
expect 2 "resources --discover --partition unknown" \
    env SOCM_SLURM_BINDIR="$tmp/fakeslurm" "$SOCM_BIN" resources --discover --partition nope
grep -q "nope" err.txt || fail "unknown partition: no clear message: $(cat err.txt)"
expect 2 "an unknown option" "$SOCM_BIN" plan --no-such-option ok.toml
expect 2 "an unknown command" "$SOCM_BIN" no-such-command
touch a-file
expect 3 "a state directory that cannot be created" \
    "$SOCM_BIN" run ok.toml --quiet --state-dir a-file/state
grep -q 'a-file/state' err.txt || fail "unwritable state directory: no clear message: $(cat err.txt)"
cp -r socm-bad open-dir && chmod o+w open-dir
for c in resume retry; do
    expect 3 "socm $c of a state directory others can write to" "$SOCM_BIN" $c open-dir --quiet
done

# Signals: job control on, so that the background manager does not ignore SIGINT.
set -m
for sig in INT:130 TERM:143; do
    rm -rf socm-slow "$tmp/started.txt"
    "$SOCM_BIN" run slow.toml --quiet 2>/dev/null &
    mgr=$!
    for _ in $(seq 200); do [ -e "$tmp/started.txt" ] && break; sleep 0.05; done
    expect 3 "resume of a campaign another manager runs" "$SOCM_BIN" resume socm-slow --quiet
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
