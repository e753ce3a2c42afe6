# lib.sh — the opening the real-Slurm tests share (sourced, not a test): the test
# cluster started (idempotent; $SOCM_SLURM_DIR/$SOCM_SLURM_PORT_BASE pick which) with
# its environment, $src and $bin from ctest, fail(), and a scratch directory $tmp as
# the working directory, removed on exit unless KEEP is set.
set -euo pipefail
src=${SOCM_SRC:?}
bin=${SOCM_BIN:?}
cluster=$src/scripts/slurm-cluster
fail() { echo "FAIL: $*" >&2; exit 1; }

"$cluster" start >/dev/null
eval "$("$cluster" env)"
tmp=$(mktemp -d)
trap '[ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
cd "$tmp"
