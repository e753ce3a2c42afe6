# lib.sh — what the integration tests share; sourced first, after `set -u`:
#   . "$(dirname "$0")/lib.sh"
# Sets SOCM_BIN to an absolute path (default build/socm), makes a scratch directory
# $tmp that is removed on exit, and defines fail (report a failure and go on) and
# finish MESSAGE (exit 1 if anything failed, else print MESSAGE).
SOCM_BIN=$(realpath "${SOCM_BIN:-build/socm}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
finish() {
    [ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
    echo "${1:-ok}"
}
