# lib.sh — what the integration tests share; sourced first, after `set -u`:
#   . "$(dirname "$0")/lib.sh"
# Sets SOCM_BIN to an absolute path (default build/socm), makes a scratch directory
# $tmp that is removed on exit, and defines fail (report a failure and go on) and
# finish MESSAGE (exit 1 if anything failed, else print MESSAGE), skip and skip_part
# (lib_skip.sh), the campaign writers laptop_head, camp and two_sites, and
# doc_commands (a document's examples).
. "$(dirname "${BASH_SOURCE[0]}")/lib_skip.sh"
SOCM_BIN=$(realpath "${SOCM_BIN:-build/socm}")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
fail() { echo "FAIL: $*"; fails=$((fails + 1)); }
finish() {
    [ "$fails" -eq 0 ] || { echo "$fails failure(s)"; exit 1; }
    echo "${1:-ok}"
}

# laptop_head NAME: the head of a campaign NAME on this machine (resource "laptop":
# 1 node, 2 cores, 4 GB; deadline 1 h, 1 core requested).
laptop_head() {
    cat <<TOML
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
TOML
}

# camp NAME COMMAND: writes NAME.toml, a campaign (laptop_head) of one workflow `step`
# that runs `sh -c COMMAND`.
camp() { # NAME COMMAND
    { laptop_head "$1"
      cat <<TOML
[campaign.step]
type = "generic"
executable = "sh"
args = ["-c", "$2"]
TOML
    } >"$1.toml"
}

# two_sites NAME CORES_A CORES_B SITE1 SLEEP1 SITE2 SLEEP2 [KEYS]: writes NAME.toml, a
# campaign over two local sites a and b (CORES_A and CORES_B cores) of two workflows:
# s1 (`sleep SLEEP1`, preferred_resource SITE1) and s2 after it (`sleep SLEEP2` on
# SITE2). KEYS are more lines of [campaign].
two_sites() {
    cat >"$1.toml" <<TOML
[campaign]
name = "$1"
deadline = "1h"
resources = ["a", "b"]
${8:-}
[campaign.sites.a]
cores = $2
[campaign.sites.b]
cores = $3
[campaign.s1]
type = "generic"
executable = "sleep"
args = ["$5"]
preferred_resource = "$4"
[campaign.s2]
type = "generic"
executable = "sleep"
args = ["$7"]
depends = ["s1"]
preferred_resource = "$6"
TOML
}

# doc_commands FILE: every line starting `socm ` in the ```sh blocks of a document,
# trailing comments dropped, one a line (the docs' examples, for running as written).
doc_commands() {
    python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
for block in re.findall(r"```sh\n(.*?)```", text, re.S):
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line.startswith("socm "):
            print(line)
PY
}
