#!/bin/bash
# test_original_compat.sh — socm does what the original program does on the
# original's files (tests/data/compat, see its README for how the expected
# outputs were made by running the original):
#  - power-spectra commands: the original's, word for word (argument order,
#    file:// arguments made absolute against the start directory as Python's
#    Path.absolute() does, values printed as Python's str()), plus the plain script
#    arguments the original drops;
#  - heft-socm on the memory-bound heft_memory.yml: the original's plan, 390.5 min
#    on 224 cores.
set -u
. "$(dirname "$0")/lib.sh"
SOCM_SRC=$(realpath "${SOCM_SRC:-.}")
D="$SOCM_SRC/tests/data/compat"

# Started in a directory of its own, away from the campaign files: relative file://
# arguments are taken from there, not from the file's directory.
mkdir -p "$tmp/start dir" && cd "$tmp/start dir" || exit 1
cwd=$(pwd -P)

# --- dag_args.yml: exactly the original's commands ---
"$SOCM_BIN" validate --commands -y "$D/dag_args.yml" >"$tmp/args.out" 2>"$tmp/err" ||
    fail "dag_args.yml: exit $? $(cat "$tmp/err")"
python3 - "$D/dag_args.commands" "$tmp/args.out" "$cwd" <<'PY' || fail "dag_args.yml: commands differ from the original's"
import shlex, sys
want = open(sys.argv[1]).read().replace("@CWD@", sys.argv[3]).splitlines()
# socm prints each command shell-quoted; the original joined the words with spaces.
unquote = lambda l: l.split(": ", 1)[0] + ": " + " ".join(shlex.split(l.split(": ", 1)[1]))
got = [unquote(l) for l in open(sys.argv[2]).read().splitlines()]
if want != got:
    for w, g in zip(want, got):
        if w != g:
            print("original:", w, "\nsocm:    ", g, sep="\n")
    sys.exit(1)
PY

# --- dag.yml: the original's commands + the parameter file after the script ---
"$SOCM_BIN" validate --commands -y "$D/dag.yml" >"$tmp/dag.out" 2>"$tmp/err" ||
    fail "dag.yml: exit $? $(cat "$tmp/err")"
python3 - "$D/dag.commands" "$tmp/dag.out" "$cwd" <<'PY' || fail "dag.yml: commands differ from the original's"
import shlex, sys
param = sys.argv[3] + "/PSpipe/project/SO/pISO/paramfiles/dr6xdeep56_20251119.dict"
orig = open(sys.argv[1]).read().splitlines()
want = sorted(l.replace(".py", ".py " + param, 1) for l in orig)
unquote = lambda l: l.split(": ", 1)[0] + ": " + " ".join(shlex.split(l.split(": ", 1)[1]))
got = sorted(unquote(l) for l in open(sys.argv[2]).read().splitlines())
assert len(orig) == 8, orig
if want != got:
    for w, g in zip(want, got):
        if w != g:
            print("expected:", w, "socm:    ", g, sep="\n")
    sys.exit(1)
PY
# the order the original gives: flags before the sorted options
grep -q -- '--simulate-syst --simulate-lens --start=0 --stop=10$' "$tmp/dag.out" ||
    fail "dag.yml: flags not before the sorted options"

# --- heft_memory.yml: the original's plan ---
"$SOCM_BIN" plan --policy heft-socm --json "$D/heft_memory.yml" >"$tmp/plan.json" 2>"$tmp/err" ||
    fail "heft_memory.yml: exit $? $(cat "$tmp/err")"
python3 - "$D/heft_memory.plan" "$tmp/plan.json" <<'PY' || fail "heft_memory.yml: plan differs from the original's"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
head = lines[0].split()
p = json.load(open(sys.argv[2]))
assert p["cores"] == int(head[1]) == 224, (p["cores"], head)
assert p["qos"] == head[3], (p["qos"], head)
# The original plans in minutes; socm's JSON says seconds.
assert abs(p["makespan_s"] - float(head[5]) * 60) < 1e-6 and float(head[5]) == 390.5, (p["makespan_s"], head)
got = {e["name"]: e for e in p["workflows"]}
for l in lines[1:]:
    name, cores, mem, start, end = l.split()
    first, last = map(int, cores.split("-"))
    e = got[name]
    assert e["core_range"] == [first, last], (name, e["core_range"], cores)
    assert e["memory_mb"] == float(mem), (name, e["memory_mb"], mem)
    assert abs(e["start_s"] - float(start) * 60) < 1e-6 and abs(e["end_s"] - float(end) * 60) < 1e-6, (name, e, l)
assert len(got) == len(lines) - 1 == 14
PY
finish "original compat: ok"
