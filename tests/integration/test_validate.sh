#!/bin/bash
# test_validate.sh — `socm validate`: the original's dag.yml passes and lists its 8
# stages with their dependencies; the example campaigns pass; merged files override
# in order; --json and --commands say what the workflows are; and every malformed
# input in tests/data/invalid/ exits 2 with the position (file:line:col) and message
# its "# expect: LINE:COL text" lines announce.
set -u
. "$(dirname "$0")/lib.sh"
SOCM_SRC=${SOCM_SRC:-.}
DAG="$SOCM_SRC/tests/data/compat/dag.yml"

# --- the original's dag.yml ---
if [ -f "$DAG" ]; then
    "$SOCM_BIN" validate "$DAG" >"$tmp/out" 2>"$tmp/err" || fail "dag.yml: exit $? $(cat "$tmp/err")"
    grep -q '^workflows: 8$' "$tmp/out" || fail "dag.yml: not 8 workflows"
    for s in extract_act get_gaussian_beams get_xtra_mask get_windows get_best_fit_mflike \
             get_mcm_bbl_and_pseudosignal get_pseudo2datavec get_spectra_from_maps; do
        grep -q " $s " "$tmp/out" || fail "dag.yml: stage $s not listed"
    done
    for e in "get_xtra_mask -> get_windows" "get_windows -> get_mcm_bbl_and_pseudosignal" \
             "get_best_fit_mflike -> get_mcm_bbl_and_pseudosignal" \
             "get_mcm_bbl_and_pseudosignal -> get_pseudo2datavec" \
             "get_pseudo2datavec -> get_spectra_from_maps"; do
        grep -qx "  $e" "$tmp/out" || fail "dag.yml: dependency '$e' not listed"
    done
    grep -q '^dependencies: 5$' "$tmp/out" || fail "dag.yml: not 5 dependencies"
    grep -qx '  0: extract_act, get_gaussian_beams, get_xtra_mask, get_best_fit_mflike' "$tmp/out" ||
        fail "dag.yml: generation 0"
    # the original's -y form and the JSON view
    "$SOCM_BIN" validate --json -y "$DAG" >"$tmp/json" || fail "dag.yml --json: exit $?"
    python3 - "$tmp/json" <<'PY' || fail "dag.yml --json content"
import json, sys
d = json.load(open(sys.argv[1]))
w = {x["name"]: x for x in d["workflows"]}
assert [x["id"] for x in d["workflows"]] == list(range(1, 9))
m = w["get_mcm_bbl_and_pseudosignal"]
assert (m["ranks"], m["threads"], m["cores"]) == (14, 8, 112), m
assert m["depends"] == ["get_windows", "get_best_fit_mflike"], m
assert w["get_spectra_from_maps"]["memory_mb"] == 600000 and w["get_pseudo2datavec"]["runtime_s"] == 900
assert isinstance(d["campaign"], str), d["campaign"]
assert d["deadline_s"] == 1440 * 60 and d["resource"] == "tiger3", d
PY
    (cd "$tmp" && "$SOCM_BIN" validate --commands "$DAG") >"$tmp/cmds" || fail "--commands: exit $?"
    [ "$(wc -l <"$tmp/cmds")" -eq 8 ] || fail "--commands: not 8 lines"
    want="get_spectra_from_maps: srun --cpu_bind=cores --export=ALL --ntasks-per-node=17 --cpus-per-task=4 python -u PSpipe/project/SO/pISO/python/get_spectra_from_maps.py $(cd "$tmp" && pwd -P)/PSpipe/project/SO/pISO/paramfiles/dr6xdeep56_20251119.dict --simulate-syst --simulate-lens --start=0 --stop=10"
    grep -qxF "$want" "$tmp/cmds" || fail "--commands: get_spectra_from_maps line differs: $(grep get_spectra_from_maps "$tmp/cmds")"
else
    fail "missing $DAG"
fi

# --- examples and merged files ---
for f in "$SOCM_SRC"/examples/*.toml "$SOCM_SRC"/examples/*.yml; do
    [ -f "$f" ] || continue
    "$SOCM_BIN" validate "$f" >/dev/null 2>"$tmp/err" || fail "example $f: $(cat "$tmp/err")"
done
"$SOCM_BIN" validate --json -t "$SOCM_SRC/tests/data/valid/base.toml" \
    -t "$SOCM_SRC/tests/data/valid/production.toml" >"$tmp/merged" || fail "merged: exit $?"
python3 - "$tmp/merged" <<'PY' || fail "merged content"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["deadline_s"] == 720 * 60, d
r = d["workflows"][0]
assert (r["ranks"], r["threads"], r["memory_mb"]) == (8, 4, 8000), r
assert r["command"] == "reduce --level=3 --mode=fast --verbose", r["command"]
PY

# --- usage ---
"$SOCM_BIN" validate --help | grep -q 'example' || fail "--help has no example"
"$SOCM_BIN" validate >/dev/null 2>&1; [ $? -eq 2 ] || fail "no file: exit not 2"
"$SOCM_BIN" validate "$tmp/does-not-exist.toml" >/dev/null 2>&1; [ $? -eq 2 ] || fail "missing file: exit not 2"

# --- malformed inputs ---
n=0
for f in "$SOCM_SRC"/tests/data/invalid/*; do
    n=$((n + 1))
    "$SOCM_BIN" validate "$f" >"$tmp/out" 2>"$tmp/err"
    rc=$?
    [ $rc -eq 2 ] || { fail "$f: exit $rc, want 2"; continue; }
    grep '^# expect: ' "$f" | while read -r _ _ where text; do
        grep -F "$f:$where: " "$tmp/err" | grep -qF -- "$text" ||
            { echo "FAIL: $f: no '$f:$where: ...$text' in:"; cat "$tmp/err"; exit 1; }
    done || fails=$((fails + 1))
    want=$(grep -c '^# expect: ' "$f")
    got=$(grep -c "^$f:[0-9]*:[0-9]*: " "$tmp/err")
    [ "$got" -eq "$want" ] || fail "$f: $got errors reported, want $want"
done
[ $n -ge 20 ] || fail "only $n malformed inputs"
# every error of a file is reported, not only the first
grep -q '^socm validate: 5 errors$' <("$SOCM_BIN" validate "$SOCM_SRC/tests/data/invalid/multi_error.toml" 2>&1) ||
    fail "multi_error: not 5 errors"

finish "ok: validate ($n malformed inputs)"
