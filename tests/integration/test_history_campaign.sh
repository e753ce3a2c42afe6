#!/bin/bash
# test_history_campaign.sh — the history knows the campaign each run came from:
# `socm run` records it, `history list` shows it in a CAMPAIGN column (and JSON
# "campaign"; null for runs recorded outside a campaign), --campaign filters list,
# export and prune; a database made before the column existed is upgraded in place
# with its runs kept. `history train` prints a summary — models trained with their
# held-out figures, and the reasons for skipping counted — instead of a line per job
# name and target
# (--verbose gives those lines).
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
db=$tmp/h.db
for name in alpha beta; do
    { laptop_head "$name"
      cat <<'TOML'
[campaign.one]
type = "generic"
executable = "true"
[campaign.two]
type = "generic"
executable = "true"
TOML
    } >"$name.toml"
    SOCM_HISTORY_DB=$db "$SOCM_BIN" run "$name.toml" --state-dir "sd-$name" -q || fail "run $name: exit $?"
done
"$SOCM_BIN" history record --history-db "$db" --job-name outside --elapsed 3 >/dev/null || fail "record"

"$SOCM_BIN" history list --history-db "$db" >list || fail "list: exit $?"
head -1 list | grep -q 'CAMPAIGN' || fail "list: no CAMPAIGN column: $(head -1 list)"
[ "$(grep -c ' alpha ' list)" = 2 ] && [ "$(grep -c ' beta ' list)" = 2 ] || fail "list: campaigns: $(cat list)"
"$SOCM_BIN" history list --campaign beta --history-db "$db" >beta || fail "list --campaign: exit $?"
[ "$(grep -c ' beta ' beta)" = 2 ] && ! grep -q ' alpha \| outside ' beta || fail "list --campaign beta: $(cat beta)"
"$SOCM_BIN" history list --json --history-db "$db" >list.json
[ "$(jq -r '[.runs[].campaign] | map(. // "null") | join(",")' list.json)" = "alpha,alpha,beta,beta,null" ] ||
    fail "list --json campaign: $(jq -c '[.runs[].campaign]' list.json)"
"$SOCM_BIN" history export --csv --campaign alpha --history-db "$db" >alpha.csv
python3 - alpha.csv <<'PY' || fail "export --campaign: $(cat alpha.csv)"
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert [r["campaign"] for r in rows] == ["alpha", "alpha"], rows
PY
"$SOCM_BIN" history prune --campaign alpha --history-db "$db" | grep -q 'pruned 2 runs' || fail "prune --campaign"
[ "$("$SOCM_BIN" history list --json --history-db "$db" | jq '.runs | length')" = 3 ] || fail "prune kept the others"

# A database from before the campaign column: upgraded, its runs kept.
old=$tmp/old.db
sqlite3 "$old" "CREATE TABLE runs (id INTEGER PRIMARY KEY, job_name TEXT NOT NULL, workflow TEXT NOT NULL DEFAULT '',
 command TEXT NOT NULL DEFAULT '', categorical TEXT NOT NULL DEFAULT '{}', numeric TEXT NOT NULL DEFAULT '{}',
 ranks INTEGER NOT NULL DEFAULT 1, threads INTEGER NOT NULL DEFAULT 1, req_memory_mb REAL NOT NULL DEFAULT 0,
 req_runtime_min REAL NOT NULL DEFAULT 0, elapsed_s REAL NOT NULL DEFAULT 0, max_rss_mb REAL NOT NULL DEFAULT 0,
 cpu_s REAL NOT NULL DEFAULT 0, state TEXT NOT NULL DEFAULT '', resource TEXT NOT NULL DEFAULT '',
 location TEXT NOT NULL DEFAULT '', started_at REAL NOT NULL DEFAULT 0, finished_at REAL NOT NULL DEFAULT 0,
 recorded_at REAL NOT NULL DEFAULT 0); INSERT INTO runs (job_name, elapsed_s) VALUES ('legacy', 5);"
chmod 600 "$old"
"$SOCM_BIN" history list --json --history-db "$old" >old.json || fail "old database: exit $?"
[ "$(jq -r '.runs[0].job_name, .runs[0].campaign' old.json | tr '\n' ' ')" = "legacy null " ] ||
    fail "old database: $(cat old.json)"
"$SOCM_BIN" history record --history-db "$old" --job-name new --elapsed 1 --campaign gamma >/dev/null ||
    fail "record into the upgraded database"
"$SOCM_BIN" history list --campaign gamma --history-db "$old" | grep -q ' gamma ' || fail "upgraded: --campaign"

# train: 30 job names, none with enough runs: one summary, reasons counted.
tdb=$tmp/t.db
for j in $(seq 1 30); do
    "$SOCM_BIN" history record --history-db "$tdb" --job-name "job$j" --elapsed 10 --max-rss 5 >/dev/null
done
for n in $(seq 1 12); do
    "$SOCM_BIN" history record --history-db "$tdb" --job-name big --numeric "{\"n\": $n}" \
        --elapsed $((10 + n)) --max-rss $((2 * n)) >/dev/null
done
"$SOCM_BIN" history train --history-db "$tdb" --model poly >train || fail "train: exit $?"
# the summary, the 2 trained models' figures (R2, RMSE, error), the reasons counted
[ "$(wc -l <train)" -le 7 ] || fail "train: more than a summary: $(wc -l <train) lines"
[ "$(grep -c '^  big .* poly .*R2 .*RMSE .*error' train)" = 2 ] || fail "train: the trained models' figures: $(cat train)"
grep -q '^trained 2 models (1 runtime, 1 memory) for 1 job name; skipped 60$' train || fail "train: $(cat train)"
grep -Eq '^ +30  fewer than 10 completed runs with a measured runtime$' train || fail "train reasons: $(cat train)"
grep -Eq '^ +30  fewer than 10 completed runs with a measured memory$' train || fail "train reasons: $(cat train)"
"$SOCM_BIN" history train --history-db "$tdb" --model poly --verbose >trainv || fail "train --verbose"
[ "$(grep -c 'skipped:' trainv)" = 60 ] || fail "train --verbose: a line per skipped model"
finish
