#!/usr/bin/env bash
# test_history_sacct.sh — runs done on the real local Slurm cluster land in the
# history with the right measures: a batch job whose step runs 2 tasks that each
# touch ~200 MB for 3 s is recorded by `socm history record --sacct` with elapsed
# ≥ 3 s and max RSS = MaxRSS × NTasks ≈ 400 MB (job and step forms).
. "$(dirname "$0")/lib.sh"
db="$tmp/history.db"

cat >job.sh <<'EOF'
#!/bin/bash
srun -n2 python3 -c '
import time
b = bytearray(200 * 1024 * 1024)
for i in range(0, len(b), 4096): b[i] = 1
time.sleep(3)
'
EOF
jobid=$(sbatch --parsable --qos=test -n2 --mem=2000 -o "$tmp/job.out" job.sh)
[[ "$jobid" =~ ^[0-9]+$ ]] || fail "sbatch gave '$jobid'"
for ((i = 0; i < 120; i++)); do
  st=$(sacct -n -P -X -j "$jobid" -o State | head -1)
  case "$st" in COMPLETED | FAILED* | CANCELLED* | TIMEOUT | OUT_OF_MEMORY) break ;; esac
  sleep 0.5
done
[ "$st" = COMPLETED ] || fail "job $jobid ended $st: $(cat "$tmp/job.out")"
# accounting of the step can trail the job's end by a moment
for ((i = 0; i < 40; i++)); do
  sacct -n -P -j "$jobid.0" -o MaxRSS | grep -q '[0-9]' && break
  sleep 0.5
done
sacct -P -j "$jobid" -o JobID,Elapsed,MaxRSS,NTasks,TotalCPU,State

"$bin" history record --sacct "$jobid" --job-name memjob --history-db "$db" \
  --cmd "python3 alloc.py" >/dev/null
"$bin" history record --sacct "$jobid.0" --job-name memjob-step --history-db "$db" >/dev/null

check() {
  local name=$1 run
  run=$("$bin" history list --json --job-name "$name" --history-db "$db" | jq '.runs[0]')
  echo "$name: $(jq -c '{elapsed_s, max_rss_mb, cpu_s, state, where}' <<<"$run")"
  jq -e '.elapsed_s >= 3 and .elapsed_s < 120' <<<"$run" >/dev/null || fail "$name elapsed"
  jq -e '.max_rss_mb >= 2 * 180 and .max_rss_mb < 2 * 400' <<<"$run" >/dev/null ||
    fail "$name max RSS should be about 2 x 200 MB"
  jq -e '.state == "COMPLETED"' <<<"$run" >/dev/null || fail "$name state"
}
check memjob
check memjob-step
[ "$("$bin" history list --json --job-name memjob-step --history-db "$db" | jq -r '.runs[0].where')" = "$jobid.0" ] ||
  fail "where should be the step"
echo "ok"
