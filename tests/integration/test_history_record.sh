#!/usr/bin/env bash
# test_history_record.sh — every finished workflow of a real local run lands in the
# history database with its measured elapsed time and peak memory (a program that
# allocates a known amount), its job name and state; `record_history = false` turns
# recording off; an unwritable database is logged and the campaign still succeeds.
set -euo pipefail
SOCM_BIN=${SOCM_BIN:-socm}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
campaign() { # name, extra [campaign] lines
cat <<TOML
[campaign]
name = "$1"
deadline = "1h"
requested_resources = 2
resource = "testbox"
$2

[resources.testbox]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 1000, max_cores = 2 }]

[campaign.alloc_split_1]
type = "generic"
executable = "python3"
args = ["-c", "b = bytearray(80 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); import time; time.sleep(0.3)"]
features = { nsamples = 80 }
[campaign.alloc_split_1.resources]
ranks = 1
threads = 1
memory = "200M"
runtime = "1m"

[campaign.broken]
type = "generic"
executable = "false"
[campaign.broken.resources]
ranks = 1
threads = 1
runtime = "1m"
TOML
}
fail() { echo "FAIL: $*" >&2; exit 1; }

campaign rec "" >rec.toml
rc=0; SOCM_HISTORY_DB="$T/h.db" "$SOCM_BIN" run rec.toml --state-dir st1 >run1.out 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat run1.out; fail "campaign with a failing workflow exited $rc, not 1"; }
"$SOCM_BIN" history list --json --history-db "$T/h.db" >list.json
jq -e '.runs | length == 2' list.json >/dev/null || { cat list.json; fail "expected 2 runs"; }
jq -e '.runs[] | select(.job_name == "alloc") | .state == "COMPLETED" and .elapsed_s >= 0.3
       and .max_rss_mb >= 70 and .max_rss_mb < 1000 and .workflow == "generic"' list.json >/dev/null \
    || { cat list.json; fail "alloc run not recorded with its elapsed time and memory"; }
jq -e '.runs[] | select(.job_name == "broken") | .state == "FAILED"' list.json >/dev/null \
    || { cat list.json; fail "failed run not recorded as FAILED"; }
id=$(jq -r '.runs[] | select(.job_name == "alloc") | .id' list.json)
"$SOCM_BIN" history show "$id" --json --history-db "$T/h.db" >show.json
jq -e '.numeric | tostring | test("nsamples")' show.json >/dev/null \
    || { cat show.json; fail "features not recorded"; }

# history_db in [campaign] is where runs go when the environment says nothing
campaign cfg "history_db = \"$T/cfg.db\"" >cfg.toml
env -u SOCM_HISTORY_DB "$SOCM_BIN" run cfg.toml --state-dir st2 >/dev/null 2>&1 || true
[ "$("$SOCM_BIN" history list --json --history-db "$T/cfg.db" | jq '.runs | length')" = 2 ] \
    || fail "history_db from [campaign] not used"

# record_history = false: nothing written
campaign off "record_history = false" >off.toml
SOCM_HISTORY_DB="$T/off.db" "$SOCM_BIN" run off.toml --state-dir st3 >/dev/null 2>&1 || true
[ ! -e "$T/off.db" ] || fail "record_history = false still recorded"

# an unwritable database: logged, and the run's outcome is unchanged
# (its directory would be under a regular file: impossible even for root)
rc=0; SOCM_HISTORY_DB="$T/rec.toml/h.db" "$SOCM_BIN" run rec.toml --state-dir st4 >run4.out 2>&1 || rc=$?
[ "$rc" = 1 ] || { cat run4.out; fail "history failure changed the exit code to $rc"; }
grep -q "history" st4/*.log run4.out 2>/dev/null || { cat run4.out; fail "history failure not logged"; }
echo "ok"
