# lib.sh — the opening the real-Slurm tests share (sourced, not a test): the test
# cluster started (idempotent; $SOCM_SLURM_DIR/$SOCM_SLURM_PORT_BASE pick which) with
# its environment, $src and $bin from ctest, fail(), and a scratch directory $tmp as
# the working directory, removed on exit unless KEEP is set (after the test's own
# cleanup function, when it defines one: it runs on every exit, its failures ignored).
# Then the campaign pieces several tests write: slurm_head, dag20, and the journal and
# sacct queries n_in_state, wait_state, sacct_jobs.
set -euo pipefail
src=${SOCM_SRC:?}
bin=${SOCM_BIN:?}
cluster=$src/scripts/slurm-cluster
fail() { echo "FAIL: $*" >&2; exit 1; }

"$cluster" start >/dev/null
eval "$("$cluster" env)"
tmp=$(mktemp -d)
slurm_test_exit() {
  if declare -F cleanup >/dev/null; then cleanup || true; fi
  [ -n "${KEEP:-}" ] || rm -rf "$tmp"
}
trap slurm_test_exit EXIT
cd "$tmp"

qos_short='{ name = "short", max_walltime = "1d", max_jobs = 50, max_cores = 24 }'

# slurm_head NAME ENACTOR CORES SCHEMA DEADLINE [QOS] [KEYS]: the head of a campaign on
# the test cluster (resource "cl": 3 nodes of 8 cores and 8000M; account socm,
# partition debug), no retries unless KEYS (more [campaign] lines) say otherwise; the
# resource's QoS list is QOS (default: $qos_short only).
slurm_head() {
  cat <<TOML
[campaign]
name = "$1"
deadline = "$5"
requested_resources = $3
resource = "cl"
execution_schema = "$4"
enactor = "$2"
max_retries = 0
${7:-}

[campaign.slurm]
account = "socm"
partition = "debug"

[resources.cl]
nodes = 3
cores_per_node = 8
memory_per_node = "8000M"
qos = [${6:-$qos_short}]
TOML
}

# dag20 SLEEP [HOOK]: the issue's 20-workflow DAG as campaign tables, to follow a
# slurm_head: 4 chains of 5 (w1→…→w5, …, w16→…→w20) plus the cross edges w8→w14,
# w3→w19 and w10→w19; its 19 edges, "PRED DEPENDANT" a line, go to the file ./edges.
# w18 probes accounting (2 ranks, each touching 150 MB for 2.5 s); every other
# workflow runs `sleep SLEEP` with 50M. HOOK PART I, when given, may print workflow I's
# PART instead of the default (returning 1 keeps the default): "program" (executable,
# args and other keys of w$I), "tables" (more tables of w$I, after its depends) and
# "resources" (its resource keys but runtime; w18's are fixed).
dag20() {
  local i d deps
  local hook=${2:-false}
  : > edges
  for i in $(seq 1 20); do
    echo "[campaign.w$i]"
    echo 'type = "generic"'
    if (( i == 18 )); then
      echo 'executable = "python3"'
      echo 'args = ["-c", "import time\nb = bytearray(150 * 1024 * 1024)\nfor i in range(0, len(b), 4096): b[i] = 1\ntime.sleep(2.5)"]'
    elif ! "$hook" program "$i"; then
      echo 'executable = "sleep"'; echo "args = [\"$1\"]"
    fi
    deps=()
    if (( (i - 1) % 5 != 0 )); then deps+=("w$((i - 1))"); fi
    if (( i == 14 )); then deps+=("w8"); fi
    if (( i == 19 )); then deps+=("w3" "w10"); fi
    if (( ${#deps[@]} )); then
      printf 'depends = [%s]\n' "$(printf '"%s",' "${deps[@]}" | sed 's/,$//')"
      for d in "${deps[@]}"; do echo "$d w$i" >> edges; done
    fi
    "$hook" tables "$i" || true
    echo "[campaign.w$i.resources]"
    if (( i == 18 )); then
      echo 'ranks = 2'; echo 'memory = "800M"'
    elif ! "$hook" resources "$i"; then
      echo 'memory = "50M"'
    fi
    echo 'runtime = "2m"'
  done
}

# n_in_state JOURNAL STATE: how many workflows the journal has seen in STATE.
n_in_state() {
  { jq -r "select(.ev==\"wf\" and .state==\"$2\") | .name" "$1" 2>/dev/null || true; } | sort -u | wc -l
}
# wait_state JOURNAL STATE N SECONDS: waits until N workflows have been in STATE.
wait_state() {
  local i
  for ((i = 0; i < $4 * 10; i++)); do
    [ "$(n_in_state "$1" "$2")" -ge "$3" ] && return 0
    sleep 0.1
  done
  return 1
}
# sacct_jobs NAME FIELDS: campaign NAME's Slurm jobs of the last hour (sacct, by job
# name), their FIELDS, one job a line.
sacct_jobs() { sacct -n -X -P --starttime=now-1hour --name="socm-$1" -o "$2" | sort -u; }
