#!/bin/bash
# test_sites.sh — a campaign over two local "sites" (two local enactors with separate
# core budgets): each workflow runs on its site with cores inside that site's budget
# and never more cores busy there than the budget (from the journal); a workflow
# waits for its predecessor on the other site; preferred_resource and site_policy
# choose the sites (socm plan --json); `socm status` shows the sites; bad site input
# is exit 2 with file:line:col.
set -u
. "$(dirname "$0")/lib.sh"
SOCM_SRC=$(realpath "${SOCM_SRC:-.}")
cd "$tmp" || exit 1

# ---- run: two sites, a cross-site chain a → b → a ----
wf() { # NAME PREF RANKS DEPENDS SLEEP
    printf '[campaign.%s]\ntype = "generic"\nexecutable = "sh"\nargs = ["-c", "sleep %s"]\n' "$1" "$5"
    [ -n "$2" ] && printf 'preferred_resource = "%s"\n' "$2"
    [ -n "$4" ] && printf 'depends = [%s]\n' "$4"
    printf '[campaign.%s.resources]\nranks = %s\nruntime = "1m"\nmemory = "10M"\n\n' "$1" "$3"
}
{
    cat <<'TOML'
[campaign]
name = "sites"
deadline = "1h"
resources = ["alpha", "beta"]
execution_schema = "batch"
[campaign.sites.alpha]
enactor = "local"
cores = 2
[campaign.sites.beta]
enactor = "local"
cores = 1

TOML
    wf wide alpha 2 "" 0.5
    wf a1 alpha 1 "" 0.3
    wf a2 alpha 1 "" 0.3
    wf a3 alpha 1 "" 0.3
    wf b1 beta 1 '"wide"' 0.3
    wf b2 beta 1 "" 0.3
    wf last alpha 1 '"b1"' 0.1
} >run.toml
"$SOCM_BIN" run run.toml --state-dir st -q >run.out 2>&1
rc=$?
[ $rc -eq 0 ] || { fail "two-site run exit $rc"; cat run.out; }
python3 - st/journal.jsonl <<'PY' || fail "journal checks (above)"
import json, sys
evs = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
spec = evs[0]["spec"]
sites = spec["sites"]
assert [s["name"] for s in sites] == ["alpha", "beta"], sites
assert [s["cores"] for s in sites] == [2, 1], sites
tasks = {t["name"]: t for t in spec["tasks"]}
want = {"wide": "alpha", "a1": "alpha", "a2": "alpha", "a3": "alpha", "b1": "beta",
        "b2": "beta", "last": "alpha"}
bad = 0
for name, site in want.items():
    got = sites[tasks[name].get("site", 0)]["name"]
    if got != site:
        print(f"{name} planned on {got}, wanted {site}"); bad += 1
run = {}
for e in evs:
    if e.get("ev") != "wf":
        continue
    t = tasks[e["name"]]
    budget = sites[t.get("site", 0)]["cores"]
    if e["state"] == "SUBMITTED":
        if len(e["cores"]) != t["cores"] or any(c < 0 or c >= budget for c in e["cores"]):
            print(f"{e['name']} got cores {e['cores']}, its site has {budget}"); bad += 1
    if e["state"] == "DONE":
        run[e["name"]] = (e["start"], e["end"], t.get("site", 0), t["cores"])
if set(run) != set(want):
    print("not all DONE:", sorted(run)); bad += 1
# never more cores busy on a site than its budget
for k, s in enumerate(sites):
    points = sorted({x for v in run.values() if v[2] == k for x in v[:2]})
    for p in points:
        busy = sum(v[3] for v in run.values() if v[2] == k and v[0] <= p < v[1])
        if busy > s["cores"]:
            print(f"site {s['name']}: {busy} cores busy at {p}, budget {s['cores']}"); bad += 1
# order across sites
for succ, pred in (("b1", "wide"), ("last", "b1")):
    if run[succ][0] < run[pred][1] - 1e-3:
        print(f"{succ} started {run[pred][1] - run[succ][0]:.3f} s before {pred} ended"); bad += 1
sys.exit(1 if bad else 0)
PY
"$SOCM_BIN" status st >status.out 2>&1
grep -q "site alpha (local, 2 cores): 5 workflows: 5 DONE" status.out &&
    grep -q "site beta (local, 1 cores): 2 workflows: 2 DONE" status.out ||
    { fail "status does not show the sites"; cat status.out; }
"$SOCM_BIN" status st --json | grep -q '"site": "beta"' || fail "status --json has no site"

# --profile: planning per site; the journal's phases per site.
"$SOCM_BIN" report st --profile >prof.out 2>&1 || fail "report --profile exit $?"
{ grep -q "^by site" prof.out && grep -Eq "^  alpha \(5\) +execution" prof.out &&
    grep -Eq "^  beta \(2\) +execution" prof.out; } || { fail "report --profile by site"; cat prof.out; }
"$SOCM_BIN" run run.toml --dry-run --profile >/dev/null 2>dry.err || fail "dry-run --profile exit $?"
{ grep -q "plan alpha" dry.err && grep -q "plan beta" dry.err; } || { fail "run --profile per site"; cat dry.err; }
"$SOCM_BIN" plan run.toml --profile >/dev/null 2>plan.err || fail "plan --profile exit $?"
grep -q "plan beta" plan.err || { fail "plan --profile per site"; cat plan.err; }

# The plan puts a cross-site successor after its predecessor.
"$SOCM_BIN" plan --json run.toml >plan.json || fail "plan exit $?"
python3 - plan.json <<'PY' || fail "plan checks (above)"
import json, sys
p = json.load(open(sys.argv[1]))
e = {x["name"]: x for x in p["workflows"]}
assert e["b1"]["site"] == "beta" and e["b1"]["start_s"] >= e["wide"]["end_s"] - 1e-9, e["b1"]
assert e["last"]["start_s"] >= e["b1"]["end_s"] - 1e-9, e["last"]
s = {x["name"]: x for x in p["sites"]}
assert s["alpha"]["n_workflows"] == 5 and s["beta"]["n_workflows"] == 2, s
assert s["alpha"]["cores"] <= 2 and s["beta"]["cores"] <= 1, s
for x in p["workflows"]:
    lo, hi = x["site_core_range"]
    assert 0 <= lo <= hi < s[x["site"]]["cores"], x
PY

# ---- a killed multi-site run resumes: the running workflow is re-attached on its
# site, not restarted, and the cross-site successor runs after it ----
two_sites rs 1 2 a 2 b 0.2 'execution_schema = "batch"'
"$SOCM_BIN" run rs.toml --state-dir rs -q &
mpid=$!
for _ in $(seq 50); do grep -q '"s1","state":"RUNNING"' rs/journal.jsonl 2>/dev/null && break; sleep 0.1; done
kill -9 $mpid
wait $mpid 2>/dev/null
"$SOCM_BIN" resume rs -q || fail "resume of a multi-site run exit $?"
"$SOCM_BIN" status rs | grep -q "site b (local, 2 cores): 1 workflows: 1 DONE" || fail "resume: s2 not DONE on b"
n=$(grep -c '"name":"s1","state":"RUNNING"' rs/journal.jsonl)
[ "$n" -eq 1 ] || fail "resume restarted s1 ($n RUNNING events)"

# ---- site_policy and preferred_resource ----
policy() { # POLICY CHARGE_B
    cat <<TOML
[campaign]
name = "pol"
deadline = "10h"
resources = ["alpha", "beta"]
site_policy = "$1"
execution_schema = "batch"
[campaign.sites.alpha]
cores = 4
[campaign.sites.beta]
cores = 1
charge_factor = $2
TOML
    for i in 1 2 3 4 5; do
        printf '[campaign.w%s]\ntype = "generic"\nexecutable = "true"\n[campaign.w%s.resources]\nruntime = "10m"\n' $i $i
    done
    printf '[campaign.pinned]\ntype = "generic"\nexecutable = "true"\npreferred_resource = "alpha"\n'
    printf '[campaign.pinned.resources]\nruntime = "10m"\n'
}
sites_of() { python3 -c 'import json,sys; print(" ".join(e["name"]+"="+e["site"] for e in json.load(open(sys.argv[1]))["workflows"]))' "$1"; }
policy cheapest 0.5 >cheap.toml
"$SOCM_BIN" plan --json cheap.toml >cheap.json || fail "plan cheapest exit $?"
got=$(sites_of cheap.json)
[ "$got" = "w1=beta w2=beta w3=beta w4=beta w5=beta pinned=alpha" ] ||
    fail "cheapest: every unpinned workflow on the cheaper beta, pinned on alpha; got $got"
policy soonest 0.5 >soon.toml
"$SOCM_BIN" plan --json soon.toml >soon.json || fail "plan soonest exit $?"
got=$(sites_of soon.json)
# soonest: the 4-core alpha takes most, beta (1 core) one of the first; pinned stays.
na=$(echo "$got" | tr ' ' '\n' | grep -c '=alpha$')
nb=$(echo "$got" | tr ' ' '\n' | grep -c '=beta$')
{ [ "$nb" -ge 1 ] && [ "$na" -ge 4 ] && echo "$got" | grep -q "pinned=alpha"; } ||
    fail "soonest: both sites used, most on alpha; got $got"
python3 - soon.json cheap.json <<'PY' || fail "soonest does not finish sooner than cheapest"
import json, sys
s, c = (json.load(open(f)) for f in sys.argv[1:])
assert s["makespan_s"] < c["makespan_s"], (s["makespan_s"], c["makespan_s"])
PY
"$SOCM_BIN" plan soon.toml >soon.txt
grep -Eq "^beta +[0-9]+ +1 " soon.txt && grep -q "^w1 *alpha\|^w1 *beta" soon.txt ||
    { fail "plan table lacks the site column or summary"; cat soon.txt; }

# ---- errors: exit 2 with file:line:col ----
expect_err() { # FILE PATTERN WHAT
    "$SOCM_BIN" plan "$1" >err.out 2>&1
    local r=$?
    [ $r -eq 2 ] || fail "$3: exit $r, want 2"
    grep -Eq "$2" err.out || { fail "$3: message"; cat err.out; }
}
sed 's/^\[campaign.sites.beta\]/[campaign.sites.gamma]/' run.toml >e1.toml
expect_err e1.toml "^e1.toml:[0-9]+:[0-9]+: unknown site 'gamma'" "unknown site"
sed 's/^preferred_resource = "beta"/preferred_resource = "perlmutter"/' run.toml >e2.toml
expect_err e2.toml "^e2.toml:[0-9]+:[0-9]+: workflow 'b1': preferred_resource 'perlmutter' is not among" \
    "preferred_resource not among resources"
sed 's/^resources = .*/resources = ["alpha", "nowhere"]/' run.toml >e3.toml
expect_err e3.toml "^e3.toml:[0-9]+:[0-9]+: unknown resource 'nowhere'" "unknown resource"
sed 's/^name = "sites"/name = "sites"\nsite_policy = "fastest"/' run.toml >e4.toml
expect_err e4.toml "^e4.toml:[0-9]+:[0-9]+: 'site_policy' must be" "bad site_policy"
sed 's/^name = "sites"/name = "sites"\nresource = "alpha"/' run.toml >e5.toml
expect_err e5.toml "^e5.toml:[0-9]+:[0-9]+: give either 'resource'" "resource and resources"
sed 's/^cores = 1$/cores = 1\nqueue = "x"/' run.toml >e6.toml
expect_err e6.toml "^e6.toml:[0-9]+:[0-9]+: unknown key 'queue' in \[campaign.sites.beta\]" "unknown site key"
sed 's/^ranks = 2/ranks = 3/' run.toml >e7.toml
expect_err e7.toml "^e7.toml:[0-9]+:[0-9]+: workflow 'wide' .* does not fit on its preferred resource 'alpha'" \
    "too big for its site"

# ---- the example ----
"$SOCM_BIN" validate "$SOCM_SRC/examples/two-sites.toml" >/dev/null || fail "validate example"
"$SOCM_BIN" plan "$SOCM_SRC/examples/two-sites.toml" >ex.txt || fail "plan example"
grep -Eq "^analyse +site-b " ex.txt || { fail "example: analyse not on site-b"; cat ex.txt; }

finish "test_sites: all passed"
