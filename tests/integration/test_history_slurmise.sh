#!/usr/bin/env bash
# test_history_slurmise.sh — a [slurmise] configuration end to end: `history train
# --config` imports training_data_path (once: twice adds nothing), trains the
# model_type on the feature lists, reports held-out R2, RMSE and percent error
# (--json too), saves model_path; `socm plan` of a campaign with the same table and
# an EMPTY history plans with the saved models; `history evaluate` cross-validates
# every kind; mistakes in the table exit 2 with their position.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
S=$SOCM_BIN

# a history as CSV: runtime = 30 + 2 n s, memory = 100 + n MB; "wafer" is a number
# that the lists make a category (two wafers, two models)
{
    echo "job_name,elapsed,max_rss,n,wafer,unused"
    for n in $(seq 5 5 150); do
        echo "sim,$((30 + 2 * n)),$((100 + n)),$n,1,$((n % 7))"
        echo "sim,$((60 + 4 * n)),$((100 + n)),$n,2,$((n % 7))"
    done
} >jobs.csv
cat >s.toml <<'TOML'
[predict]
min_runs = 10
[slurmise]
model_type = "random_forest"
model_path = "models.db"
numeric_features = ["n"]
categorical_features = ["wafer"]
targets = ["walltime", "memory"]
training_data_path = "jobs.csv"
TOML
out=$("$S" history train --config s.toml --history-db h.db) || fail "train --config: $out"
grep -q '^imported 60 new runs from training_data_path .*jobs.csv' <<<"$out" || fail "import: $out"
grep -q '^trained 4 models (2 runtime, 2 memory) for 1 job name; skipped 0$' <<<"$out" || fail "train: $out"
grep -q '^saved 4 models to .*models.db$' <<<"$out" || fail "model_path: $out"
grep -q 'random_forest .*R2 ' <<<"$out" || fail "train should show R2 per model: $out"
[ "$(stat -c %a models.db)" = 600 ] || fail "models.db is not private"
j=$("$S" history train --config s.toml --history-db h.db --json 2>err) || fail "train --json"
grep -q 'imported 0 new runs' err || fail "training_data_path imported twice: $(cat err)"
[ "$(jq '.models | length' <<<"$j")" = 4 ] || fail "train --json: $(jq -c . <<<"$j")"
jq -e '[.models[] | select(.model == "random_forest" and (.r2 | type) == "number" and .r2 > 0.9
        and (.rmse | type) == "number" and (.mean_pct_error | type) == "number")] | length == 4' <<<"$j" >/dev/null ||
    fail "train --json lacks r2/rmse/mean_pct_error: $(jq -c . <<<"$j")"
jq -e '[.models[].categorical.wafer] | sort == ["1", "1", "2", "2"]' <<<"$j" >/dev/null ||
    fail "the wafer number should be a category: $(jq -c '[.models[].categorical]' <<<"$j")"

# planning reads the same table; the saved models serve an empty history
cat >c.toml <<'TOML'
[campaign]
name = "sl"
deadline = "1d"
requested_resources = 1
resource = "box"
predict = true
[slurmise]
model_path = "models.db"
numeric_features = ["n"]
categorical_features = ["wafer"]
[resources.box]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 100, max_cores = 2 }]
[campaign.sim]
type = "generic"
executable = "true"
job_name = "sim"
features = { n = 100, wafer = 2 }
[campaign.sim.resources]
memory = "2G"
runtime = "1h"
TOML
"$S" plan --json --explain --history-db empty.db c.toml >plan.json 2>&1 || fail "plan: $(cat plan.json)"
"$S" plan --explain --history-db empty.db c.toml >explain.txt 2>&1
grep -q 'predicted .* by random_forest .*saved in model_path' explain.txt || fail "plan should use models.db: $(cat explain.txt)"

# cross-validation of every kind
ev=$("$S" history evaluate --config s.toml --history-db h.db --folds 4 --json) || fail "evaluate"
for k in poly knn random_forest; do
    jq -e --arg k "$k" '[.results[] | select(.model == $k and .target == "runtime")] | length == 2' <<<"$ev" \
        >/dev/null || fail "evaluate: no $k runtime figures"
done
jq -e '.folds == 4 and ([.results[] | select(.model == "poly" and .r2 > 0.99)] | length) >= 2' <<<"$ev" >/dev/null ||
    fail "evaluate: poly should fit a line: $(jq -c . <<<"$ev")"
"$S" history evaluate --config s.toml --history-db h.db --model random_forest | grep -q '^JOB .*R2 .*RMSE' ||
    fail "evaluate table"

# mistakes: exit 2 and the position
expect2() {
    "$S" "$@" >/dev/null 2>err
    rc=$?
    [ $rc = 2 ] || fail "expected exit 2 from: $* (got $rc)"
}
printf '[slurmise]\nmodel_typ = "knn"\n' >bad1.toml
expect2 history train --config bad1.toml --history-db h.db
grep -q "bad1.toml:2:1: unknown key 'model_typ' in \[slurmise\]; did you mean 'model_type'?" err || fail "$(cat err)"
printf '[slurmise]\ntargets = ["gpu_hours"]\n' >bad2.toml
expect2 history train --config bad2.toml --history-db h.db
grep -q 'bad2.toml:2:12: unknown target' err || fail "$(cat err)"
printf '[slurmise]\nmodel_type = "random_forest"\n' >bad3.toml
expect2 plan --predict --history-db h.db bad3.toml
printf '[slurmise]\ntraining_data_path = "nosuch.csv"\n' >bad4.toml
expect2 history train --config bad4.toml --history-db h.db
sed 's/^model_path = /model_pth = /' c.toml >typo.toml
expect2 validate typo.toml
grep -q "typo.toml:8:1: unknown key 'model_pth' in \[slurmise\]; did you mean 'model_path'?" err || fail "campaign [slurmise] typo: $(cat err)"
# a model_path that is not a file of models is said, not silently passed over
mkdir junk && echo "not models" >junk/models.db && cp c.toml junk/
expect2 plan --history-db empty.db junk/c.toml
grep -q 'model_path .*junk/models.db: file is not a database' err || fail "junk model_path: $(cat err)"
expect2 history evaluate --folds 1 --history-db h.db
expect2 history train --model nosuch --history-db h.db
finish
