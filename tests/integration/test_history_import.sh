#!/usr/bin/env bash
# test_history_import.sh — `socm history import --csv`: export's CSV round-trips into
# another history (every field) and importing it again adds nothing; the minimal
# columns (job_name, elapsed, max_rss, one column per feature) become runs with
# numeric and categorical features; bad rows are named by the line they start on and
# either refuse the whole file (nothing imported) or, with --skip-bad, are left out;
# an unusable header or file exits 2.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
S=$SOCM_BIN
data=$SOCM_SRC/tests/data/history

# --- export → import round trip, twice
for n in 1 2 3; do
    "$S" history record --history-db a.db --job-name sim --numeric "{\"n\": $n, \"x\": [1.5, 2]}" \
        --categorical '{"mode": "a"}' --elapsed $((10 * n)).25 --max-rss 5.5 --cpu 3 \
        --cmd 'prog --title "a, b"' --campaign c1 >/dev/null 2>&1
done
"$S" history export --csv -o a.csv --history-db a.db
out=$("$S" history import --csv a.csv --history-db b.db) || fail "import: $out"
grep -q '^imported 3 new runs from a.csv (0 already in b.db)$' <<<"$out" || fail "import said: $out"
out=$("$S" history import --csv a.csv --history-db b.db) || fail "import again: $out"
grep -q '^imported 0 new runs from a.csv (3 already in b.db)$' <<<"$out" || fail "import twice: $out"
"$S" history export --csv -o b.csv --history-db b.db
cut -d, -f2- a.csv >a.cut
cut -d, -f2- b.csv >b.cut
# recorded_at is the import's own time; everything else must be equal
python3 - a.csv b.csv <<'PY' || fail "round trip changed a field"
import csv, sys
a, b = (list(csv.DictReader(open(f))) for f in sys.argv[1:])
assert len(a) == len(b) == 3
for x, y in zip(a, b):
    for k in x:
        if k != "id":
            assert x[k] == y[k], (k, x[k], y[k])
PY
# the history that was exported recognises its own runs
out=$("$S" history import --csv a.csv --history-db a.db)
grep -q '^imported 0 new runs' <<<"$out" || fail "re-import into the source: $out"
# stdin
out=$("$S" history import --csv - --history-db c.db <a.csv)
grep -q '^imported 3 new runs from <stdin>' <<<"$out" || fail "stdin: $out"

# --- the minimal columns; bad rows refuse the file
"$S" history import --csv "$data/minimal.csv" --history-db m.db >out 2>err
rc=$?
[ $rc = 2 ] || fail "bad rows without --skip-bad: exit $rc, want 2"
for want in 'minimal.csv:4: elapsed "not-a-time" is not a duration' 'minimal.csv:5: no job name' \
            'minimal.csv:9: 4 fields, the header has 6' 'minimal.csv:10: elapsed "-4"' \
            '4 bad rows: nothing imported'; do
    grep -qF "$want" err || fail "missing message: $want (got: $(cat err))"
done
[ "$("$S" history list --json --history-db m.db | jq '.runs | length')" = 0 ] || fail "refused file imported rows"
out=$("$S" history import --csv "$data/minimal.csv" --skip-bad --history-db m.db 2>err) || fail "--skip-bad: $out"
grep -q '^imported 4 new runs' <<<"$out" || fail "--skip-bad: $out"
grep -qF 'minimal.csv:4: skipped: ' err || fail "--skip-bad must still name the bad rows"
runs=$("$S" history list --json --history-db m.db)
[ "$(jq -c '.runs[0] | [.elapsed_s, .max_rss_mb, .numeric, .categorical, .state]' <<<"$runs")" = \
  '[600,2048,{"data_size":100,"num_detectors":1000},{"band":"f090"},"COMPLETED"]' ] ||
    fail "minimal row 1: $(jq -c '.runs[0]' <<<"$runs")"
[ "$(jq -r '.runs[2].categorical.band' <<<"$runs")" = "f150, wide" ] || fail "quoted comma"
[ "$(jq -r '.runs[3].categorical.band' <<<"$runs")" = $'two\nlines' ] || fail "quoted newline"
[ "$(jq '.runs[2].numeric.data_size' <<<"$runs")" = 150 ] || fail "a quoted number is still a number"
out=$("$S" history import --csv "$data/minimal.csv" --skip-bad --history-db m.db 2>/dev/null)
grep -q '^imported 0 new runs' <<<"$out" || fail "minimal import twice: $out"

# --- alike rows of a coarse CSV are distinct runs; the file again adds nothing
printf 'job_name,elapsed,max_rss,n\nx,60,10,1\nx,60,10,1\nx,60,10,1\n' >alike.csv
out=$("$S" history import --csv alike.csv --history-db alike.db)
grep -q '^imported 3 new runs' <<<"$out" || fail "alike rows: $out"
out=$("$S" history import --csv alike.csv --history-db alike.db)
grep -q '^imported 0 new runs' <<<"$out" || fail "alike rows twice: $out"

# --- files that cannot be used at all
expect2() {
    "$@" >/dev/null 2>err
    rc=$?
    [ $rc = 2 ] || fail "expected exit 2 from: $* (got $rc)"
    [ -s err ] || fail "no message from: $*"
}
printf 'job_name,elapsed\nx,3\n' >nomem.csv
expect2 "$S" history import --csv nomem.csv --history-db m.db
grep -q 'nomem.csv:1: no max_rss_mb' err || fail "missing column message: $(cat err)"
printf 'job_name,elapsed,max_rss,elapsed_s\nx,3,4,5\n' >twice.csv
expect2 "$S" history import --csv twice.csv --history-db m.db
: >empty.csv
expect2 "$S" history import --csv empty.csv --history-db m.db
printf 'job_name,elapsed,max_rss\nx,3,"4\n' >open.csv
expect2 "$S" history import --csv open.csv --history-db m.db
grep -q 'open.csv:2: unterminated' err || fail "unterminated quote: $(cat err)"
expect2 "$S" history import --csv nosuch.csv --history-db m.db
expect2 "$S" history import --history-db m.db
expect2 "$S" history import --csv --history-db m.db

# --- import --sacct through a stand-in sacct on PATH: the arguments socm passes, the
# jobs mapped by the job specifications, and a second import adds nothing
mkdir -p bin
cat >bin/sacct <<SH
#!/bin/sh
# stand-in for Slurm's sacct: -P, the history columns, a start time, the user
echo "\$*" >>"$tmp/sacct.args"
[ "\$1" = -P ] || exit 3
case "\$2" in --format=JobID,*SubmitLine*) ;; *) exit 3 ;; esac
case "\$3" in --starttime=20[0-9][0-9]-*) ;; *) exit 3 ;; esac
cat "$data/sacct_history.txt"
SH
chmod +x bin/sacct
cat >spec.toml <<'TOML'
[predict.job.mapmaker]
job_prefix = "mapmaker.sh"
job_spec = "--band {band:category} --dets {dets:numeric} --size {size:numeric}"
[predict.job.mapname]
job_prefix = "mapmaker_"
job_spec = "{band:category}_{dets:numeric}_{size:numeric}"
TOML
out=$(PATH="$tmp/bin:$PATH" "$S" history import --sacct --user alice --since 30d --config spec.toml \
    --history-db s.db 2>err) || fail "import --sacct: $out $(cat err)"
grep -q '^imported 4 new runs from sacct (7 jobs since .*: 0 already in s.db, 1 matching no job specification, 1 unfinished, 1 unusable)$' <<<"$out" ||
    fail "import --sacct said: $out"
grep -q 'skipped job 106' err || fail "the unusable job should be named: $(cat err)"
grep -q -- '--user=alice' sacct.args || fail "sacct was not asked for the user: $(cat sacct.args)"
[ "$(wc -l <sacct.args)" = 1 ] || fail "one sacct query expected: $(cat sacct.args)"
[ "$("$S" history list --json --job-name mapmaker --history-db s.db | jq -c '[.runs[] | .numeric.dets]')" = '[1000,2000]' ] ||
    fail "features from the command lines"
out=$(PATH="$tmp/bin:$PATH" "$S" history import --sacct --job-name 'mapmaker_*' --config spec.toml --history-db s.db 2>/dev/null)
grep -q '^imported 0 new runs from sacct (7 jobs .*2 already in s.db, 5 with other names' <<<"$out" ||
    fail "import --sacct twice: $out"
expect2 "$S" history import --sacct --user '-x' --history-db s.db
expect2 "$S" history import --sacct --since soon --history-db s.db
expect2 "$S" history import --sacct --csv x.csv --history-db s.db
finish
