#!/usr/bin/env bash
# test_slurm_pilot_sigterm.sh — the slurm-pilot manager answers SIGTERM while slurmctld
# is unreachable: its Slurm commands run beside the event loop, never in it. A pilot
# runs a long step; slurmctld is stopped (scripts/slurm-cluster stop-ctld); while the
# manager's squeue waits for the missing controller, SIGTERM comes. The manager
# journals "interrupted" within a second, the squeue still under way, and exits 143
# once the agent has stopped the step (the step's end report, not Slurm, tells it).
# slurmctld comes back before the test ends.
. "$(dirname "$0")/lib.sh"
cleanup() {
  "$cluster" start-ctld >/dev/null 2>&1 || true
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null
  scancel --name=socm-sigterm 2>/dev/null || true
}
{ slurm_head sigterm slurm-pilot 2 batch 1h
  cat <<'TOML'
[campaign.long]
type = "generic"
executable = "sleep"
args = ["300"]
[campaign.long.resources]
memory = "50M"
runtime = "10m"
TOML
} > c.toml
"$bin" run c.toml --quiet > run.out 2>&1 & pid=$!
j=socm-sigterm/journal.jsonl
wait_state "$j" RUNNING 1 120 || fail "the step never ran: $(cat run.out; tail -5 socm-sigterm/socm.log)"
"$cluster" stop-ctld 2>/dev/null
# Wait until the manager's squeue is under way (a child of the manager, waiting for
# the controller: about 10 s each try), then SIGTERM.
sq=
for ((i = 0; i < 300; i++)); do
  sq=$(ps -o pid=,comm= --ppid "$pid" | awk '$2 == "squeue" {print $1; exit}')
  [ -n "$sq" ] && break
  sleep 0.1
done
[ -n "$sq" ] || fail "no squeue of the manager's was seen in 30 s with slurmctld down"
sleep 0.3
t0=$(date +%s.%N)
kill -TERM "$pid"
for ((i = 0; i < 200; i++)); do grep -q '"ev":"interrupted"' "$j" && break; sleep 0.02; done
t1=$(date +%s.%N)
awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a <= 1.0) }' ||
  fail "SIGTERM journaled $(echo "$t1 - $t0" | bc) s after it came, slurmctld down (limit 1 s)"
kill -0 "$sq" 2>/dev/null || echo "note: the squeue had ended before the answer (it still proves nothing waited on it)"
rc=0
for ((i = 0; i < 600; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$pid" 2>/dev/null && fail "the manager still runs 60 s after SIGTERM, slurmctld down"
wait "$pid" || rc=$?
[ "$rc" -eq 143 ] || fail "exit $rc after SIGTERM, expected 143: $(cat run.out)"
"$cluster" start-ctld >/dev/null 2>&1
echo "ok: SIGTERM journaled in $(echo "$t1 - $t0" | bc) s with slurmctld down; manager exit $rc"
