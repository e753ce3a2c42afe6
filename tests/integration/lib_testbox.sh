# lib_testbox.sh — shared by the execution tests (sourced first, not a test itself):
# their opening (set -euo pipefail, SOCM_BIN, a scratch directory $T as the working
# directory, removed on exit after the test's own cleanup function when it defines
# one), the campaign head testbox and wait_for, skip and skip_part (lib_skip.sh).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib_skip.sh"
SOCM_BIN=${SOCM_BIN:-socm}
T=$(mktemp -d)
testbox_exit() {
  if declare -F cleanup >/dev/null; then cleanup || true; fi
  rm -rf "$T"
}
trap testbox_exit EXIT
cd "$T"

# testbox NAME CORES [EXTRA] [DEADLINE]: the [campaign] head of a campaign on a
# one-node local resource "testbox" with CORES cores, 1 s grace (EXTRA: more
# [campaign] lines; DEADLINE: 1h unless given).
testbox() {
cat <<TOML
[campaign]
name = "$1"
deadline = "${4:-1h}"
requested_resources = $2
resource = "testbox"
execution_schema = "batch"
grace = "1s"
${3:-}

[resources.testbox]
nodes = 1
cores_per_node = $2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 1000, max_cores = $2 }]
TOML
}
# wait_for FILE: until FILE exists and is not empty (10 s at most).
wait_for() {
  for _ in $(seq 200); do [ -s "$1" ] && return 0; sleep 0.05; done
  return 1
}
