#!/usr/bin/env bash
# test_slurm_cluster.sh — the local Slurm cluster that scripts/slurm-cluster starts is
# a real one: 3 idle nodes, srun across all of them, accounting with MaxRSS on step
# rows, the three site-shaped QoS; and `socm resources --discover` reads it back as a
# TOML table with 3 nodes x 8 cores and those QoS. Starts the cluster if needed and
# leaves it running for the next Slurm test (scripts/dev stops it after the suite).
. "$(dirname "$0")/lib.sh"

# Three idle nodes of 8 CPUs and 8000 MB.
mapfile -t nodes < <(sinfo -h -N -o '%N %T %c %m' | sort -u)
[ "${#nodes[@]}" -eq 3 ] || fail "expected 3 nodes, sinfo says: ${nodes[*]}"
for line in "${nodes[@]}"; do
  read -r _ st c m <<<"$line"
  [ "$st" = idle ] || [ "$st" = mixed ] || fail "node not idle: $line"
  [ "$c" = 8 ] && [ "$m" = 8000 ] || fail "node shape: $line"
done

# srun across the three nodes: one line from each.
out=$(timeout 60 srun -N3 hostname)
[ "$(wc -l <<<"$out")" -eq 3 ] || fail "srun -N3 hostname gave: $out"

# A batch job whose step allocates ~200 MB: MaxRSS is on the step row only.
cat >job.sh <<'EOF'
#!/bin/bash
srun python3 -c '
import time
b = bytearray(200 * 1024 * 1024)
for i in range(0, len(b), 4096): b[i] = 1
time.sleep(3)
'
EOF
jobid=$(sbatch --parsable --qos=test --mem=1000 -o "$tmp/job.out" job.sh)
[[ "$jobid" =~ ^[0-9]+$ ]] || fail "sbatch gave '$jobid'"
for ((i = 0; i < 120; i++)); do
  st=$(sacct -n -P -X -j "$jobid" -o State --starttime=now-1hour | head -1)
  case "$st" in COMPLETED | FAILED* | CANCELLED* | TIMEOUT | OUT_OF_MEMORY) break ;; esac
  sleep 0.5
done
[ "$st" = COMPLETED ] || fail "job $jobid ended $st: $(cat "$tmp/job.out")"
acct=$(sacct -P -j "$jobid" -o JobID,State,Elapsed,MaxRSS --starttime=now-1hour)
echo "$acct"
alloc_rss=$(awk -F'|' -v j="$jobid" '($1 "") == (j "") {print $4}' <<<"$acct")
[ -z "$alloc_rss" ] || fail "allocation row has MaxRSS '$alloc_rss'"
step_rss=$(awk -F'|' -v j="$jobid.0" '($1 "") == (j "") {print $4}' <<<"$acct")
kib=$(awk -v s="$step_rss" 'BEGIN {
  n = s + 0; u = substr(s, length(s));
  if (u == "M") n *= 1024; else if (u == "G") n *= 1048576; print int(n) }')
[ "$kib" -ge $((150 * 1024)) ] || fail "step $jobid.0 MaxRSS '$step_rss' < 150 MB"

# The three QoS with their limits.
qos=$(sacctmgr -n -P show qos format=Name,MaxWall,MaxJobsPU,GrpTRES)
grep -qx 'test|01:00:00|2|cpu=16' <<<"$qos" || fail "qos test: $qos"
grep -qx 'short|1-00:00:00|50|cpu=24' <<<"$qos" || fail "qos short: $qos"
grep -qx 'long|7-00:00:00|5|cpu=16' <<<"$qos" || fail "qos long: $qos"

# socm resources --discover: parsed back by a TOML reader and by socm itself.
"$bin" resources --discover --name local >disc.toml
cat disc.toml
python3 - disc.toml <<'EOF'
import sys, tomllib
r = tomllib.load(open(sys.argv[1], "rb"))["resources"]["local"]
assert r["nodes"] == 3 and r["cores_per_node"] == 8 and r["memory_per_node"] == 8000, r
q = {x["name"]: x for x in r["qos"]}
assert q["test"] == {"name": "test", "max_walltime": "01:00:00", "max_jobs": 2, "max_cores": 16}, q
assert q["short"]["max_walltime"] == "1-00:00:00" and q["short"]["max_cores"] == 24, q
assert q["long"]["max_walltime"] == "7-00:00:00" and q["long"]["max_jobs"] == 5, q
assert [x["name"] for x in r["qos"]][:3] == ["test", "short", "long"], r["qos"]
EOF
"$bin" resources disc.toml >listed.txt
grep -q '^local: 3 nodes x 8 cores, 8000 MB per node$' listed.txt || fail "socm resources: $(cat listed.txt)"
grep -Eq '^  qos test +max_walltime 01:00:00  max_jobs 2  max_cores 16$' listed.txt ||
  fail "socm resources qos: $(cat listed.txt)"
echo "ok"
