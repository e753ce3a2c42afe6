# lib.sh — what the integration tests share; sourced first, after `set -u`:
#   . "$(dirname "$0")/lib.sh"
# Sets SOCM_BIN to an absolute path (default build/socm), makes a scratch directory
# $tmp that is removed on exit, and defines fail (report a failure and go on) and
# finish MESSAGE (exit 1 if anything failed, else print MESSAGE), and camp.
SOCM_BIN=$(realpath "${SOCM_BIN:-build/socm}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
finish() {
    [ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
    echo "${1:-ok}"
}

# camp NAME COMMAND: writes NAME.toml, a campaign of one workflow `step` that runs
# `sh -c COMMAND` on this machine (resource "laptop": 1 node, 2 cores, 4 GB).
camp() { # NAME COMMAND
    cat >"$1.toml" <<TOML
[campaign]
name = "$1"
deadline = "1h"
resource = "laptop"
requested_resources = 1
[resources.laptop]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 100, max_cores = 2 }]
[campaign.step]
type = "generic"
executable = "sh"
args = ["-c", "$2"]
TOML
}
