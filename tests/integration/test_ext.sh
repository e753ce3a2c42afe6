#!/usr/bin/env bash
# test_ext.sh — external extensions over the JSON protocol (docs/extending.md): a
# Python workflow type (`plugins = ["python:MODULE"]`) builds the command socm
# validates; [types.NAME] and planner_command programs that misbehave (invalid JSON,
# wrong schema, timeout, non-zero exit, a plan breaking each constraint) are each
# refused with a clear message, exit 2 and no state directory.
set -u
. "$(dirname "$0")/lib.sh"
data=${SOCM_SRC:?}/tests/data/ext
command -v python3 >/dev/null || skip "python3 is not installed"
export PYTHONPATH=$SOCM_SRC/python PYTHONDONTWRITEBYTECODE=1 # nothing written into the sources
cd "$tmp"

# ---- the Python custom type: the command its class builds ----
out=$("$SOCM_BIN" validate --commands "$data/custom.toml" 2>&1) || fail "validate custom.toml: $out"
want="my-custom-workflow: my-tool analyze --context file:///path/to/context.yaml --param1 value1 --threshold 0.75 --param2 value2"
[ "$out" = "$want" ] || fail "custom command: got '$out'"
# its resources reach the plan
json=$("$SOCM_BIN" validate --json "$data/custom.toml" 2>&1)
echo "$json" | jq -e '.workflows[0] | .ranks == 16 and .threads == 4 and .memory_mb == 64000 and
  .runtime_s == 7200' >/dev/null || fail "custom resources: $json"
# `socm run` runs the command with the section's environment
mkdir bin
printf '#!/bin/sh\necho "$CUSTOM_ENV_VAR $*" >"%s/out.txt"\n' "$tmp" >bin/my-tool
chmod +x bin/my-tool
cp "$data/my_custom_workflow.py" .
sed 's/resource = "tiger3"/resource = "local"\nexecution_schema = "batch"\nrequested_resources = 1/;
     s/ranks = 16/ranks = 1/; s/threads = 4/threads = 1/; s/"64000"/"100"/; s/"2h"/"1m"/' \
  "$data/custom.toml" >local.toml
out=$(PATH=$tmp/bin:$PATH "$SOCM_BIN" run local.toml 2>&1) || fail "run custom: $out"
[ "$(cat out.txt 2>/dev/null)" = "value analyze --context file:///path/to/context.yaml --param1 value1 --threshold 0.75 --param2 value2" ] \
  || fail "run custom: my-tool got '$(cat out.txt 2>/dev/null)'"

# a missing required field is an error at the section
sed '/custom_param1/d' "$data/custom.toml" >missing.toml
out=$("$SOCM_BIN" validate missing.toml 2>&1); rc=$?
[ $rc -eq 2 ] || fail "missing field: exit $rc"
echo "$out" | grep -q "missing.toml:6:11: MyCustomWorkflow: missing required field 'custom_param1'" \
  || fail "missing field message: $out"

# a Python subcampaign: members get the subcampaign's common keys
cat >sub.toml <<TOML
[campaign]
deadline = "1h"
plugins = ["python:my_analysis"]
[campaign.my-analysis]
executable = "tool"
[campaign.my-analysis.split]
pieces = 4
[campaign.my-analysis.merge]
depends = ["my-analysis.split"]
TOML
cp "$data/my_analysis.py" .
out=$("$SOCM_BIN" validate --commands sub.toml 2>&1) || fail "python subcampaign: $out"
echo "$out" | grep -qx "my-analysis.split: tool --pieces 4" || fail "python subcampaign split: $out"
echo "$out" | grep -qx "my-analysis.merge: tool --all" || fail "python subcampaign merge: $out"

# ---- [types.NAME] programs that misbehave ----
type_campaign() { # MODE [EXTRA-TYPE-LINE]
  cat >t.toml <<TOML
[types.echoer]
command = ["python3", "$data/fake_ext.py", "$1"]
${2:-}
[campaign]
name = "t"
deadline = "1h"
resource = "local"
[campaign.greet]
type = "echoer"
word = "bad"
TOML
}
expect_refusal() { # WHAT PATTERN
  local out rc
  out=$("$SOCM_BIN" run --dry-run t.toml 2>&1); rc=$?
  [ $rc -eq 2 ] || fail "$1: exit $rc, want 2 ($out)"
  echo "$out" | grep -qE -- "$2" || fail "$1: message '$out' lacks /$2/"
  [ ! -e socm-t ] || fail "$1: a state directory was written"
}
type_campaign ok
out=$("$SOCM_BIN" validate --commands t.toml 2>&1) || fail "ok type: $out"
[ "$(echo "$out" | tail -n1)" = "greet: echo bad" ] || fail "ok type command: $out"
type_campaign invalid-json
expect_refusal "invalid JSON" "t.toml:[0-9]+:[0-9]+: workflow type 'echoer': python3 replied with invalid JSON"
type_campaign wrong-schema
expect_refusal "wrong schema" "workflow type 'echoer' replied with workflow 0 that needs an \"argv\""
type_campaign unknown-key
expect_refusal "unknown reply key" "unknown key \"argvv\""
type_campaign old-protocol
expect_refusal "protocol" "must say \"protocol\": 1"
type_campaign exit
expect_refusal "non-zero exit" "failed \\(exit status 3\\): Traceback.*ValueError: threshold out of range"
type_campaign timeout 'timeout = 1'
start=$(date +%s)
expect_refusal "timeout" "did not reply within 1 s"
[ $(( $(date +%s) - start )) -lt 20 ] || fail "timeout: the program was not killed in time"
type_campaign errors
expect_refusal "reported error" "t.toml:10:8: word must not be 'bad'"
type_campaign hostile-error
expect_refusal "hostile error message" 't\.toml:99999: bad\\x1b\[31m red\\nfake\.toml:1:1: forged'
out=$("$SOCM_BIN" validate t.toml 2>&1)
printf '%s' "$out" | LC_ALL=C grep -q "$(printf '\033')" && fail "an escape byte reached the terminal: $out"
echo "$out" | grep -q "^fake.toml:1:1: forged" && fail "a forged line: $out"
echo "$out" | grep -qE "^t\.toml:8:[0-9]+: at no line" || fail "a negative line is not the section's: $out"
type_campaign bad-name
expect_refusal "a name with a newline" "t.toml:[0-9]+:[0-9]+: .*(name|newline|control)"
type_campaign bad-units
expect_refusal "bad reply units" "in the reply of workflow type 'echoer'"
cat >t.toml <<TOML
[types.echoer]
command = "python3 x.py"
comand = 1
[campaign]
deadline = "1h"
TOML
out=$("$SOCM_BIN" validate t.toml 2>&1); rc=$?
[ $rc -eq 2 ] || fail "bad [types] table: exit $rc"
echo "$out" | grep -q "t.toml:2:11: 'command' must be a non-empty array of strings" || fail "command string: $out"
echo "$out" | grep -q "did you mean 'command'" || fail "typo in [types]: $out"

# ---- exec:PROGRAM plug-ins describe what they serve ----
cat >x.toml <<TOML
[campaign]
name = "x"
deadline = "1h"
resource = "local"
plugins = ["exec:$data/fake_ext.py"]
[campaign.greet]
type = "echoer"
word = "hi"
[campaign.duo.one]
word = "there"
TOML
out=$("$SOCM_BIN" validate --commands x.toml 2>&1) || fail "exec: plug-in: $out"
echo "$out" | grep -qx "greet: echo hi" || fail "exec: plug-in type: $out"
echo "$out" | grep -qx "duo.one: echo there" || fail "exec: plug-in subcampaign: $out"
sed -i 's|^plugins = .*|plugins = ["exec:no-such-program-socm"]|' x.toml
out=$("$SOCM_BIN" validate x.toml 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "x.toml:5:12: plug-in exec:no-such-program-socm: cannot start" \
  || fail "missing exec: plug-in: exit $rc: $out"

# ---- planner_command: a plan is checked before it is used ----
plan_campaign() { # MODE
  cat >p.toml <<TOML
[campaign]
name = "t"
deadline = "1h"
resource = "laptop"
requested_resources = 2
planner_command = ["python3", "$data/fake_ext.py", "$1"]
[resources.laptop]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
[campaign.first]
type = "generic"
executable = "true"
resources = { ranks = 2, runtime = "10m", memory = "1G" }
[campaign.second]
type = "generic"
executable = "true"
depends = ["first"]
resources = { runtime = "5m", memory = "1G" }
TOML
}
expect_plan_refusal() { # WHAT PATTERN
  local out rc
  out=$("$SOCM_BIN" run --dry-run p.toml 2>&1); rc=$?
  [ $rc -eq 2 ] || fail "plan $1: exit $rc, want 2 ($out)"
  echo "$out" | grep -qE -- "$2" || fail "plan $1: message '$out' lacks /$2/"
  [ ! -e socm-t ] || fail "plan $1: a state directory was written"
}
plan_campaign ok
out=$("$SOCM_BIN" plan p.toml 2>&1) || fail "ok plan: $out"
echo "$out" | grep -q "policy: *command" || fail "ok plan policy: $out"
plan_campaign overlap
expect_plan_refusal overlap "returned an invalid plan: workflows 'first' and 'second' use the same cores at the same time"
plan_campaign order
expect_plan_refusal order "workflow 'second' starts at 0 min, before 'first', which it depends on"
plan_campaign cores
expect_plan_refusal cores "workflow 'first': cores 0-7 are not a range of the allocation's 0-1|uses 8 cores"
plan_campaign deadline
expect_plan_refusal deadline "after the deadline \\(60 min\\)"
plan_campaign missing
expect_plan_refusal missing "the plan leaves out workflow 'second'"
plan_campaign invalid-json
expect_plan_refusal "plan invalid JSON" "planner 'command': python3 replied with invalid JSON"
# memory per node: two 3 GB workflows side by side on a 4 GB node
plan_campaign ok
sed -i 's/memory = "1G"/memory = "3G"/; s/depends = \["first"\]//; s/ranks = 2, //' p.toml
cat >side.py <<'PY'
import json, sys
req = json.loads(sys.stdin.readline())
print(json.dumps({"protocol": 1, "plan": {"entries": [
    {"id": w["id"], "core_first": i, "core_last": i, "start": 0, "end": w["walltime_min"]}
    for i, w in enumerate(req["workflows"])]}}))
PY
sed -i "s|planner_command = .*|planner_command = [\"python3\", \"side.py\"]|" p.toml
expect_plan_refusal memory "the plan needs more than node 0's 4000 MB of memory"
# planner_command and another policy
plan_campaign ok
sed -i 's/^requested_resources = 2/policy = "time"/' p.toml
out=$("$SOCM_BIN" validate p.toml 2>&1); rc=$?
[ $rc -eq 2 ] && echo "$out" | grep -q "'planner_command' and policy = \"time\" exclude each other" \
  || fail "planner_command with policy: exit $rc: $out"

# ---- a Python planner registered under a policy name ----
out=$("$SOCM_BIN" plan "$data/planned.toml" 2>&1) || fail "python planner: $out"
echo "$out" | grep -q "policy: *custom" || fail "python planner policy: $out"
echo "$out" | grep -qE "^second +1 +0-0 .* 11 min +16.5 min$" || fail "python planner plan: $out"

# ---- on_event: a callback that fails or hangs cannot fail or stall the campaign ----
cb_campaign() { # NAME ARGV
  { laptop_head "$1"
    cat <<TOML
[campaign.hooks]
on_event = $2
timeout = "2s"
[campaign.step]
type = "generic"
executable = "true"
resources = { runtime = "1m" }
TOML
  } >"$1.toml"
}
cb_campaign cbfail '["false"]'
out=$("$SOCM_BIN" run cbfail.toml 2>&1) || fail "failing callback failed the campaign: $out"
grep -q "on_event program failed with exit code 1" socm-cbfail/socm.log || fail "failing callback not logged"
cb_campaign cbhang '["sleep", "100"]'
start=$(date +%s)
out=$("$SOCM_BIN" run cbhang.toml 2>&1) || fail "hanging callback failed the campaign: $out"
[ $(( $(date +%s) - start )) -lt 30 ] || fail "a hanging callback stalled the campaign"
grep -q "on_event program was still running 2 s after the campaign ended and was killed" \
  socm-cbhang/socm.log || fail "hanging callback not logged: $(cat socm-cbhang/socm.log)"
cb_campaign cbmissing '["no-such-callback-socm"]'
out=$("$SOCM_BIN" run cbmissing.toml 2>&1) || fail "missing callback failed the campaign: $out"
grep -q "on_event no-such-callback-socm failed to start" socm-cbmissing/socm.log \
  || fail "missing callback not logged: $(cat socm-cbmissing/socm.log)"

finish "external extensions ok"
