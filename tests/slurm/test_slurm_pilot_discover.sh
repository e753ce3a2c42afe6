#!/usr/bin/env bash
# test_slurm_pilot_discover.sh — re-planning a slurm-pilot campaign planned with
# resource = "discover", on the real local cluster: three 8-core workflows take a
# 3-node pilot; one node fails under it. The next pilot is planned against the
# cluster as it is now (2 usable nodes: 16 cores), so it starts at once instead of
# pending until the node returns; the campaign ends DONE, each workflow at attempt 1.
. "$(dirname "$0")/lib.sh"
fail() { echo "FAIL: $*" >&2; [ -n "${cur:-}" ] && tail -30 "$cur/socm.log" >&2; exit 1; }
downed=
cleanup() {
  [ -n "${mpid:-}" ] && kill -9 "$mpid" 2>/dev/null
  [ -n "$downed" ] && "$cluster" node-up "$downed" >/dev/null 2>&1
  [ -n "${cur:-}" ] && "$bin" cancel "$cur" >/dev/null 2>&1
}
name=pdisc-$$-$RANDOM
{ cat <<TOML
[campaign]
name = "$name"
deadline = "1h"
resource = "discover"
requested_resources = 24
execution_schema = "batch"
enactor = "slurm-pilot"
max_retries = 0

[campaign.slurm]
account = "socm"
partition = "debug"
TOML
  for i in 1 2 3; do
    cat <<TOML
[campaign.w$i]
type = "generic"
executable = "sh"
args = ["-c", "if [ -e $tmp/w$i-once ]; then exit 0; fi; touch $tmp/w$i-once; exec sleep 300"]
[campaign.w$i.resources]
threads = 8
memory = "100M"
runtime = "10m"
TOML
  done
} > c.toml
cur=$tmp/socm-$name
"$bin" run c.toml --quiet & mpid=$!
wait_state "$cur/journal.jsonl" RUNNING 3 90 || fail "the workflows never ran"
pj=$(head -1 "$cur/pilot/jobs")
downed=$(scontrol show hostnames "$(squeue -h -j "$pj" -o %N)" | tail -1)
[ -n "$downed" ] || fail "pilot $pj has no node"
"$cluster" node-down "$downed" 2>/dev/null
rc=0; timeout 150 tail --pid="$mpid" -f /dev/null || rc=$?
[ "$rc" -eq 0 ] || fail "the campaign did not end within 150 s of losing $downed (the next pilot waits for it?)"
wait "$mpid" || fail "socm run exit $?"
mpid=
grep -q "re-planned 3 remaining workflows .*: 16 cores (was 24)" "$cur/socm.log" ||
  fail "no re-plan against the live cluster: $(grep -i plan "$cur/socm.log")"
jq -e -s '[.[] | select(.ev=="wf" and .state=="DONE") | .attempt] | length == 3 and all(. == 1)' \
  "$cur/journal.jsonl" >/dev/null || fail "expected 3 DONE at attempt 1"
echo ok
