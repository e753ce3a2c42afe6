#!/usr/bin/env bash
# test_valgrind.sh — memcheck of the CLI on the example campaigns and the original's
# dag.yml: `socm validate`, `socm plan`, `socm run --simulate`, `socm status`. Any leak ("definitely"/"indirectly"/"possibly"
# lost) or memory error fails. Skips if valgrind is missing (scripts/dev installs it).
set -euo pipefail
SOCM_BIN=${SOCM_BIN:-socm}
SOCM_SRC=${SOCM_SRC:-$(cd "$(dirname "$0")/../.." && pwd)}
. "$(dirname "$0")/lib_skip.sh"
command -v valgrind >/dev/null || skip "valgrind is not installed"
if grep -qa __asan_init "$SOCM_BIN" || ldd "$SOCM_BIN" 2>/dev/null | grep -q libasan; then
  skip "$SOCM_BIN is built with ASan (its own leak check runs instead)"
fi
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export SOCM_HISTORY_DB="$T/history.db"
files=("$SOCM_SRC"/examples/*.toml "$SOCM_SRC"/examples/*.yml)
files+=("$SOCM_SRC/tests/data/compat/dag.yml")
n=0
vg() { # vg LABEL ALLOWED_EXIT_CODES... -- ARGS...
  local label=$1; shift
  local ok=()
  while [ "$1" != -- ]; do ok+=("$1"); shift; done
  shift
  n=$((n + 1))
  local log="$T/vg.$n.log"
  set +e
  valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=99 \
    --trace-children=no --log-file="$log" "$SOCM_BIN" "$@" > "$T/out.$n" 2>&1
  local rc=$?
  set -e
  if [ "$rc" -eq 99 ]; then
    echo "FAIL: $label: memcheck found errors or leaks:" >&2
    grep -E '^==[0-9]+== ' "$log" | grep -vE 'Memcheck|Copyright|Using Valgrind|Command:' | head -60 >&2
    exit 1
  fi
  local good=0
  for c in "${ok[@]}"; do [ "$rc" -eq "$c" ] && good=1; done
  [ "$good" -eq 1 ] || { echo "FAIL: $label exited $rc: $(head -c 400 "$T/out.$n")" >&2; exit 1; }
  echo "clean: $label (exit $rc)"
}
cd "$T"
for f in "${files[@]}"; do
  b=$(basename "$f")
  vg "validate $b" 0 -- validate "$f"
  vg "plan $b" 0 1 -- plan "$f"
  # simulated runs: this valgrind does not know pidfd_open (syscall 434), which
  # the local enactor needs to watch its supervisors
  vg "run --simulate $b" 0 1 -- run "$f" --simulate --quiet --state-dir "$T/st-$b"
  vg "status $b" 0 1 -- status "$T/st-$b"
  vg "status --json $b" 0 1 -- status "$T/st-$b" --json
done
# error paths leak nothing either
printf '[campaign]\ndeadline = "1h"\n[campaign.x]\ntype = "nope"\n' > bad.toml
vg "validate bad.toml" 2 -- validate bad.toml
vg "run missing.toml" 2 -- run missing.toml
echo ok
