#!/bin/bash
# test_charts_cli.sh — the Gantt charts of `socm plan --gantt` and `socm report
# --gantt` as files: well-formed XML (xmllint, when installed), a title naming the
# campaign, a legend, a <title> tooltip on every bar, ticks at round values, and an
# axis that spans the plan (the quickstart's 2.2 minutes), not its 1 h deadline; a
# campaign over two sites is coloured by site; 10,000 workflows give a chart of at
# most 500 aggregated rows of bounded size.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
qs=$SOCM_SRC/examples/quickstart.toml

# check_svg FILE: well-formed, a title, a legend, every bar with a tooltip, round ticks.
check_svg() {
    if command -v xmllint >/dev/null; then xmllint --noout "$1" || fail "$1: not well-formed XML"; fi
    python3 - "$1" <<'PY' || fail "$1: structure"
import re, sys, xml.etree.ElementTree as ET
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(sys.argv[1]).getroot()
assert root.find("s:title", ns) is not None, "no document title"
assert root.find(".//s:text[@class='title']", ns) is not None, "no title text"
legend = root.find(".//s:g[@class='legend']", ns)
assert legend is not None and len(legend.findall("s:text", ns)) >= 1, "no legend"
bars = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("class") in ("planned", "actual")]
bars += [g.find("s:rect", ns) for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "bar"]
assert bars, "no bars"
for b in bars:
    t = b.find("s:title", ns)
    assert t is not None and t.text.strip(), "a bar without a tooltip"
ticks = [float(t.text) for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "tick"]
assert 4 <= len(ticks) <= 12, ticks
step = ticks[1] - ticks[0]
assert all(abs((b - a) - step) < 1e-9 for a, b in zip(ticks, ticks[1:])), ticks
m = step / 10 ** __import__("math").floor(__import__("math").log10(step) + 1e-9)
assert any(abs(m - k) < 1e-6 for k in (1, 2, 5, 1.5, 3)) or step in (15, 20, 30, 6, 12, 24), ("step", step)
PY
}

# The quickstart's plan: 2.2 min in a 1 h deadline.
"$SOCM_BIN" plan "$qs" --gantt plan.svg >/dev/null || fail "plan --gantt: exit $?"
check_svg plan.svg
grep -q '>quickstart</text>' plan.svg || fail "plan chart: no campaign in the title"
grep -q 'policy time, 2 cores, QoS none, 3 workflows, makespan 2.2 min, deadline 1 h' plan.svg || fail "plan chart: title lacks policy, cores, QoS"
grep -q 'deadline 1 h (beyond)' plan.svg || fail "plan chart: the far deadline is not an arrow at the edge"
last=$(grep -o 'class="tick"[^>]*>[^<]*' plan.svg | tail -1 | sed 's/.*>//')
[ "$last" = 2.5 ] || fail "plan chart: axis ends at $last, want 2.5 (min)"
grep -q 'time since the start (min)' plan.svg || fail "plan chart: axis unit"
for w in prepare-a prepare-b combine; do
    grep -q "<title>$w (generic)" plan.svg || fail "plan chart: no tooltip for $w"
done

# Over several sites the colours are the sites.
"$SOCM_BIN" plan "$SOCM_SRC/examples/two-sites.toml" --gantt two.svg >/dev/null || fail "two sites: exit $?"
check_svg two.svg
grep -q 'colour = site' two.svg && grep -q '>site-a<' two.svg && grep -q '>site-b<' two.svg ||
    fail "two sites: legend by site"

# The quickstart's run: planned vs actual, coloured by state.
"$SOCM_BIN" run "$qs" --state-dir sd -q || fail "run: exit $?"
"$SOCM_BIN" report sd --gantt run.svg >/dev/null || fail "report --gantt: exit $?"
check_svg run.svg
grep -q 'run DONE: 3 workflows' run.svg || fail "run chart: title"
[ "$(grep -c '<rect class="planned"' run.svg)" = 3 ] && [ "$(grep -c '<rect class="actual"' run.svg)" = 3 ] ||
    fail "run chart: want a planned and an actual bar per workflow"

# 10,000 workflows (simulated): aggregated rows, bounded size, still valid.
python3 - >big.toml <<'PY'
print('''[campaign]
name = "big"
deadline = "2d"
resource = "box"
execution_schema = "batch"
requested_resources = 64
[resources.box]
nodes = 1
cores_per_node = 64
memory_per_node = "512G"
qos = [{ name = "normal", max_walltime = "30d", max_jobs = 100000, max_cores = 64 }]''')
for i in range(10000):
    print(f'[campaign.w{i:05d}]\ntype = "generic"\nexecutable = "true"\n'
          f'[campaign.w{i:05d}.resources]\nruntime = "{(1, 2, 5, 10)[i % 4]}m"\nranks = {(1, 2)[i % 2]}')
PY
"$SOCM_BIN" plan big.toml --gantt bigplan.svg >/dev/null || fail "big plan: exit $?"
check_svg bigplan.svg
[ "$(grep -c '<g class="bar">' bigplan.svg)" = 10000 ] || fail "big plan: want 10000 bars"
"$SOCM_BIN" run big.toml --simulate --state-dir bigsd -q || fail "big simulate: exit $?"
"$SOCM_BIN" report bigsd --gantt bigrun.svg >/dev/null || fail "big report: exit $?"
check_svg bigrun.svg
[ "$(grep -c '<g class="row aggregated">' bigrun.svg)" = 500 ] || fail "big run: want 500 aggregated rows"
[ "$(stat -c %s bigrun.svg)" -lt 1000000 ] || fail "big run chart larger than 1 MB"
if command -v rsvg-convert >/dev/null; then
    for f in plan run bigplan bigrun; do rsvg-convert -o "$f.png" "$f.svg" || fail "$f.svg does not render"; done
fi
finish
