#!/usr/bin/env bash
# test_plan_predict.sh — planning with predictions: a history whose runtime is a
# known function of a workflow's feature (elapsed = 60 + 30·n s, memory = 100 + 5·n MB)
# makes `socm plan --predict` plan the model's walltime and memory instead of the
# request, and report the core-hours saved; with too few runs it falls back to the
# request (+10 %) and --explain says why; `[campaign] predict = true` does the same
# as --predict.
set -euo pipefail
SOCM_BIN=${SOCM_BIN:-socm}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*" >&2; exit 1; }
campaign() { # extra [campaign] lines
cat <<TOML
[campaign]
name = "pp"
deadline = "1d"
requested_resources = 2
resource = "box"
$1

[resources.box]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 1000, max_cores = 2 }]

[campaign.sim]
type = "generic"
executable = "true"
features = { n = 10 }
[campaign.sim.resources]
ranks = 2
threads = 1
memory = "2G"
runtime = "1h"
TOML
}
record() { # history db, n
    "$SOCM_BIN" history record --history-db "$1" --job-name sim --workflow generic \
        --elapsed $((60 + 30 * $2)) --max-rss $((100 + 5 * $2)) --state COMPLETED \
        --categorical '{"type":"generic"}' --numeric "{\"n\":$2,\"ranks\":2,\"threads\":1}" >/dev/null
}
campaign "" >c.toml

# enough runs: the model's walltime (6 min + margin) and memory (150 MB), not the request
for n in $(seq 1 24); do record "$T/h.db" "$n"; done
"$SOCM_BIN" history train --history-db "$T/h.db" --job-name sim --model poly --degree 1 >/dev/null
"$SOCM_BIN" plan --predict --json --history-db "$T/h.db" c.toml >plan.json
jq -e '.predictions.workflows[0] | .walltime_predicted and .requested_walltime_s == 3960
       and .walltime_s >= 354 and .walltime_s < 420' plan.json >/dev/null \
    || { jq .predictions plan.json; fail "walltime not the model's prediction"; }
jq -e '.predictions.workflows[0] | .memory_predicted and .memory_mb >= 148 and .memory_mb < 170' \
    plan.json >/dev/null || { jq .predictions plan.json; fail "memory not the model's prediction"; }
# the plan itself uses the predicted walltime; 2 cores × (66 - ~6) min ≈ 2 core-hours saved
w=$(jq '.predictions.workflows[0].walltime_s' plan.json)
jq -e --argjson w "$w" '.workflows[0] | (.end_s - .start_s - $w) | fabs < 0.6' plan.json >/dev/null \
    || { jq . plan.json; fail "plan does not use the predicted walltime"; }
jq -e --argjson w "$w" '.predictions.core_hours_saved - 2 * (3960 - $w) / 3600 | fabs < 0.01' \
    plan.json >/dev/null || { jq .predictions plan.json; fail "core-hours saved wrong"; }
"$SOCM_BIN" plan --predict --history-db "$T/h.db" c.toml >plan.txt
saved=$(printf '%.2f' "$(jq '.predictions.core_hours_saved' plan.json)")
grep -q "core-hours saved: $saved" plan.txt || { cat plan.txt; fail "table: no core-hours saved"; }
"$SOCM_BIN" plan --explain --history-db "$T/h.db" c.toml >explain.txt
grep -q "walltime: predicted .* by poly .*margin" explain.txt || { cat explain.txt; fail "--explain: no model and margin"; }
# [campaign] predict = true is the same as --predict
campaign "predict = true
history_db = \"$T/h.db\"" >on.toml
"$SOCM_BIN" plan --json on.toml | jq -e --argjson w "$w" '.predictions.workflows[0].walltime_s == $w' \
    >/dev/null || fail "[campaign] predict = true not honoured"
# without prediction: the request, and no predictions section
"$SOCM_BIN" plan --json --history-db "$T/h.db" c.toml | jq -e '.predictions == null' >/dev/null \
    || fail "predictions without --predict"

# too few runs: falls back to the request + 10 %, and --explain says why
for n in 1 2 3; do record "$T/few.db" "$n"; done
"$SOCM_BIN" plan --predict --json --history-db "$T/few.db" c.toml >few.json
jq -e '.predictions.workflows[0] | (.walltime_predicted | not) and .walltime_s == 3960
       and .memory_mb == 2000' few.json >/dev/null || { jq .predictions few.json; fail "no fallback"; }
"$SOCM_BIN" plan --explain --history-db "$T/few.db" c.toml >few.txt
grep -q "only 3 completed runs" few.txt || { cat few.txt; fail "--explain does not say why"; }
grep -q "core-hours saved: 0.00" few.txt || { cat few.txt; fail "saved core-hours on a fallback"; }
echo ok
