#!/usr/bin/env bash
# test_exec_cli.sh — the execution commands around a run: --dry-run prints the plan
# and creates nothing; --simulate replays the plan on a virtual clock with a journal;
# an unreachable deadline is refused before anything starts; `srun` commands run
# directly with the geometry and the workflow's environment exported; a second run
# refuses an existing journal; status shows a failure with its stderr tail; report
# draws planned vs actual; cancel stops a live manager; the original's `socm -t`.
. "$(dirname "$0")/lib_testbox.sh"
{ testbox cli 2; cat <<'TOML'
[campaign.geo]
type = "generic"
executable = "srun"
args = ["-n", "2", "--cpus-per-task=3", "--exact", "sh", "-c", "echo \"$SLURM_NTASKS|$SLURM_CPUS_PER_TASK|$OMP_NUM_THREADS|$SOCM_CORES|$SOCM_WORKFLOW|$SOCM_CAMPAIGN|$MYVAR\""]
[campaign.geo.environment]
MYVAR = "a b;c $HOME"
[campaign.geo.resources]
ranks = 2
threads = 1
runtime = "2m"

[campaign.bad]
type = "generic"
executable = "sh"
args = ["-c", "echo line1 >&2; echo the-last-words >&2; exit 5"]
[campaign.bad.resources]
runtime = "1m"

[campaign.after]
type = "generic"
executable = "true"
depends = ["geo"]
[campaign.after.resources]
runtime = "3m"
TOML
} > cli.toml

# --dry-run: the plan, nothing created; the original's form too
"$SOCM_BIN" run cli.toml --dry-run > plan.txt
grep -q "geo" plan.txt && grep -q "after" plan.txt || { echo "dry-run: no plan printed"; exit 1; }
[ ! -e socm-cli ] || { echo "dry-run created a state directory"; exit 1; }
"$SOCM_BIN" -t cli.toml --dry-run | grep -q "bad" || { echo "socm -t FILE --dry-run failed"; exit 1; }

# --simulate: virtual clock, same journal, own directory
"$SOCM_BIN" run cli.toml --simulate --quiet || { echo "simulate: expected exit 0"; exit 1; }
S=socm-cli-simulate/journal.jsonl
[ -e "$S" ] || { echo "simulate: no journal"; exit 1; }
jq -s -e 'map(select(.ev=="wf" and .state=="DONE")) | length == 3' "$S" >/dev/null || { echo "simulate: not all DONE"; exit 1; }
# each simulated run lasts its planned duration (virtual seconds) and starts after its predecessor
jq -s -e '(.[0].spec.tasks[2] | (.plan_end - .plan_start) * 60) as $d
  | map(select(.ev=="wf" and .name=="after" and .state=="DONE")) | (.[0].elapsed_s - $d | fabs) < 0.001 and $d >= 180' "$S" >/dev/null \
  || { echo "simulate: virtual duration wrong"; exit 1; }
jq -s -e '(map(select(.ev=="wf" and .name=="geo" and .state=="DONE"))[0].end) as $g
  | map(select(.ev=="wf" and .name=="after" and .state=="RUNNING"))[0].t >= $g' "$S" >/dev/null \
  || { echo "simulate: order wrong"; exit 1; }
[ ! -e socm-cli-simulate/workflows ] || { echo "simulate ran something"; exit 1; }

# the real run: geo and after DONE, bad FAILED → exit 1
set +e
"$SOCM_BIN" run cli.toml --quiet 2> run.err
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "run: expected exit 1, got $rc"; cat run.err; exit 1; }
[ "$(cat socm-cli/workflows/geo/stdout)" = "2|3|1|2|geo|cli|a b;c \$HOME" ] \
  || { echo "srun/env: got '$(cat socm-cli/workflows/geo/stdout)'"; exit 1; }
grep -q "srun" socm-cli/socm.log || { echo "srun note not logged"; exit 1; }
[ "$(grep -c 'no Slurm allocation' socm-cli/socm.log)" -eq 1 ] || { echo "srun note not said exactly once"; exit 1; }
perm=$(stat -c %a socm-cli)
[ "$perm" = 700 ] || { echo "state dir mode $perm"; exit 1; }
[ "$(stat -c %a socm-cli/journal.jsonl)" = 600 ] || { echo "journal mode wrong"; exit 1; }

# a second run refuses the existing journal (exit 2, points to resume)
set +e
"$SOCM_BIN" run cli.toml --quiet 2> again.err
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "socm resume" again.err || { echo "second run not refused: $rc"; exit 1; }
# resume of an ended campaign: nothing to do, its exit code
set +e
"$SOCM_BIN" resume socm-cli 2>/dev/null
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "resume of a FAILED campaign: exit $rc"; exit 1; }

# status: the failure with its stderr tail
"$SOCM_BIN" status socm-cli > st.txt
grep -q "FAILED" st.txt && grep -q "the-last-words" st.txt && grep -q "exit code 5" st.txt \
  || { echo "status text lacks the failure"; cat st.txt; exit 1; }
"$SOCM_BIN" status socm-cli --json | jq -e '.workflows[] | select(.name=="bad") | .exit_code == 5 and .attempts == 1' >/dev/null \
  || { echo "status --json lacks the exit code"; exit 1; }

# report: one planned and one actual bar per workflow that ran
"$SOCM_BIN" report socm-cli --gantt g.svg >/dev/null
[ "$(grep -c '<rect class="planned"' g.svg)" -eq 3 ] && [ "$(grep -c '<rect class="actual"' g.svg)" -eq 3 ] \
  || { echo "gantt bars wrong"; exit 1; }

# an unreachable deadline: remote refuses, nothing started...
{ testbox tight 2 "" 1m; cat <<'TOML'
[campaign.long]
type = "generic"
executable = "true"
[campaign.long.resources]
runtime = "10m"
TOML
} | sed 's/^execution_schema = "batch"/execution_schema = "remote"/' > tight.toml
set +e
"$SOCM_BIN" run tight.toml --quiet 2> tight.err
rc=$?
set -e
[ "$rc" -ne 0 ] && grep -qi "deadline" tight.err || { echo "deadline not refused: $rc"; cat tight.err; exit 1; }
[ ! -e socm-tight/workflows ] || { echo "deadline: work was started"; exit 1; }
# ...batch (a given allocation, runtimes as upper bounds) plans, warns by how much, runs
sed 's/^execution_schema = "remote"/execution_schema = "batch"/; s/^name = "tight"/name = "tightb"/' tight.toml > tightb.toml
"$SOCM_BIN" run tightb.toml --quiet 2> tightb.err || { echo "batch past its deadline did not run"; cat tightb.err; exit 1; }
grep -q 'tightb.toml:3:12: warning: the plan takes 11 min, 10 min past the 1 min deadline; batch runs it anyway' tightb.err \
  || { echo "batch: no warning"; cat tightb.err; exit 1; }
"$SOCM_BIN" validate tightb.toml 2>&1 >/dev/null | grep -q 'warning: the plan takes 11 min, 10 min past' \
  || { echo "validate: no batch deadline warning"; exit 1; }

# hooks: a slow hook is killed after the timeout, a failing one is logged; neither
# holds up nor fails the campaign
{ testbox hk 2; cat <<'TOML'
[campaign.hooks]
timeout = "1s"
on_workflow_done = ["sleep", "60"]
on_campaign_done = ["false"]

[campaign.one]
type = "generic"
executable = "true"
TOML
} > hk.toml
start=$(date +%s)
"$SOCM_BIN" run hk.toml --quiet || { echo "hooks: campaign failed"; exit 1; }
[ $(( $(date +%s) - start )) -lt 10 ] || { echo "hooks: the slow hook held the campaign up"; exit 1; }
grep -q "hook on_workflow_done timed out" socm-hk/socm.log || { echo "hooks: timeout not logged"; exit 1; }
grep -q "hook on_campaign_done failed with exit code 1" socm-hk/socm.log || { echo "hooks: failure not logged"; exit 1; }

# cancel: a live manager is stopped cleanly
{ testbox canc 2; cat <<'TOML'
[campaign.long]
type = "generic"
executable = "sleep"
args = ["30"]
TOML
} > canc.toml
"$SOCM_BIN" run canc.toml --quiet &
mgr=$!
for _ in $(seq 200); do grep -q '"RUNNING"' socm-canc/journal.jsonl 2>/dev/null && break; sleep 0.05; done
"$SOCM_BIN" cancel socm-canc > cancel.out
set +e
wait "$mgr"
rc=$?
set -e
[ "$rc" -eq 143 ] || { echo "cancel: manager exit $rc"; exit 1; }
"$SOCM_BIN" status socm-canc --json | jq -e '.state == "CANCELED"' >/dev/null || { echo "cancel: not CANCELED"; exit 1; }
echo ok
