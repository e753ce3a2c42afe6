#!/usr/bin/env bash
# test_skips_honest.sh — every test that cannot run says so to CTest: no shell test
# prints a skip and goes on or exits on its own (it calls skip / skip_part from
# lib_skip.sh, which honour SOCM_NO_SKIP=1), and no unit test calls cmocka's skip() directly (it uses socm_test_skip from
# skip_fixture.h, which fails under SOCM_NO_SKIP=1). lib_skip.sh's skip exits 77,
# and 1 under SOCM_NO_SKIP=1.
set -u
. "$(dirname "$0")/lib.sh"
src=${SOCM_SRC:?}
# A line that mentions skipping and exits 0 (or just prints "skip" and goes on).
bad=$(grep -nEi 'skip[^|]*exit 0|echo "?skip(ped)?[: ]' "$src"/tests/integration/test_*.sh "$src"/tests/slurm/*.sh 2>/dev/null |
      grep -v '^[^:]*/test_skips_honest.sh:')
[ -z "$bad" ] || fail "a test skips without telling CTest: $bad"
bad=$(grep -nE '(^|[^_a-z])skip\(\)' "$src"/tests/unit/*.c | grep -v 'skip_fixture.h')
[ -z "$bad" ] || fail "a unit test calls cmocka's skip() directly: $bad"

# skip itself: 77 normally, a failure where every test must run.
( SOCM_NO_SKIP=0; skip "because" ) >/dev/null; [ $? -eq 77 ] || fail "skip does not exit 77"
( SOCM_NO_SKIP=1; skip "because" ) >"$tmp/out"; rc=$?
[ $rc -eq 1 ] && grep -q 'SOCM_NO_SKIP=1' "$tmp/out" || fail "skip under SOCM_NO_SKIP=1: exit $rc"
out=$(SOCM_NO_SKIP=0; skip_part "one part"; echo went-on)
grep -q went-on <<<"$out" || fail "skip_part stopped the test"
( SOCM_NO_SKIP=1; skip_part "one part"; echo went-on ) >"$tmp/out2"; rc=$?
[ $rc -eq 1 ] && ! grep -q went-on "$tmp/out2" || fail "skip_part under SOCM_NO_SKIP=1: exit $rc"
# The check can fail: a test written the old way is caught.
printf 'command -v x || { echo "skip: no x"; exit 0; }\n' >"$tmp/test_old.sh"
grep -qEi 'skip[^|]*exit 0' "$tmp/test_old.sh" || fail "the old form is not recognised"
finish "ok: tests report their skips"
