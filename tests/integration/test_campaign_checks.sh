#!/bin/bash
# test_campaign_checks.sh — what `validate` checks beyond the file's keys, so that a
# campaign that validates also plans and starts: the enactor, policy and planner
# plug-in names; a workflow larger than this machine under the local enactor; a
# workflow without runtime under a Slurm enactor; a missed deadline (at the deadline
# key, bare numbers explained, the smallest deadline that works). And the original's
# forms: execution_schema = "local", [campaign.resources] without memory per node,
# `<type>-<suffix>` sections (the ml-mapmaking-{{ band }} template), slurm-pilot as
# the default enactor on a Slurm cluster with `run` stopping before any state when
# Slurm's commands are missing.
set -u
. "$(dirname "$0")/lib.sh"
SOCM_SRC=${SOCM_SRC:-.}
cd "$tmp" || exit 1

head_() { # [campaign] lines after the deadline
    printf '[campaign]\nname = "c"\ndeadline = "1h"\n%s\n' "$1"
}
wf() { # NAME RANKS [RESOURCE LINES]
    printf '[campaign.%s]\ntype = "generic"\nexecutable = "true"\n[campaign.%s.resources]\nranks = %s\n%s\n' \
        "$1" "$1" "$2" "${3:-runtime = \"1m\"
memory = \"1M\"}"
}
expect_err() { # FILE REGEX WHAT
    "$SOCM_BIN" validate "$1" >out 2>err
    rc=$?
    [ $rc -eq 2 ] || { fail "$3: exit $rc, want 2 ($(cat err))"; return; }
    grep -Eq -- "$2" err || fail "$3: no /$2/ in: $(cat err)"
}

# --- names ---
{ head_ 'enactor = "slurm-pilt"'; wf a 1; } >e1.toml
expect_err e1.toml "^e1.toml:4:11: unknown enactor 'slurm-pilt' \(known: local, dryrun, slurm-pilot, slurm-jobs" "unknown enactor"
{ head_ 'policy = "heft-socmm"'; wf a 1; } >e2.toml
expect_err e2.toml "^e2.toml:4:10: unknown planner policy 'heft-socmm'" "unknown policy"
{ head_ 'planner_plugin = "nowhere/libplan.so"'; wf a 1; } >e3.toml
expect_err e3.toml "^e3.toml:4:18: planner_plugin .*nowhere/libplan.so" "missing planner plug-in"

# --- what the enactor can run ---
cores=$(nproc)
big=$((cores * 4))
{ head_ 'resource = "perlmutter"
enactor = "local"'; wf big "$big"; } >e4.toml
expect_err e4.toml "^e4.toml:6:11: workflow 'big' needs $big cores but this machine has $cores.*--dry-run.*slurm-pilot.*--cores $big" "local: too many cores"
"$SOCM_BIN" run e4.toml --dry-run >/dev/null 2>err || fail "local too big: --dry-run must still plan ($(cat err))"
"$SOCM_BIN" run e4.toml --state-dir st4 >/dev/null 2>err
[ $? -eq 2 ] || fail "local too big: run must refuse with 2"
[ -e st4 ] && fail "local too big: run wrote state"
{ head_ 'resource = "tiger3"'; wf a 1 'memory = "1G"'; } >e5.toml
expect_err e5.toml "^e5.toml:5:11: workflow 'a' has no resources.runtime: the slurm-pilot enactor needs it" "slurm: no runtime"

# --- the deadline ---
{ printf '[campaign]\nname = "c"\ndeadline = 2\nexecution_schema = "remote"\nrequested_resources = 1\nenactor = "local"\n'
  wf a 1 'runtime = "30m"'; wf b 1 'runtime = "20m"
memory = "1M"'; } >e6.toml
expect_err e6.toml "^e6.toml:3:12: cannot meet the 2 s deadline with 1 core \(deadline = 2 is read as 2 seconds: a bare number is seconds; write a unit, e.g. \"2h\"\); the plan needs 55 min on 1 core: the smallest deadline that works is deadline = \"55m\"" "deadline = 2"
"$SOCM_BIN" plan e6.toml >/dev/null 2>err
grep -q 'e6.toml:3:12: cannot meet .*deadline = "55m"' err || fail "plan: deadline not explained: $(cat err)"

# --- execution_schema = "local": this machine, batch, local enactor ---
{ head_ 'resource = "tiger3"
execution_schema = "local"
requested_resources = 3359'; wf a 1; } >l.toml
"$SOCM_BIN" validate --json l.toml >out 2>err || fail "schema local: $(cat err)"
python3 - out <<'PY' || fail "schema local: $(cat out)"
import json, sys
c = json.load(open(sys.argv[1]))  # validate --json: the campaign's keys at the top
assert (c["resource"], c["execution_schema"], c["enactor"]) == ("local", "local", "local"), c
PY

# --- [campaign.resources] without memory per node (the original's README) ---
{ head_ 'enactor = "dryrun"
[campaign.resources]
nodes = 2
cores-per-node = 4'; wf a 1 'runtime = "1m"
memory = "900G"'; } >r.toml
"$SOCM_BIN" validate r.toml >out 2>err || fail "no memory per node: $(cat err)"
grep -q "note: resource campaign gives no memory per node: memory is not checked" err ||
    fail "no memory per node: no note in $(cat err)"

# --- ~/.config/socm/resources.toml is checked like the campaign's own tables ---
mkdir -p xdg/socm
printf '[lab]\nnodes = 1\ncores_per_node = 2\nmemory_per_node = "1G"\nmax_walltme = "1h"\n' >xdg/socm/resources.toml
{ head_ 'resource = "lab"'; wf a 1; } >u.toml
XDG_CONFIG_HOME="$tmp/xdg" "$SOCM_BIN" validate u.toml >out 2>err
grep -q "xdg/socm/resources.toml:5:1: unknown key 'max_walltme' in \[resources.lab\]" err ||
    fail "resources.toml typo: $(cat err)"

# --- default enactor: slurm-pilot on a Slurm cluster; run stops before any state ---
{ head_ 'resource = "tiger3"'; wf a 1; } >s.toml
"$SOCM_BIN" validate s.toml | grep -q 'enactor: slurm-pilot' || fail "tiger3: default enactor not slurm-pilot"
{ head_ ''; wf a 1; } >n.toml
"$SOCM_BIN" validate n.toml | grep -q 'enactor: local' || fail "no resource: default enactor not local"
# no Slurm commands at all, then commands whose controller does not answer
mkdir noslurm badslurm
printf '#!/bin/sh\necho "sinfo: error: Unable to contact slurm controller" >&2\nexit 1\n' >badslurm/sinfo
cp badslurm/sinfo badslurm/sbatch
chmod +x badslurm/*
for d in noslurm badslurm; do
    SOCM_SLURM_BINDIR="$tmp/$d" "$SOCM_BIN" run s.toml --state-dir sst >out 2>err
    [ $? -eq 2 ] || fail "$d: run exit not 2"
    grep -q 'the slurm-pilot enactor (the default for a Slurm cluster), but Slurm cannot be used here.*--dry-run.*enactor = "local".*--enactor local' err ||
        fail "$d: message: $(cat err)"
    [ -e sst ] && fail "$d: state written"
done
grep -q 'Unable to contact slurm controller' err || fail "badslurm: the reason is not shown: $(cat err)"
SOCM_SLURM_BINDIR="$tmp/noslurm" "$SOCM_BIN" run s.toml --dry-run >/dev/null 2>err || fail "no Slurm: --dry-run ($(cat err))"
SOCM_SLURM_BINDIR="$tmp/noslurm" "$SOCM_BIN" run s.toml --enactor local --state-dir sloc -q >/dev/null 2>err ||
    fail "no Slurm: --enactor local ($(cat err))"

# --- <type>-<suffix>: the ml-mapmaking-{{ band }} template, three workflows ---
export SOTODLIB_SITECONFIG="$tmp/site.yaml" SOTODLIB_USERCONFIG="$tmp/user.yaml"
echo "tags: {}" >site.yaml
echo "tags: {}" >user.yaml
printf 'CREATE TABLE obs (obs_id str primary key, timestamp float, n_samples int, wafer_slots_list str, tube_slot str, az_center float, el_center float, pwv float);\nINSERT INTO obs VALUES ("o1", 1709301600, 1000, "ws0", "i1", 180, 50, 1.5);\n' |
    sqlite3 obsdb.sqlite
printf 'obsdb: obsdb.sqlite\n' >ctx.yaml
"$SOCM_BIN" render "$SOCM_SRC/tests/data/templates/ml_mapmaking_bands.toml.j2" \
    -D 'bands=["f090","f150","f220"]' -D deadline=8h -D resource=tiger3 \
    -D "context=$tmp/ctx.yaml" -D output_dir=out -o bands.toml || fail "render"
"$SOCM_BIN" validate --json bands.toml >out 2>err || fail "bands: $(cat err)"
python3 - out <<'PY' || fail "bands: $(cat out)"
import json, sys
w = json.load(open(sys.argv[1]))["workflows"]
assert [(x["name"], x["type"]) for x in w] == [("ml-mapmaking-" + b, "ml-mapmaking") for b in ("f090", "f150", "f220")], w
assert "--bands=f150" in w[1]["argv"], w[1]["argv"]
PY
# socm's own keys never become options of an SO command
printf '[campaign]\ndeadline = "8h"\nresource = "tiger3"\n[campaign.ml-mapmaking]\ncontext = "%s/ctx.yaml"\narea = "a.fits"\npreprocess_config = "p.yaml"\noutput_dir = "out"\nfeatures = { nobs = 3 }\npreferred_resource = "tiger3"\ntiled = 1\nresources = { runtime = "1h", memory = "1G" }\n' "$tmp" >ml.toml
"$SOCM_BIN" validate --commands ml.toml >out 2>err || fail "ml features: $(cat err)"
grep -q -- '--tiled=1' out || fail "ml: an option key is not passed: $(cat out)"
grep -Eq -- '--(features|preferred_resource)' out && fail "ml: socm's keys became options: $(cat out)"
# type = "..." still wins over the prefix
printf '[campaign]\ndeadline = "1h"\n[campaign.ml-mapmaking-x]\ntype = "generic"\nexecutable = "true"\n' >t.toml
"$SOCM_BIN" validate --json t.toml | grep -q '"type": "generic"' || fail "type = wins over the prefix"

finish "ok: campaign checks"
