#!/usr/bin/env bash
# test_json_schema.sh — one output contract: every command's --json output, on real
# campaigns, succeeding and failing, validates against docs/socm-output.schema.json
# (the definition of that command; an error against #/definitions/error). Includes
# `status --watch --json` lines, `events` lines, run/resume/retry/cancel --json, and
# the keys the contract renamed (a renamed key fails: additionalProperties false);
# docs/json.md's examples run, and its JSON examples follow the schema.
# Skips (77) without python3-jsonschema.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
python3 -c 'import jsonschema' 2>/dev/null ||
    skip "python3-jsonschema is not installed (apt-get install python3-jsonschema)"
export SOCM_HISTORY_DB="$tmp/history.db"
schema=${SOCM_SRC:?}/docs/socm-output.schema.json

# check DEF FILE [lines]: FILE (or each of its lines) is valid against #/definitions/DEF.
cat >check.py <<'PY'
import json, sys
import jsonschema
schema_path, name, path = sys.argv[1:4]
lines = len(sys.argv) > 4
schema = json.load(open(schema_path))
jsonschema.Draft7Validator.check_schema(schema)
v = jsonschema.Draft7Validator({"$ref": "#/definitions/" + name, "definitions": schema["definitions"]})
text = open(path).read()
docs = [json.loads(l) for l in text.splitlines() if l.strip()] if lines else [json.loads(text)]
if not docs:
    sys.exit(f"{path}: no JSON at all")
bad = 0
for d in docs:
    for e in v.iter_errors(d):
        print(f"{name}: {'/'.join(map(str, e.absolute_path))}: {e.message}"[:400])
        bad += 1
sys.exit(1 if bad else 0)
PY
checked=0
check() { # DEF FILE [lines]
    checked=$((checked + 1))
    python3 "$tmp/check.py" "$schema" "$@" || fail "$2 is not a valid '$1' document"
}
# ok DEF RC COMMAND...: run COMMAND --json, expect exit RC, check stdout against DEF.
n=0
ok() {
    local def=$1 want=$2
    shift 2
    n=$((n + 1))
    "$@" --json >"o$n.json" 2>"e$n.txt"
    local rc=$?
    [ "$rc" -eq "$want" ] || fail "${*#"$SOCM_BIN"} --json: exit $rc, expected $want: $(head -c 300 "e$n.txt")"
    check "$def" "o$n.json"
}
err() { ok error "$@"; } # RC COMMAND...: a failure's document

# ---- campaigns: one that succeeds, one that fails (a dependant is canceled), two sites
cp "$SOCM_SRC/examples/quickstart.toml" q.toml
sed -i 's/sleep 1/sleep 0/' q.toml
camp bad "exit 3"
cat >>bad.toml <<'TOML'
[campaign.after]
type = "generic"
executable = "true"
depends = ["step"]
TOML
cp "$SOCM_SRC/examples/two-sites.toml" sites.toml
sed -i 's/sleep [0-9]*/sleep 0/g' sites.toml
printf '[campaign]\nname = "x"\ndeadline = = 1\n' >broken.toml
camp killed 'kill -9 $$'
camp late "true"
sed -i 's/^deadline = "1h"/deadline = "1m"/; s/^type = "generic"/type = "generic"\n[campaign.step.resources]\nruntime = "2h"/' late.toml

# ---- validate, plan
ok validate 0 "$SOCM_BIN" validate q.toml
ok validate 0 "$SOCM_BIN" validate sites.toml
ok validate 0 "$SOCM_BIN" validate -y "$SOCM_SRC/examples/stages.yml"
err 2 "$SOCM_BIN" validate broken.toml
ok plan 0 "$SOCM_BIN" plan q.toml
ok plan 0 "$SOCM_BIN" plan sites.toml
jq -e '.sites | length == 2' "o$n.json" >/dev/null || fail "plan of two sites has no sites"
ok plan 0 "$SOCM_BIN" plan --predict q.toml
jq -e '.predictions.workflows | length == 3' "o$n.json" >/dev/null || fail "plan --predict has no predictions"
# no history: every walltime is a fallback, with no margin added (null, not 0)
jq -e '[.predictions.workflows[] | select(.walltime_predicted == false) | .walltime_margin == null] | length == 3 and all' \
    "o$n.json" >/dev/null || fail "a fallback's walltime_margin is not null: $(cat "o$n.json")"
err 2 "$SOCM_BIN" plan late.toml
ok plan 0 "$SOCM_BIN" run --dry-run q.toml

# ---- run, status, report, events: a campaign that ends DONE and one that FAILS
ok run 0 "$SOCM_BIN" run -q q.toml
ok run 1 "$SOCM_BIN" run -q bad.toml
jq -e '[.workflows[] | .state] == ["FAILED", "CANCELED"] and .workflows[1].started_at == null' \
    "o$n.json" >/dev/null || fail "a canceled dependant's unknowns are not null: $(cat "o$n.json")"
ok run 0 "$SOCM_BIN" run -q sites.toml
# A process a signal ended has no exit code: null (its result's signal says which).
ok run 1 "$SOCM_BIN" run -q killed.toml
jq -e '.workflows[0].exit_code == null' "o$n.json" >/dev/null ||
    fail "a killed workflow's exit_code is not null: $(cat "o$n.json")"
"$SOCM_BIN" events socm-killed | jq -se 'map(select(.result)) | .[0].result | .exit_code == null and .signal == 9' \
    >/dev/null || fail "a killed attempt's result: $("$SOCM_BIN" events socm-killed)"
for d in socm-quickstart socm-bad socm-two-sites socm-killed; do
    ok status 0 "$SOCM_BIN" status "$d"
    ok report 0 "$SOCM_BIN" report "$d"
    "$SOCM_BIN" events "$d" >ev.jsonl || fail "events $d: exit $?"
    check event ev.jsonl lines
    "$SOCM_BIN" events "$d" --json >ev2.jsonl || fail "events --json $d: exit $?"
    check event ev2.jsonl lines
done
"$SOCM_BIN" report socm-bad --json >rb.json
jq -e '.workflows[1] | .start_s == null and .end_s == null and .max_rss_mb == null and .cpu_s == null' \
    rb.json >/dev/null || fail "report: a workflow that never ran is not null: $(cat rb.json)"
"$SOCM_BIN" status socm-quickstart --watch --json >watch.jsonl || fail "status --watch --json: exit $?"
[ "$(wc -l <watch.jsonl)" -ge 1 ] || fail "status --watch --json printed nothing"
check status watch.jsonl lines
err 2 "$SOCM_BIN" status q.toml
# A program of campaigns: `bad` fails, `after-bad` is never started, `one` is done.
printf '[[campaign_set]]\nname = "one"\nfile = "q.toml"\n' >prog.toml
printf '[[campaign_set]]\nname = "bad"\nfile = "bad.toml"\n' >>prog.toml
printf '[[campaign_set]]\nname = "after-bad"\nfile = "q.toml"\nafter = ["bad"]\n' >>prog.toml
ok program 1 "$SOCM_BIN" run -q prog.toml --state-dir progst
jq -e '.state == "FAILED" and ([.campaigns[].campaign] == ["one", "bad", "after-bad"])
       and (.campaigns[0] | .state == "DONE" and (.workflows | length) == 3
                            and (.state_dir | endswith("progst/campaigns/one")))
       and (.campaigns[1] | .state == "FAILED" and .workflows[0].state == "FAILED")
       and (.campaigns[2] | .state == "CANCELED" and .state_dir == null and .workflows == null)' \
    "o$n.json" >/dev/null || fail "program run --json: $(cat "o$n.json")"
ok program 0 "$SOCM_BIN" status progst
cmp -s "o$n.json" "o$((n - 1)).json" || fail "program: status --json differs from run --json"
ok program 1 "$SOCM_BIN" resume -q progst
err 2 "$SOCM_BIN" status progst --watch
ok status 0 "$SOCM_BIN" status progst/campaigns/one
err 2 "$SOCM_BIN" report nowhere
err 2 "$SOCM_BIN" events q.toml

# ---- cancel, resume, retry: the status document when done
ok run 0 "$SOCM_BIN" cancel socm-quickstart
ok run 0 "$SOCM_BIN" resume socm-quickstart
ok run 1 "$SOCM_BIN" retry -q socm-bad
ok run 1 "$SOCM_BIN" resume -q --retry-failed socm-bad
err 2 "$SOCM_BIN" retry socm-bad nosuch
err 2 "$SOCM_BIN" cancel nowhere
err 2 "$SOCM_BIN" logs socm-quickstart nosuch

# ---- resources
ok resources 0 "$SOCM_BIN" resources
ok resources 0 "$SOCM_BIN" resources q.toml
jq -e '.resources[] | select(.name == "laptop") | .qos[0].max_walltime_s == 86400' "o$n.json" \
    >/dev/null || fail "resources: the laptop's QoS walltime is not 1 d in seconds"
err 2 "$SOCM_BIN" resources broken.toml
if ! command -v sinfo >/dev/null; then
    err 2 "$SOCM_BIN" resources --discover
fi

# ---- history and predict
for i in $(seq 15 15 150); do
    "$SOCM_BIN" history record --job-name sim --numeric "{\"n\": $i}" --categorical '{"mode": "a"}' \
        --elapsed $((30 + 2 * i)) --max-rss 100 --cpu 1.5 >/dev/null || fail "history record"
done
ok history_list 0 "$SOCM_BIN" history list
ok history_show 0 "$SOCM_BIN" history show 1
err 2 "$SOCM_BIN" history show 99999
ok history_train 0 "$SOCM_BIN" history train --job-name sim --model poly
ok history_evaluate 0 "$SOCM_BIN" history evaluate --folds 3 --model poly
cat >p.toml <<'TOML'
[predict.job.sim]
job_spec = "--n {n:numeric} --mode {mode:category}"
default_time = 10
TOML
ok predict 0 "$SOCM_BIN" predict --config p.toml "sim --n 100 --mode a"
ok predict 0 "$SOCM_BIN" predict --config p.toml --job-name nosuch "x y"
# A fallback has no model output, margin or error to show: null, not 0.
ok predict 0 "$SOCM_BIN" predict --config p.toml "sim --n 100 --mode b"
jq -e '.walltime_s.predicted == false and .walltime_s.raw == null and .walltime_s.margin == null
       and .walltime_s.error_pct == null' "o$n.json" >/dev/null ||
    fail "a fallback's raw, margin, error_pct are not null: $(cat "o$n.json")"
err 2 "$SOCM_BIN" predict --config broken.toml "sim --n 1"

# ---- config
ok config_show 0 "$SOCM_BIN" config show q.toml
err 2 "$SOCM_BIN" config show broken.toml

# ---- docs/json.md: its examples run as written, its JSON examples follow the schema
mkdir docs && cd docs || exit 1
ln -s "$SOCM_SRC/examples" examples
mkdir bin && ln -s "$SOCM_BIN" bin/socm
doc_commands "$SOCM_SRC/docs/json.md" >cmds
[ "$(wc -l <cmds)" -ge 8 ] || fail "docs/json.md: too few examples: $(cat cmds)"
while read -r line; do
    PATH="$PWD/bin:$PATH" bash -o pipefail -c "$line" >out 2>err </dev/null ||
        fail "docs/json.md example \`$line\`: exit $? $(head -c 300 err)"
done <cmds
python3 - "$SOCM_SRC/docs/json.md" <<'PY' || fail "docs/json.md: a JSON example is not valid"
import json, re, sys
text = open(sys.argv[1]).read()
for i, block in enumerate(re.findall(r"```json\n(.*?)```", text, re.S)):
    open(f"block{i}.json", "w").write(block)
PY
i=0
for def in error plan status; do
    check "$def" "block$i.json"
    i=$((i + 1))
done
[ ! -e "block$i.json" ] || fail "docs/json.md has more JSON examples than this test checks"
cd .. || exit 1

[ "$checked" -ge 45 ] || fail "only $checked documents checked"
finish "json schema: $checked documents valid"
