#!/usr/bin/env bash
# test_exec_failfast.sh — fail_fast: the first failure cancels the rest, and the log
# says why for every workflow it cancels, running or not yet started:
# "NAME CANCELED (fail_fast: FAILED-NAME failed)", never "stopped on request".
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp"
{ laptop_head ff | sed -e '/^name =/a fail_fast = true' -e 's/^requested_resources = 1/requested_resources = 2/'
  cat <<'TOML'
[campaign.bad]
type = "generic"
executable = "sh"
args = ["-c", "sleep 0.3; exit 3"]
[campaign.slow]
type = "generic"
executable = "sleep"
args = ["30"]
[campaign.after]
type = "generic"
executable = "true"
depends = ["slow"]
TOML
} >ff.toml
timeout 60 "$SOCM_BIN" run ff.toml --state-dir st >out 2>&1; rc=$?
[ "$rc" = 1 ] || fail "fail_fast run: exit $rc, want 1"
grep -q "slow CANCELED (fail_fast: bad failed)" st/socm.log || fail "the running workflow's cancellation: $(grep CANCELED st/socm.log)"
grep -q "after CANCELED (fail_fast: bad failed)" st/socm.log || fail "the pending workflow's cancellation: $(grep CANCELED st/socm.log)"
grep -q "stopped on request" st/socm.log && fail "fail_fast logged as 'stopped on request'"
"$SOCM_BIN" status st --json | jq -e '.workflows[] | select(.name == "slow") | .reason == "fail_fast: bad failed"' >/dev/null \
    || fail "status reason of slow: $("$SOCM_BIN" status st --json | jq -c '.workflows')"
finish "fail_fast ok"
