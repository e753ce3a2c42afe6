#!/usr/bin/env bash
# test_slurm_jobs_dag.sh — the issue's 20-workflow DAG through the slurm-jobs enactor
# on the real local cluster (the same DAG test_slurm_pilot.sh runs through a pilot):
# 4 chains of 5 plus cross edges. Asserts: all 20 DONE; exactly one Slurm job per
# workflow under the campaign's job name; for every edge the dependant's job started
# (sacct Start, as `socm status --json` reports it) no earlier than its predecessor's
# ended; accounting from sacct (elapsed_s and max_rss_mb for every workflow, a 2-rank
# step touching 150 MB per rank shows MaxRSS × tasks ≥ 250 MB).
. "$(dirname "$0")/lib.sh"
fail() { echo "FAIL: $*" >&2; [ -n "${cur:-}" ] && tail -30 "$cur/socm.log" >&2; exit 1; }
name=jdag-$$-$RANDOM   # unique per run: sacct is queried by job name

{ slurm_head "$name" slurm-jobs 12 batch 1h
  dag20 0.5
} > c.toml
[ "$(wc -l < edges)" -eq 19 ] || fail "generator: expected 19 edges, got $(wc -l < edges)"

cur=$tmp/socm-$name
t0=$(date +%s)
timeout 300 "$bin" run c.toml --quiet || fail "campaign exited $?"
"$bin" status "$cur" --json > st.json

ndone=$(jq '[.workflows[] | select(.state == "DONE")] | length' st.json)
[ "$ndone" -eq 20 ] || fail "expected 20 DONE, got $ndone"

njobs=$(sacct_jobs "$name" JobID | wc -l)
[ "$njobs" -eq 20 ] || fail "expected one Slurm job per workflow (20), sacct has $njobs"

# Dependency order, from the times Slurm recorded.
while read -r p d; do
  jq -e --arg p "$p" --arg d "$d" '
    (.workflows | map({key: .name, value: .}) | from_entries) as $w
    | $w[$d].started_at != null and $w[$p].finished_at != null and $w[$d].started_at >= $w[$p].finished_at' st.json >/dev/null ||
    fail "$d started before $p ended: $(jq -c --arg p "$p" --arg d "$d" '[.workflows[] | select(.name == $p or .name == $d) | {name, started_at, finished_at}]' st.json)"
done < edges

# Accounting from sacct.
jq -e '[.workflows[] | select(.elapsed_s == null or .max_rss_mb == null)] | length == 0' st.json >/dev/null ||
  fail "a workflow lacks elapsed_s/max_rss_mb: $(jq -c '[.workflows[] | select(.elapsed_s == null or .max_rss_mb == null) | .name]' st.json)"
jq -e '.workflows[] | select(.name == "w18") | .elapsed_s >= 2 and .max_rss_mb >= 250 and .max_rss_mb < 1000' st.json >/dev/null ||
  fail "w18 accounting wrong: $(jq -c '.workflows[] | select(.name == "w18")' st.json)"
echo "20-workflow DAG through slurm-jobs ok ($(( $(date +%s) - t0 )) s)"
