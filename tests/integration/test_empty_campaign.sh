#!/usr/bin/env bash
# test_empty_campaign.sh — a campaign without workflows is not passed over in silence:
# validate and plan (and run --dry-run) warn on stderr, at the campaign's name, and
# exit 0 (the files are valid); run refuses at once (exit 2, bad input: a run that
# does nothing is no success), says why, and makes no state directory.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
export SOCM_HISTORY_DB="$tmp/history.db"
laptop_head empty >empty.toml
msg="empty.toml:2:8: warning: campaign empty has no workflows: nothing to plan or run"

for cmd in validate plan "run --dry-run"; do
    rc=0
    # shellcheck disable=SC2086 # the words of the command
    "$SOCM_BIN" $cmd empty.toml >out 2>err || rc=$?
    [ "$rc" = 0 ] || fail "$cmd: exit $rc, want 0 ($(cat err))"
    grep -qF "$msg" err || fail "$cmd: no warning on stderr: $(cat err)"
    ! grep -q 'no workflows' out || fail "$cmd: the warning is on stdout"
done
rc=0; "$SOCM_BIN" run empty.toml >out 2>err || rc=$?
[ "$rc" = 2 ] || fail "run: exit $rc, want 2 ($(cat err))"
grep -qF "socm run: empty.toml:2:8: campaign empty has no workflows: nothing to plan or run" err ||
    fail "run: no clear message: $(cat err)"
[ ! -e socm-empty ] || fail "run made a state directory for nothing"
rc=0; "$SOCM_BIN" run empty.toml --json >out 2>err || rc=$?
[ "$rc" = 2 ] && grep -q '"message":"campaign empty has no workflows' out ||
    fail "run --json: exit $rc, $(cat out)"
# One workflow: no warning.
camp one "true"
"$SOCM_BIN" validate one.toml >/dev/null 2>err && ! grep -q 'no workflows' err ||
    fail "validate warns about a campaign with a workflow: $(cat err)"
finish "an empty campaign: warned, not run"
