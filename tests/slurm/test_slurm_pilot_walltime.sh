#!/usr/bin/env bash
# test_slurm_pilot_walltime.sh — a slurm-pilot workflow that outlives its walltime,
# on the real local cluster. Its supervisor stops srun at the walltime (srun then
# prints "Job step aborted"): that is the workflow's TIMEOUT, not Slurm ending the
# step. With grow_walltime_on_timeout it runs again at once with a longer walltime
# and ends DONE; without it, it ends FAILED (TIMEOUT, "walltime ... exceeded") after
# one attempt. Neither is taken for "lost": the pilot keeps working, one pilot in all.
. "$(dirname "$0")/lib.sh"
fail() { echo "FAIL: $*" >&2; [ -n "${cur:-}" ] && tail -30 "$cur/socm.log" >&2; exit 1; }
cleanup() { [ -n "${cur:-}" ] && "$bin" cancel "$cur" >/dev/null 2>&1; }
name=pwall-$$-$RANDOM
{ slurm_head "$name" slurm-pilot 2 batch 1h
cat <<TOML
[campaign.grows]
type = "generic"
executable = "sh"
args = ["-c", "if [ -e $tmp/tried ]; then exit 0; fi; touch $tmp/tried; sleep 600"]
grow_walltime_on_timeout = true
[campaign.grows.resources]
memory = "50M"
runtime = "20s"

[campaign.times-out]
type = "generic"
executable = "sleep"
args = ["600"]
[campaign.times-out.resources]
memory = "50M"
runtime = "20s"
TOML
} > c.toml
cur=$tmp/socm-$name
rc=0; timeout 400 "$bin" run c.toml --quiet || rc=$?
[ "$rc" -eq 1 ] || fail "socm run exit $rc, expected 1 (times-out fails)"
"$bin" status "$cur" --json > s.json
jq -e '.workflows[] | select(.name=="grows") | .state == "DONE"' s.json >/dev/null || fail "grows not DONE: $(cat s.json)"
jq -e '.workflows[] | select(.name=="times-out") | .state == "FAILED" and (.reason | test("walltime"))' s.json >/dev/null ||
  fail "times-out not FAILED for its walltime: $(jq '.workflows[] | select(.name=="times-out")' s.json)"
J=$cur/journal.jsonl
[ "$(jq -s '[.[] | select(.ev=="wf" and .name=="times-out" and .state=="SUBMITTED")] | length' "$J")" -eq 1 ] ||
  fail "times-out ran more than once"
[ "$(jq -s '[.[] | select(.ev=="wf" and .name=="grows" and .state=="SUBMITTED")] | length' "$J")" -eq 2 ] ||
  fail "grows did not run exactly twice"
grep -q "grows hit its walltime" "$cur/socm.log" || fail "grows' walltime did not grow"
grep -q "ended by Slurm" "$cur/socm.log" && fail "a walltime was taken for Slurm ending the step"
[ "$(sacct_jobs "$name" JobID | wc -l)" -eq 1 ] || fail "expected one pilot: $(sacct_jobs "$name" JobID,State)"
echo ok
