#!/usr/bin/env bash
# test_exec_dag.sh — a 30-workflow DAG on the local enactor with real commands
# (sleep, true, false, a flaky one that needs a retry, one that allocates memory):
# dependency order holds (journal timestamps), running cores never exceed --cores
# (computed from the journal), the retry happens, the failure cancels exactly its
# dependants, hooks get the right arguments, and the campaign exits 1.
set -euo pipefail
SOCM_BIN=${SOCM_BIN:-socm}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"

{
cat <<TOML
[campaign]
name = "dag30"
deadline = "1h"
requested_resources = 2
resource = "testbox"
execution_schema = "batch"
max_retries = 0
retry_backoff = "0.2s"

[resources.testbox]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 1000, max_cores = 2 }]

[campaign.hooks]
on_workflow_done = ["sh", "-c", "echo \"\$0|\$1|\$2|\$3|\$4|\$5\" >> $T/hooks.txt", "{campaign}", "{workflow}", "{id}", "{state}", "{exit_code}", "{state_dir}"]
on_workflow_failed = ["sh", "-c", "echo \"\$0|\$1|\$2|\$3|\$4|\$5\" >> $T/hooks.txt", "{campaign}", "{workflow}", "{id}", "{state}", "{exit_code}", "{state_dir}"]
on_campaign_failed = ["sh", "-c", "echo \"\$0|campaign|\$1|\$2\" >> $T/hooks.txt", "{campaign}", "{state}", "{exit_code}"]
TOML
# w1..w30: w(i) depends on w(i-1) within chains of 5 (6 chains), plus cross edges.
for i in $(seq 1 30); do
  echo "[campaign.w$i]"
  echo 'type = "generic"'
  case $i in
    7)  echo 'executable = "false"' ;;
    12) echo 'executable = "sh"'
        echo "args = [\"-c\", \"if [ -e $T/flaky ]; then exit 0; fi; touch $T/flaky; exit 3\"]"
        echo 'max_retries = 2' ;;
    18) echo 'executable = "sh"'
        echo 'args = ["-c", "x=$(head -c 25000000 /dev/zero | tr \"\\\\0\" a); echo ${#x}"]' ;;
    *)  if (( i % 3 == 0 )); then echo 'executable = "true"'
        else echo 'executable = "sleep"'; echo 'args = ["0.2"]'; fi ;;
  esac
  deps=()
  if (( (i - 1) % 5 != 0 )); then deps+=("\"w$((i - 1))\""); fi
  if (( i == 14 )); then deps+=("\"w8\""); fi     # w8 is a dependant of w7: so is w14
  if (( i == 26 )); then deps+=("\"w3\"" "\"w20\""); fi
  if (( ${#deps[@]} )); then (IFS=,; echo "depends = [${deps[*]}]"); fi
  echo "[campaign.w$i.resources]"
  echo "threads = $(( i % 4 == 0 ? 2 : 1 ))"
  echo 'memory = "10M"'
  echo 'runtime = "1m"'
done
} > dag.toml

set +e
"$SOCM_BIN" run dag.toml --cores 2 --quiet
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "expected exit 1 (a workflow failed), got $rc"; exit 1; }
J=socm-dag30/journal.jsonl

# final states: w7 FAILED; its dependants w8 w9 w10 and w14 w15 (via w8) CANCELED
fail=$(jq -r 'select(.ev=="wf" and .state=="FAILED") | .name' "$J" | sort | tr '\n' ' ')
[ "$fail" = "w7 " ] || { echo "FAILED set wrong: '$fail'"; exit 1; }
canc=$(jq -r 'select(.ev=="wf" and .state=="CANCELED") | .name' "$J" | sort -V | tr '\n' ' ')
[ "$canc" = "w8 w9 w10 w14 w15 " ] || { echo "CANCELED set wrong: '$canc'"; exit 1; }
ndone=$(jq -r 'select(.ev=="wf" and .state=="DONE") | .name' "$J" | sort -u | wc -l)
[ "$ndone" -eq 24 ] || { echo "expected 24 DONE, got $ndone"; exit 1; }

# dependency order: every workflow was submitted after all its predecessors were DONE
jq -s -e '
  (.[0].spec.tasks) as $tasks
  | (map(select(.ev=="wf" and .state=="DONE")) | map({key: (.id|tostring), value: .t}) | from_entries) as $done
  | [ .[] | select(.ev=="wf" and .state=="SUBMITTED") as $s
      | $tasks[$s.id - 1].pred[] | select(($done[(. + 1)|tostring] // 1e300) > $s.t) ]
  | length == 0' "$J" >/dev/null || { echo "a workflow started before a predecessor finished"; exit 1; }

# cores in use never above 2 (SUBMITTED adds its cores; the attempt's end removes them)
max=$(jq -s '
  (.[0].spec.tasks) as $tasks
  | reduce (.[] | select((.ev=="wf" and (.state=="SUBMITTED" or .state=="DONE" or .state=="FAILED" or (.state=="CANCELED" and .attempt != null))) or .ev=="retry")) as $e
      ({cur: 0, max: 0};
       (if $e.ev=="wf" and $e.state=="SUBMITTED" then ($e.cores|length) else -($tasks[$e.id-1].cores) end) as $d
       | .cur += $d | .max = ([.max, .cur] | max))
  | .max' "$J")
[ "$max" -le 2 ] || { echo "cores in use reached $max > 2"; exit 1; }
[ "$max" -eq 2 ] || { echo "expected parallel use of both cores, saw $max"; exit 1; }

# retry: w12 failed once (exit 3), then succeeded on attempt 2
jq -s -e 'map(select(.ev=="retry" and .name=="w12")) | length == 1 and .[0].exit_code == 3' "$J" >/dev/null \
  || { echo "w12 was not retried exactly once"; exit 1; }
jq -s -e 'map(select(.ev=="wf" and .name=="w12" and .state=="DONE")) | .[0].attempt == 2' "$J" >/dev/null \
  || { echo "w12 did not succeed on attempt 2"; exit 1; }

# memory: w18 held a 25 MB string; max RSS recorded above 22 MB
jq -s -e 'map(select(.ev=="wf" and .name=="w18" and .state=="DONE")) | .[0].max_rss_mb > 22' "$J" >/dev/null \
  || { echo "max RSS of w18 not recorded"; exit 1; }

# hooks: one line per DONE workflow, one for w7's failure, one for the campaign
grep -qx "dag30|w7|7|FAILED|1|./socm-dag30" hooks.txt || { echo "failure hook args wrong:"; cat hooks.txt; exit 1; }
grep -qx "dag30|w12|12|DONE|0|./socm-dag30" hooks.txt || { echo "done hook args wrong:"; cat hooks.txt; exit 1; }
[ "$(grep -c '|DONE|0|' hooks.txt)" -eq 24 ] || { echo "expected 24 done hooks"; cat hooks.txt; exit 1; }
grep -qx "dag30|campaign|FAILED|1" hooks.txt || { echo "campaign hook missing"; cat hooks.txt; exit 1; }

# status --json agrees
"$SOCM_BIN" status socm-dag30 --json | jq -e '.state == "FAILED" and (.workflows | length) == 30
  and ([.workflows[] | select(.state == "CANCELED")] | length) == 5' >/dev/null \
  || { echo "status --json disagrees"; exit 1; }
echo "ok"
