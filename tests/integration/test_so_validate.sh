#!/usr/bin/env bash
# test_so_validate.sh — `socm validate` on the original tool's real campaign file
# (tests/data/compat/campaign.toml) with its context, obsdb and query list replaced by
# a small test obsdb: the ml-mapmaking and null-test sections expand into the
# expected workflows, with their command lines and query files.
set -euo pipefail
src=${SOCM_SRC:?}
bin=${SOCM_BIN:?}
orig="$src/tests/data/compat/campaign.toml"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export SOTODLIB_SITECONFIG="$tmp/site.yaml" SOTODLIB_USERCONFIG="$tmp/user.yaml"
echo "tags: {}" >"$tmp/site.yaml"
echo "tags: {}" >"$tmp/user.yaml"

# 40 observations, one a day from 2024-03-01 14:00 UTC, on tube i1.
{
  echo "CREATE TABLE obs (obs_id str primary key, timestamp float, n_samples int,"
  echo "  wafer_slots_list str, tube_slot str, az_center float, el_center float, pwv float);"
  for i in $(seq 0 39); do
    ts=$((1709301600 + i * 86400))
    case $((i % 3)) in 0) w="ws0,ws1,ws2" ;; 1) w="ws0" ;; *) w="ws2" ;; esac
    case $((i % 4)) in 0) az=180 ;; 1 | 2) az=120 ;; *) az=240 ;; esac
    echo "INSERT INTO obs VALUES ('obs_${ts}_lati1_111', $ts, $((1000 + i)), '$w', 'i1', $az, 50, $((i % 5)).5);"
    echo "obs_${ts}_lati1_111" >>"$tmp/lat_i1.txt"
  done
} | sqlite3 "$tmp/obsdb.sqlite"
cat >"$tmp/use_this_local.yaml" <<YAML
tags:
  here: .
obsdb: '{here}/obsdb.sqlite'
YAML

sed "s#/scratch/gpfs/SIMONSOBS/users/ip8725/tmp/latml#$tmp#g" "$orig" >"$tmp/campaign.toml"
grep -q "file://$tmp/use_this_local.yaml" "$tmp/campaign.toml"

"$bin" validate --commands "$tmp/campaign.toml" >"$tmp/out.txt" 2>"$tmp/err.txt" || {
  echo "validate failed:"; cat "$tmp/err.txt"; exit 1; }

fail() { echo "FAIL: $*"; echo "--- output"; cat "$tmp/out.txt"; exit 1; }

# ml-mapmaking: one workflow, the original's argument order and options
ml=$(grep '^ml_mapmaking_workflow: ' "$tmp/out.txt") || fail "no ml_mapmaking_workflow"
want="srun --cpu_bind=cores --export=ALL --ntasks-per-node=70 --cpus-per-task=8 so-site-pipeline make-ml-map $tmp/lat_i1.txt /scratch/gpfs/SIMONSOBS/so/science-readiness/footprint/v20250306/lat_iso/so_geometry_deep56_v20250306_lat_f090.fits $tmp/output_full $tmp/lat_config_mf.yaml --bands=f090 --context=$tmp/use_this_local.yaml --downsample=4,2 --interpol=nearest --maxiter=200,200 --site=so_lat --srcsamp=/scratch/gpfs/ACT/data/act_dr6/dr6.02/maps/published/srcsamp_mask.fits --tiled=1 --unit=K"
[ "${ml#ml_mapmaking_workflow: }" = "$want" ] || fail "ml-mapmaking command: ${ml#*: }"

# mission: 40 obs, chunk_nobs 10 → 4 chunks → 4 non-empty of nsplits 4
[ "$(grep -c '^mission_split_[0-9]*_null_test_workflow: ' "$tmp/out.txt")" = 4 ] || fail "mission splits"
# wafer: ws0 in 27 obs (3 chunks), ws1 in 14 (2), ws2 in 27 (3) → 8 workflows
for w in ws0:3 ws1:2 ws2:3; do
  n=$(grep -c "^wafer_${w%%:*}_split_[0-9]_null_test_workflow: " "$tmp/out.txt" || true)
  [ "$n" = "${w##*:}" ] || fail "wafer ${w%%:*}: $n splits"
done
grep -q -- "--wafer=ws1\$" <(grep '^wafer_ws1_split_1_' "$tmp/out.txt") || fail "wafer option"
# direction: rising 20 obs, setting 10, middle 10 → 2 + 1 + 1
for d in rising:2 setting:1 middle:1; do
  n=$(grep -c "^direction_${d%%:*}_split_[0-9]_null_test_workflow: " "$tmp/out.txt" || true)
  [ "$n" = "${d##*:}" ] || fail "direction ${d%%:*}: $n splits"
done
# the query files exist and hold the split's observations
q="$tmp/output_full/null_tests/direction_setting_split_1/query.txt"
[ "$(wc -l <"$q")" = 10 ] || fail "query file $q"
grep -q -- " $q " <(grep '^direction_setting_split_1_' "$tmp/out.txt") || fail "query path in command"
! grep -q -- "--chunk_nobs\|--nsplits\|--name=" "$tmp/out.txt" || fail "excluded keys leaked"

# bad input: the context is missing → a positioned error, exit 2
sed "s#use_this_local.yaml#nope.yaml#" "$tmp/campaign.toml" >"$tmp/bad.toml"
set +e
"$bin" validate "$tmp/bad.toml" >"$tmp/bad.out" 2>&1
rc=$?
set -e
[ "$rc" = 2 ] || { cat "$tmp/bad.out"; fail "exit $rc for a missing context"; }
grep -q "bad.toml:[0-9]*:[0-9]*: .*nope.yaml" "$tmp/bad.out" || { cat "$tmp/bad.out"; fail "message"; }
echo ok
