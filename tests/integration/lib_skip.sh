# lib_skip.sh — how a test says it cannot run here (sourced by lib.sh and by the tests
# that do not use it). CTest is told that exit code 77 means SKIP (SKIP_RETURN_CODE),
# so a skipped test shows as skipped, never as passed. Where every test must run (CI
# sets SOCM_NO_SKIP=1), a skip is a failure instead.
#   skip REASON        the whole test cannot run: exit 77 (or 1 under SOCM_NO_SKIP=1)
#   skip_part REASON   one part cannot run: note it and go on (fail under SOCM_NO_SKIP=1)
skip() {
    if [ "${SOCM_NO_SKIP:-0}" = 1 ]; then
        echo "FAIL: would skip, but SOCM_NO_SKIP=1 says every test runs here: $*"
        exit 1
    fi
    echo "SKIP: $*"
    exit 77
}
skip_part() {
    if [ "${SOCM_NO_SKIP:-0}" = 1 ]; then
        echo "FAIL: would skip a part, but SOCM_NO_SKIP=1 says every test runs here: $*"
        exit 1
    fi
    echo "SKIP (part): $*"
}
