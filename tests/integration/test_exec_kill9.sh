#!/usr/bin/env bash
# test_exec_kill9.sh — kill -9 the manager at random moments and resume, many times:
# every workflow's command starts exactly once in total, and only after all of its
# predecessors finished (marker files written by the commands themselves).
set -euo pipefail
SOCM_BIN=${SOCM_BIN:-socm}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
mkdir m
N=16
{
  echo '[campaign]'
  echo 'name = "k9"'
  echo 'deadline = "1h"'
  echo 'requested_resources = 2'
  cat <<'RES'
resource = "testbox"
execution_schema = "batch"

[resources.testbox]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 1000, max_cores = 2 }]
RES
  for i in $(seq 1 $N); do
    # a layered DAG: w(i) depends on w(i-2) and w(i-3) when they exist
    deps=()
    (( i > 2 )) && deps+=("w$((i - 2))")
    (( i > 3 )) && deps+=("w$((i - 3))")
    check=""
    for d in "${deps[@]}"; do check+="[ -e $T/m/$d.done ] || echo w$i >> $T/m/violations; "; done
    echo "[campaign.w$i]"
    echo 'type = "generic"'
    echo 'executable = "sh"'
    echo "args = [\"-c\", \"echo \$\$ >> $T/m/w$i.start; ${check}sleep 0.\$((RANDOM % 4 + 1)); touch $T/m/w$i.done\"]"
    if (( ${#deps[@]} )); then
      printf 'depends = [%s]\n' "$(printf '"%s",' "${deps[@]}" | sed 's/,$//')"
    fi
  done
} > k9.toml

rounds=0 kills=0
cmd=(run k9.toml --cores 2 --quiet)
while :; do
  rounds=$((rounds + 1))
  [ "$rounds" -le 60 ] || { echo "campaign did not finish in 60 rounds"; exit 1; }
  "$SOCM_BIN" "${cmd[@]}" 2>>mgr.err &
  mgr=$!
  # A random moment in the first 0.6 s, later rounds a little later each: on a slow
  # (sanitizer, loaded) machine the manager must get the chance to make progress.
  sleep "$(( rounds / 10 )).$(( RANDOM % 6 ))$(( RANDOM % 10 ))"
  if kill -9 "$mgr" 2>/dev/null; then
    kills=$((kills + 1))
    wait "$mgr" 2>/dev/null || true
    cmd=(run k9.toml --resume --quiet)
    continue
  fi
  set +e
  wait "$mgr"
  rc=$?
  set -e
  [ "$rc" -eq 0 ] || { echo "final run exited $rc"; cat mgr.err; exit 1; }
  break
done
echo "finished after $kills kill -9s"
[ "$kills" -ge 3 ] || echo "note: only $kills kills landed this time"

for i in $(seq 1 $N); do
  [ -e "m/w$i.start" ] || { echo "w$i never ran"; exit 1; }
  n=$(wc -l < "m/w$i.start")
  [ "$n" -eq 1 ] || { echo "w$i started $n times (exactly once expected)"; exit 1; }
done
[ ! -e m/violations ] || { echo "started before a predecessor finished: $(cat m/violations)"; exit 1; }
"$SOCM_BIN" status socm-k9 --json | jq -e '.state == "DONE" and all(.workflows[]; .state == "DONE")' >/dev/null \
  || { echo "final state not DONE"; exit 1; }
echo ok
