#!/bin/bash
# test_run_template.sh — `socm run FILE.j2 -D ... --values F`: the template is rendered
# with the values (a -D replaces a --values entry), one workflow per band runs, and an
# undefined variable is exit 2 with the template's line:col.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

cat >c.toml.j2 <<'TPL'
[campaign]
name = "{{ name | default("tpl") }}"
deadline = "{{ deadline }}"
resource = "laptop"
requested_resources = 1
[resources.laptop]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 100, max_cores = 2 }]
{% for b in bands %}
[campaign.map-{{ b }}]
type = "generic"
executable = "sh"
args = ["-c", "echo {{ b }}-{{ loop.index }} > $SOCM_SANDBOX/out.txt"]
{% endfor %}
TPL
printf 'name = "fromvals"\ndeadline = "2h"\nbands = ["x"]\n' >v.toml
"$SOCM_BIN" run c.toml.j2 --values v.toml -D 'bands=["f090","f150"]' -Ddeadline=1h \
    --state-dir sd -q >out 2>err || fail "run: exit $? $(cat err)"
[ "$(cat sd/workflows/map-f150/out.txt 2>/dev/null)" = "f150-2" ] || fail "map-f150 output"
[ "$(cat sd/workflows/map-f090/out.txt 2>/dev/null)" = "f090-1" ] || fail "map-f090 output"
[ -e sd/workflows/map-x ] && fail "-D did not replace the --values bands"
grep -q '"campaign":"fromvals"' sd/journal.jsonl || fail "name from --values not used"
grep -q '"deadline_min":60.0' sd/journal.jsonl || fail "-D deadline not used"

"$SOCM_BIN" run c.toml.j2 -D 'bands=["a"]' --state-dir sd2 -q >out 2>err
rc=$?
[ $rc = 2 ] || fail "undefined variable: exit $rc"
grep -q 'c.toml.j2:3:16: undefined variable .deadline.' err || fail "message: $(cat err)"
[ -e sd2 ] && fail "a state dir was made for a bad template"

finish
