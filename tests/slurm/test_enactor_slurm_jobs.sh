#!/usr/bin/env bash
# test_enactor_slurm_jobs.sh — the slurm-jobs enactor on the real local cluster: a
# small DAG runs as one Slurm job per workflow, in dependency order; an argument with
# spaces, quotes, '$', ';' and a newline reaches the program byte for byte; MaxRSS
# of a ~200 MB step comes back from sacct into `socm status --json`; a failing
# workflow is FAILED with its exit code and its dependant CANCELED.
set -euo pipefail

src=${SOCM_SRC:?}
bin=${SOCM_BIN:?}
fail() { echo "FAIL: $*" >&2; exit 1; }

"$src/scripts/slurm-cluster" start >/dev/null
eval "$("$src/scripts/slurm-cluster" env)"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp"
name="sj$$"

cat >c.toml <<EOF
[campaign]
name = "$name"
deadline = "1h"
resource = "local3"
execution_schema = "batch"
requested_resources = 8
enactor = "slurm-jobs"

[resources.local3]
nodes = 3
cores_per_node = 8
memory_per_node = 8000
qos = [{ name = "short", max_walltime = "1d", max_jobs = 50, max_cores = 24 }]

[campaign.first]
type = "generic"
executable = "python3"
args = ["-c", "import sys, time; open('arg.bin', 'w').write(sys.argv[1]); open('t', 'w').write(repr(time.time()))", "a b 'c' \"d\" \$HOME; echo pwned\\nnext"]
[campaign.first.resources]
memory = "100M"
runtime = "5m"

[campaign.big]
type = "generic"
executable = "python3"
args = ["-c", "import time; b = bytearray(200 * 1024 * 1024); b[::4096] = b'x' * len(b[::4096]); time.sleep(2)"]
depends = ["first"]
[campaign.big.resources]
memory = "1000M"
runtime = "5m"

[campaign.bad]
type = "generic"
executable = "sh"
args = ["-c", "exit 3"]
[campaign.bad.resources]
runtime = "5m"

[campaign.after-bad]
type = "generic"
executable = "true"
depends = ["bad"]
EOF

set +e
timeout 300 "$bin" run c.toml >run.log 2>&1
rc=$?
set -e
cat run.log
[ "$rc" -eq 1 ] || fail "socm run exit $rc, expected 1 (one workflow fails)"

# One Slurm job per workflow that ran, under the campaign's job name.
njobs=$(sacct -n -X -P -o JobID --name="socm-$name" --starttime=now-1hour | wc -l)
[ "$njobs" -eq 3 ] || fail "expected 3 Slurm jobs named socm-$name, sacct shows $njobs"

python3 - "socm-$name" <<'EOF'
import json, subprocess, sys
state_dir = sys.argv[1]
arg = open(state_dir + "/workflows/first/arg.bin", "rb").read()
want = b"a b 'c' \"d\" $HOME; echo pwned\nnext"
assert arg == want, (arg, want)
s = json.loads(subprocess.run([__import__("os").environ["SOCM_BIN"], "status", "--json", state_dir],
                              check=True, capture_output=True).stdout)
w = {x["name"]: x for x in s["workflows"]}
assert w["first"]["state"] == "DONE", w["first"]
assert w["big"]["state"] == "DONE", w["big"]
assert w["big"]["start"] >= w["first"]["end"] - 1, (w["first"], w["big"])  # order kept
assert w["big"]["max_rss_mb"] >= 150, w["big"]
assert w["big"]["elapsed_s"] >= 2, w["big"]
assert w["bad"]["state"] == "FAILED" and w["bad"]["exit_code"] == 3, w["bad"]
assert w["after-bad"]["state"] == "CANCELED", w["after-bad"]
EOF
echo ok
