#!/usr/bin/env bash
# test_optional_libs.sh — each optional library (GSL, libnova, XGBoost) turns on its
# features; a build without it (SOCM_WITH_GSL=OFF etc., or the library missing)
# still builds and runs the core, and the features refuse with a message naming the
# library: `history train --model poly` (GSL), the day-night null tests (libnova),
# `--model forest` (XGBoost). Checks whichever side this build ($SOCM_BUILD/
# features.txt) is on; scripts/dev test runs it on a full and on a minimal build.
set -u
. "$(dirname "$0")/lib.sh"
features=${SOCM_BUILD:?}/features.txt
[ -f "$features" ] || fail "no $features"
has() { grep -qx "$1=1" "$features"; }
export SOCM_HISTORY_DB=$tmp/h.db
cd "$tmp"

# Core: a campaign runs whatever the build lacks.
camp core "echo core-ok > out.txt"
"$SOCM_BIN" run core.toml --quiet >run.txt 2>&1 || fail "core campaign: $(tail -3 run.txt)"

# GSL: the poly model.
for n in 10 20 30 40 50 60 70 80 90 100; do
    "$SOCM_BIN" history record --job-name sim --numeric "{\"n\": $n}" --elapsed $((30 + 2 * n)) \
        --max-rss $((n * 3)) --cpu 1 >/dev/null || fail "history record"
done
"$SOCM_BIN" history train --model poly --job-name sim >train.txt 2>&1
rc=$?
if has GSL; then
    [ $rc -eq 0 ] && grep -q 'trained' train.txt || fail "poly with GSL: exit $rc $(cat train.txt)"
else
    [ $rc -eq 2 ] && grep -q "model 'poly' needs the GSL library" train.txt ||
        fail "poly without GSL: exit $rc $(cat train.txt)"
fi
"$SOCM_BIN" history train --model knn --job-name sim >knn.txt 2>&1 || fail "knn needs nothing: $(cat knn.txt)"

# XGBoost: the forest model.
"$SOCM_BIN" history train --model forest --job-name sim >forest.txt 2>&1
rc=$?
if has XGBOOST; then
    [ $rc -eq 0 ] || fail "forest with XGBoost: exit $rc $(cat forest.txt)"
else
    [ $rc -eq 2 ] && grep -q 'forest' forest.txt || fail "forest without XGBoost: exit $rc $(cat forest.txt)"
fi

# libnova: day-night null tests over a small observation database.
{
  echo "CREATE TABLE obs (obs_id str primary key, timestamp float, n_samples int,"
  echo "  wafer_slots_list str, tube_slot str, az_center float, el_center float, pwv float);"
  for i in $(seq 0 9); do
    ts=$((1709301600 + i * 43200))
    echo "INSERT INTO obs VALUES ('obs_${ts}_lati1_111', $ts, 1000, 'ws0', 'i1', 180, 50, 1.5);"
    echo "obs_${ts}_lati1_111" >>q.txt
  done
} | sqlite3 obsdb.sqlite
printf 'tags:\n  here: .\nobsdb: %s\n' "'{here}/obsdb.sqlite'" >ctx.yaml
cat >nt.toml <<TOML
[campaign]
name = "nt"
deadline = "1d"
resource = "tiger3"
requested_resources = 100
[campaign.ml-null-tests]
context = "file://$tmp/ctx.yaml"
area = "area.fits"
preprocess_config = "pre.yaml"
output_dir = "$tmp/out"
query = "file://$tmp/q.txt"
[campaign.ml-null-tests.day-night-tests]
chunk_nobs = 2
nsplits = 2
[campaign.ml-null-tests.day-night-tests.resources]
ranks = 1
threads = 1
runtime = "10m"
memory = "1G"
TOML
"$SOCM_BIN" validate nt.toml >nt.txt 2>&1
rc=$?
if has NOVA; then
    [ $rc -eq 0 ] && grep -q '^workflows: [1-9]' nt.txt || fail "day-night with libnova: exit $rc $(cat nt.txt)"
else
    [ $rc -eq 2 ] && grep -q "nt.toml:[0-9]*:[0-9]*: .*day-night null tests need the libnova library" nt.txt ||
        fail "day-night without libnova: exit $rc $(cat nt.txt)"
fi
finish "ok: optional libraries ($(tr '\n' ' ' <"$features"))"
