#!/usr/bin/env bash
# test_history_import.sh — `socm history import --sacct` on the real local Slurm
# cluster: two batch jobs of a script whose command line carries its features
# (`alloc.sh --mb 100` and `--mb 200`, each touching that much memory in a step of 2
# tasks) are found by one sacct query, mapped by the job specification to runs of
# job "alloc" with feature mb, with elapsed, max RSS = MaxRSS × NTasks (about 2 × mb)
# and the cores allocated; importing again adds nothing.
. "$(dirname "$0")/lib.sh"
db="$tmp/history.db"
name="socmimp$$"

cat >alloc.sh <<'EOF2'
#!/bin/bash
# alloc.sh --mb N: a step of 2 tasks, each touching N MB for 3 s
srun -n2 python3 -c "
import time
b = bytearray($2 * 1024 * 1024)
for i in range(0, len(b), 4096): b[i] = 1
time.sleep(3)
"
EOF2
chmod +x alloc.sh
cat >spec.toml <<'TOML'
[predict.job.alloc]
job_prefix = "alloc.sh"
job_spec = "--mb {mb:numeric}"
TOML
ids=()
for mb in 100 200; do
  id=$(sbatch --parsable --qos=test -n2 --mem=2000 -J "$name" -o "$tmp/job-$mb.out" ./alloc.sh --mb "$mb")
  [[ "$id" =~ ^[0-9]+$ ]] || fail "sbatch gave '$id'"
  ids+=("$id")
done
for id in "${ids[@]}"; do
  for ((i = 0; i < 120; i++)); do
    st=$(sacct -n -P -X -j "$id" -o State | head -1)
    case "$st" in COMPLETED | FAILED* | CANCELLED* | TIMEOUT | OUT_OF_MEMORY) break ;; esac
    sleep 0.5
  done
  [ "$st" = COMPLETED ] || fail "job $id ended $st"
  # accounting of the step can trail the job's end by a moment
  for ((i = 0; i < 40; i++)); do
    sacct -n -P -j "$id.0" -o MaxRSS | grep -q '[0-9]' && break
    sleep 0.5
  done
done
sacct -P -j "$(IFS=,; echo "${ids[*]}")" -o JobID,JobName,Elapsed,MaxRSS,NTasks,AllocCPUS,SubmitLine

out=$("$bin" history import --sacct --since 1d --job-name "$name" --config spec.toml --history-db "$db")
echo "$out"
grep -q '^imported 2 new runs from sacct' <<<"$out" || fail "import: $out"
runs=$("$bin" history list --json --job-name alloc --history-db "$db")
for mb in 100 200; do
  run=$(jq --argjson mb "$mb" '.runs[] | select(.numeric.mb == $mb)' <<<"$runs")
  [ -n "$run" ] || fail "no run with mb = $mb: $(jq -c . <<<"$runs")"
  echo "mb=$mb: $(jq -c '{elapsed_s, max_rss_mb, cpu_s, threads, state, where}' <<<"$run")"
  jq -e '.elapsed_s >= 3 and .elapsed_s < 120 and .state == "COMPLETED" and .threads >= 2' <<<"$run" >/dev/null ||
    fail "mb=$mb: elapsed, state or cores"
  jq -e --argjson mb "$mb" '.max_rss_mb >= 2 * $mb * 0.9 and .max_rss_mb < 2 * $mb + 200' <<<"$run" >/dev/null ||
    fail "mb=$mb: max RSS should be about 2 x $mb MB"
done
out=$("$bin" history import --sacct --since 1d --job-name "$name" --config spec.toml --history-db "$db")
grep -q '^imported 0 new runs from sacct (.*2 already in' <<<"$out" || fail "import twice: $out"
echo "ok"
