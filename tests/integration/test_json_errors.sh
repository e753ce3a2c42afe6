#!/bin/bash
# test_json_errors.sh — every command accepts --json, and with it an error is one JSON
# document on stdout, {"error": {"message", "file", "line", "column", "exit_code"}},
# with the exit code the README documents: file/line/column for an input error at a
# position, null otherwise. Each command is given bad input or bad usage.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
command -v jq >/dev/null || skip "jq is not installed"
export SOCM_HISTORY_DB="$tmp/history.db"

camp ok "true"
printf '[campaign]\nname = "x"\ndeadline = = 1\n' >broken.toml

# json_error CODE COMMAND...: stdout is exactly one valid error document whose
# exit_code is CODE, and the command exits CODE.
json_error() {
    local want=$1
    shift
    "$@" --json >out.json 2>err.txt
    local rc=$?
    [ "$rc" -eq "$want" ] || fail "socm ${*:2} --json: exit $rc, expected $want ($(head -c 200 err.txt))"
    jq -e --argjson c "$want" '.error | (.message | type == "string" and length > 0) and
        .exit_code == $c and has("file") and has("line") and has("column")' out.json >/dev/null ||
        fail "socm ${*:2} --json: not an error document with exit_code $want: $(head -c 300 out.json)"
    [ "$(jq -s length out.json 2>/dev/null)" = 1 ] ||
        fail "socm ${*:2} --json: stdout is not one JSON document: $(head -c 300 out.json)"
}

# An input error at a position: file, line and column are filled in.
for c in validate plan run "config show" "config decode" resources; do
    # shellcheck disable=SC2086 # the words of the command
    json_error 2 "$SOCM_BIN" $c broken.toml
    jq -e '.error.file == "broken.toml" and .error.line == 3 and .error.column == 12' out.json \
        >/dev/null || fail "socm $c: the position is not in the error: $(cat out.json)"
done
# A file where a state directory belongs, for every command that reads one.
for c in "status ok.toml" "report ok.toml" "events ok.toml" "logs ok.toml step" \
    "resume ok.toml" "retry ok.toml" "cancel ok.toml"; do
    # shellcheck disable=SC2086
    json_error 2 "$SOCM_BIN" $c
    jq -e '.error.file == null and .error.line == null and .error.column == null' out.json \
        >/dev/null || fail "socm $c: a usage error has no position: $(cat out.json)"
done
# Bad usage of the rest.
json_error 2 "$SOCM_BIN" render no-such.toml.j2
json_error 2 "$SOCM_BIN" predict --no-such-option
json_error 2 "$SOCM_BIN" history no-such-subcommand
json_error 2 "$SOCM_BIN" history list --no-such-option
json_error 2 env SOCM_SLURM_BINDIR="$tmp/no-slurm" "$SOCM_BIN" resources --discover
# 3: the system refused.
touch a-file
json_error 3 "$SOCM_BIN" run ok.toml --quiet --state-dir a-file/state

# Success with --json is not an error, for a command that prints text (run) too.
"$SOCM_BIN" run ok.toml --quiet --json >out.json 2>err.txt || fail "run --json: $(cat err.txt)"
grep -q '"error"' out.json && fail "run --json printed an error on success: $(cat out.json)"
"$SOCM_BIN" status socm-ok --json | jq -e '.state == "DONE"' >/dev/null ||
    fail "status --json is no longer its document"
# Without --json, stdout stays clean.
"$SOCM_BIN" validate broken.toml >out.txt 2>/dev/null
[ -s out.txt ] && fail "an error without --json went to stdout: $(cat out.txt)"

finish "every command's errors as JSON with --json"
