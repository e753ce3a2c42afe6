#!/bin/bash
# test_report_profile.sh — `socm report DIR --profile` on a past run: the execution
# phase holds the workflows' run time (a 1 s sleep and a 0.5 s one, the second after
# the first), the phases' percents add up to 100, and the per-type rows count both.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
{ laptop_head prof
  cat <<'TOML'
[campaign.a]
type = "generic"
executable = "sleep"
args = ["1"]
[campaign.b]
type = "generic"
executable = "sleep"
args = ["0.5"]
depends = ["a"]
TOML
} >c.toml
"$SOCM_BIN" run c.toml --state-dir sd -q || fail "run: exit $?"
"$SOCM_BIN" report sd --profile >out 2>err || fail "report --profile: exit $? $(cat err)"
python3 - out <<'PY' || fail "profile figures: $(cat out)"
import re, sys
text = open(sys.argv[1]).read()
ph = dict(re.findall(r"^  (planning|submission|queue wait|execution) +[0-9.]+ s +([0-9.]+)%", text, re.M))
secs = dict(re.findall(r"^  (planning|submission|queue wait|execution) +([0-9.]+) s", text, re.M))
assert set(ph) == {"planning", "submission", "queue wait", "execution"}, ph
assert abs(sum(float(v) for v in ph.values()) - 100) < 0.5, ph
assert 1.4 <= float(secs["execution"]) < 3, secs
assert re.search(r"^  generic \(2\) +execution", text, re.M)
PY
"$SOCM_BIN" report nowhere --profile >/dev/null 2>&1 && fail "missing dir accepted"
finish
