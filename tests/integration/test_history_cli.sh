#!/usr/bin/env bash
# test_history_cli.sh — `socm history` and `socm predict` end to end: record runs
# (given measures, and from sacct through a stand-in sacct on PATH), list/show/export
# them, train, predict, prune; two socm processes recording at once lose no row;
# bad input exits 2 with a message.
set -euo pipefail

SOCM=${SOCM_BIN:?SOCM_BIN must point to the socm executable}
D=$(mktemp -d)
trap 'rm -rf "$D"' EXIT
DB="$D/history.db"
fail() { echo "FAIL: $*" >&2; exit 1; }

# --- record runs with known measures: runtime = 30 + 2n s, memory = 0.01 n^2 MB
for n in $(seq 15 15 300); do
    "$SOCM" history record --history-db "$DB" --job-name sim --numeric "{\"n\": $n}" \
        --categorical '{"mode": "a"}' --elapsed $((30 + 2 * n)) \
        --max-rss "$(awk -v n=$n 'BEGIN{print 0.01*n*n}')" --cpu 1.5 >/dev/null
done
[ "$(stat -c %a "$DB")" = 600 ] || fail "history database is not private (mode $(stat -c %a "$DB"))"
# A history database's own name that is a symbolic link (one another user planted)
# is refused (exit 3) and the file it points to is neither created nor written;
# a link among the directories above it is followed.
ln -s "$D/planted-target" "$D/linked.db"
set +e
"$SOCM" history list --history-db "$D/linked.db" >/dev/null 2>"$D/err"
rc=$?
set -e
[ $rc = 3 ] || fail "a symlinked history database: exit $rc, not 3"
grep -q 'linked.db is a symbolic link' "$D/err" || fail "no reason for the link: $(cat "$D/err")"
[ ! -e "$D/planted-target" ] || fail "the link's target was created"
mkdir "$D/real" && ln -s "$D/real" "$D/dirlink"
"$SOCM" history list --history-db "$D/dirlink/h.db" >/dev/null || fail "a linked parent directory is refused"

json=$("$SOCM" history list --json --history-db "$DB")
[ "$(jq '.runs | length' <<<"$json")" = 20 ] || fail "list --json: expected 20 runs"
[ "$(jq -r '.runs[0].job_name' <<<"$json")" = sim ] || fail "job_name"

for k in workflow cpu_s state; do
    jq -e ".runs[0] | has(\"$k\")" <<<"$json" >/dev/null || fail "list --json lacks $k"
done
[ "$("$SOCM" history list --json --limit 2 --history-db "$DB" | jq '.runs[0].numeric.n')" = 300 ] ||
    fail "--limit should give the newest first"

"$SOCM" history show 3 --history-db "$DB" | grep -q 'numeric      {"n":45}' || fail "show 3"

# --- export: a command with a comma and quotes must be quoted CSV
"$SOCM" history record --history-db "$DB" --job-name odd --elapsed 5 \
    --cmd 'prog --title "a, b"' >/dev/null 2>&1
"$SOCM" history export --csv -o "$D/runs.csv" --history-db "$DB"
[ "$(wc -l <"$D/runs.csv")" = 22 ] || fail "export: header + 21 rows expected"
grep -q '"prog --title ""a, b"""' "$D/runs.csv" || fail "export: CSV quoting"
python3 - "$D/runs.csv" <<'EOF' || fail "export: not parseable CSV"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 21 and rows[-1]["command"] == 'prog --title "a, b"', rows[-1]
EOF

# --- train, then the history predicts a run of the job
out=$("$SOCM" history train --model poly --history-db "$DB")
grep -q '^trained 2 models (1 runtime, 1 memory) for 1 job name; skipped 2$' <<<"$out" || fail "train: $out"
models=$("$SOCM" history train --json --model knn --job-name sim --history-db "$DB")
[ "$(jq '[.models[] | select(.model == "knn")] | length' <<<"$models")" = 2 ] || fail "train --json"
jq -e '.models[0] | has("mean_pct_error") and has("mse") and has("margin")' <<<"$models" >/dev/null ||
    fail "train --json lacks metrics"

# --- record from Slurm accounting through a stand-in sacct (argv child, no shell)
mkdir -p "$D/bin"
cat >"$D/bin/sacct" <<'EOF'
#!/bin/sh
# stand-in for Slurm's sacct: checks the arguments socm passes (-P with a header, the
# job by --jobs); prints its columns in an order of its own (read by header)
[ "$1" = -P ] && [ "${2%%,*}" = --format=JobID ] || exit 3
case "$2" in *TotalCPU*) ;; *) exit 3 ;; esac
[ "${3%%=*}" = --jobs ] || exit 3
j=${3#--jobs=}
echo "JobID|Elapsed|MaxRSS|NTasks|TotalCPU|State"
echo "$j|00:02:00||||COMPLETED"
echo "$j.batch|00:02:00|2048K|1|00:00:01|COMPLETED"
echo "$j.0|00:01:50|10M|4|00:06:00|COMPLETED"
EOF
chmod +x "$D/bin/sacct"
PATH="$D/bin:$PATH" "$SOCM" history record --sacct 4242 --job-name slurmjob --history-db "$DB" >/dev/null
run=$("$SOCM" history list --json --job-name slurmjob --history-db "$DB" | jq '.runs[0]')

[ "$(jq -r '.where' <<<"$run")" = 4242 ] || fail "sacct job id"
if PATH="$D/bin:$PATH" "$SOCM" history record --sacct '1;rm -rf /' --job-name x --history-db "$DB" 2>/dev/null; then
    fail "a job id with shell syntax must be refused"
fi

# --- two socm processes recording at once lose nothing
writer() {
    for i in $(seq 1 25); do
        "$SOCM" history record --history-db "$DB" --job-name "conc$1" --elapsed "$i" >/dev/null || exit 1
    done
}
writer 1 & p1=$!
writer 2 & p2=$!
wait $p1 || fail "writer 1 failed"
wait $p2 || fail "writer 2 failed"
for w in 1 2; do
    n=$("$SOCM" history list --json --job-name "conc$w" --history-db "$DB" | jq '.runs | length')
    [ "$n" = 25 ] || fail "concurrent writer $w: $n of 25 rows"
done

# --- predict: without a job spec the features are empty, so the model of "sim"
# (which needs n) cannot be used and the defaults come back with the reason
out=$("$SOCM" predict --job-name sim --history-db "$DB" "sim --n 100")
grep -q 'fallback' <<<"$out" || fail "predict without features should fall back: $out"

# with a job spec
cat >"$D/p.toml" <<EOF
[predict]
history_db = "$DB"
[predict.job.sim]
job_spec = "--n {n:numeric} --mode {mode:category}"
default_time = 10
EOF
"$SOCM" history train --model poly --job-name sim --history-db "$DB" >/dev/null
pj=$("$SOCM" predict --json --config "$D/p.toml" "sim --n 100 --mode a")
[ "$(jq '.walltime_s.predicted' <<<"$pj")" = true ] || fail "predict: $pj"
awk -v v="$(jq '.walltime_s.value' <<<"$pj")" 'BEGIN { exit !(v > 210 && v < 270) }' ||
    fail "predict walltime for n=100 should be about 230 s"
# Options after a quoted command line are socm's (--json was once taken for part of it);
# after an unquoted one every word is the command's.
pj2=$("$SOCM" predict --config "$D/p.toml" "sim --n 100 --mode a" --json) || fail "predict CMD --json: exit $?"
[ "$(jq -r '.command' <<<"$pj2")" = "sim --n 100 --mode a" ] || fail "predict CMD --json: $pj2"
rc=0; out=$("$SOCM" predict --config "$D/p.toml" "sim --n 100" extra 2>&1) || rc=$?
[ $rc = 2 ] && grep -q "unexpected 'extra' after the quoted command line" <<<"$out" ||
    fail "predict \"CMD\" extra: exit $rc, $out"
out=$("$SOCM" predict --config "$D/p.toml" sim --n 100 --mode a) || fail "unquoted: exit $?"
grep -q '^numeric *{"n":100' <<<"$out" || fail "unquoted command line: $out"
[ "$(jq -r '.categorical.mode' <<<"$pj")" = a ] || fail "predict features"

# --- prune
out=$("$SOCM" history prune --older-than 1d --history-db "$DB")
grep -q 'pruned 0 runs' <<<"$out" || fail "prune --older-than 1d should keep fresh runs: $out"
out=$("$SOCM" history prune --job-name sim --history-db "$DB")
grep -q 'pruned 20 runs' <<<"$out" || fail "prune --job-name: $out"

# --- bad input: exit 2, a message, no crash
expect2() {
    set +e
    "$@" >/dev/null 2>"$D/err"
    rc=$?
    set -e
    [ $rc = 2 ] || fail "expected exit 2 from: $* (got $rc)"
    [ -s "$D/err" ] || fail "no message from: $*"
}
expect2 "$SOCM" history show 999 --history-db "$DB"
expect2 "$SOCM" history show abc --history-db "$DB"
expect2 "$SOCM" history prune --history-db "$DB"
expect2 "$SOCM" history record --job-name x --elapsed 3 --numeric 'nope' --history-db "$DB"
expect2 "$SOCM" history train --model nosuch --history-db "$DB"
expect2 "$SOCM" history list --bogus
expect2 "$SOCM" history
expect2 "$SOCM" predict --history-db "$DB"
"$SOCM" history --help | grep -q example || fail "history --help has no example"
"$SOCM" predict --help | grep -q example || fail "predict --help has no example"
echo "ok"
