#!/usr/bin/env bash
# test_exec_workdir.sh — where a workflow runs (docs/execution.md "Working
# directory and environment"): commands run in the campaign's working directory
# (default: where `socm run` started; `workdir` in [campaign], a site or a workflow),
# recorded in the journal so a resume from elsewhere uses it; the sandbox keeps
# stdout and stderr; every command gets the SOCM_* variables, and OMP_NUM_THREADS
# only when its environment does not set it. A missing working directory is bad input.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp"

# produce writes result.txt, consume reads it: DONE.
{ laptop_head pc
  cat <<'TOML'
[campaign.produce]
type = "generic"
executable = "sh"
args = ["-c", "echo hello > result.txt"]
[campaign.consume]
type = "generic"
executable = "cat"
args = ["result.txt"]
depends = ["produce"]
TOML
} >pc.toml
"$SOCM_BIN" run pc.toml -q --state-dir st >out 2>&1 || fail "produce/consume: exit $? ($(cat out))"
[ "$(cat result.txt 2>/dev/null)" = hello ] || fail "result.txt is not in the directory socm run started in"
[ -e st/workflows/produce/result.txt ] && fail "result.txt landed in the sandbox"
[ "$(cat st/workflows/consume/stdout 2>/dev/null)" = hello ] || fail "consume's stdout is not in its sandbox"
grep -q "\"workdir\":\"$tmp\"" st/journal.jsonl || fail "the working directory is not in the journal"

# The environment: SOCM_* for every command; the user's OMP_NUM_THREADS wins.
mkdir -p work/sub elsewhere
{ laptop_head envs | sed -e '/^name =/a workdir = "work"' -e 's/^requested_resources = 1/requested_resources = 2/'
  cat <<'TOML'
[campaign.e1]
type = "generic"
executable = "sh"
args = ["-c", "env | grep -E '^(SOCM_|OMP_NUM_THREADS=)' | sort > env-$SOCM_WORKFLOW.txt; pwd > pwd-$SOCM_WORKFLOW.txt"]
[campaign.e1.resources]
threads = 2
[campaign.e2]
type = "generic"
executable = "sh"
args = ["-c", "env | grep -E '^(SOCM_|OMP_NUM_THREADS=)' | sort > env-$SOCM_WORKFLOW.txt; pwd > pwd-$SOCM_WORKFLOW.txt"]
workdir = "work/sub"
environment = { OMP_NUM_THREADS = "7" }
[campaign.e2.resources]
threads = 2
TOML
} >envs.toml
"$SOCM_BIN" run envs.toml -q --state-dir st2 >out 2>&1 || fail "envs: exit $? ($(cat out))"
sb=$(realpath st2/workflows/e1)
for want in SOCM_CAMPAIGN=envs SOCM_WORKFLOW=e1 SOCM_ATTEMPT=1 "SOCM_SANDBOX=$sb" \
            "SOCM_WORKDIR=$tmp/work" SOCM_CORES=2 OMP_NUM_THREADS=2; do
    grep -qx "$want" work/env-e1.txt 2>/dev/null || fail "e1 lacks $want: $(cat work/env-e1.txt 2>&1)"
done
[ "$(cat work/pwd-e1.txt 2>/dev/null)" = "$tmp/work" ] || fail "e1 did not run in [campaign] workdir"
[ "$(cat work/sub/pwd-e2.txt 2>/dev/null)" = "$tmp/work/sub" ] || fail "e2 did not run in its own workdir"
grep -qx OMP_NUM_THREADS=7 work/sub/env-e2.txt 2>/dev/null || fail "the user's OMP_NUM_THREADS was overwritten"
grep -qx "SOCM_WORKDIR=$tmp/work/sub" work/sub/env-e2.txt 2>/dev/null || fail "e2's SOCM_WORKDIR"

# A resume from another directory runs in the recorded working directory: the
# manager is killed while produce runs, and resumed from elsewhere.
{ laptop_head rs
  cat <<'TOML'
[campaign.produce]
type = "generic"
executable = "sh"
args = ["-c", "sleep 1; echo again > again.txt"]
[campaign.consume]
type = "generic"
executable = "cat"
args = ["again.txt"]
depends = ["produce"]
TOML
} >rs.toml
"$SOCM_BIN" run rs.toml -q --state-dir "$tmp/st3" >out 2>&1 &
mgr=$!
for _ in $(seq 100); do [ -e st3/workflows/produce/stdout ] && break; sleep 0.05; done
kill -9 "$mgr"; wait "$mgr" 2>/dev/null
(cd elsewhere && "$SOCM_BIN" resume "$tmp/st3" -q >../out 2>&1) || fail "resume from elsewhere: exit $? ($(cat out))"
[ "$(cat st3/workflows/consume/stdout 2>/dev/null)" = again ] || fail "consume after resume from elsewhere did not find again.txt"
[ -e elsewhere/again.txt ] && fail "the resumed run wrote into the directory resume started in"

# A missing working directory is bad input (exit 2), named with its position.
{ laptop_head bad | sed '/^name =/a workdir = "nowhere"'
  printf '[campaign.a]\ntype = "generic"\nexecutable = "true"\n'; } >bad.toml
"$SOCM_BIN" run bad.toml -q --state-dir st4 >out 2>&1; rc=$?
[ "$rc" = 2 ] || fail "missing workdir: exit $rc, want 2"
grep -q "bad.toml:.*working directory $tmp/nowhere" out || fail "missing workdir message: $(cat out)"
[ -e st4/journal.jsonl ] && fail "a refused run left a journal"

# A working directory removed during the run: the system refused (exit 3, naming it),
# nothing failed; once it is back, resume finishes the campaign.
mkdir gone
{ laptop_head gw | sed '/^name =/a workdir = "gone"'
  printf '[campaign.a]\ntype = "generic"\nexecutable = "sh"\nargs = ["-c", "rmdir $SOCM_WORKDIR"]\n'
  printf '[campaign.b]\ntype = "generic"\nexecutable = "true"\ndepends = ["a"]\n'; } >gw.toml
"$SOCM_BIN" run gw.toml -q --state-dir st5 >out 2>&1; rc=$?
[ "$rc" = 3 ] && grep -q "working directory $tmp/gone" out || fail "a removed working directory: exit $rc, $(cat out)"
mkdir gone
"$SOCM_BIN" resume st5 -q >out 2>&1 || fail "resume once the working directory is back: exit $?, $(cat out)"

finish "workdir ok"
