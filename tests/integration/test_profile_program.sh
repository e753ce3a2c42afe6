#!/bin/bash
# test_profile_program.sh — `--profile` on a program: `socm run program.toml
# --profile` and `socm report STATE --profile` give each campaign's wall time with
# its share of the program's, then each campaign's phases (and per site, for a
# campaign over several sites). The profile does not depend on the program file
# still being there at the end of the run.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
for n in pre map; do two_sites $n 1 1 b 0.3 a 0.2; done
cat >prog.toml <<'TOML'
[program]
name = "pp"
[[campaign_set]]
name = "pre"
file = "pre.toml"
[[campaign_set]]
name = "map"
file = "map.toml"
after = ["pre"]
TOML
"$SOCM_BIN" run prog.toml --state-dir st --profile -q 2>run.err
rc=$?
[ $rc -eq 0 ] || { fail "program run exit $rc"; cat run.err; }
check() { # FILE WHAT
    python3 - "$1" <<'PY' || { fail "$2"; cat "$1"; }
import re, sys
t = open(sys.argv[1]).read()
m = {k: (float(s), float(p)) for k, s, p in re.findall(r"^  (pre|map) +([0-9.]+) s +([0-9.]+)%$", t, re.M)}
assert set(m) == {"pre", "map"}, m
# each campaign sleeps >= 0.5 s; the two run one after the other
assert all(s >= 0.5 for s, _ in m.values()), m
assert 50 <= sum(p for _, p in m.values()) <= 100.5, m
assert "profile of campaign pre" in t and "profile of campaign map" in t
assert re.search(r"^  b \(1\) +execution", t, re.M) and re.search(r"^  a \(1\) +execution", t, re.M)
PY
}
check run.err "run --profile of a program"
"$SOCM_BIN" report st --profile >rep.out 2>&1 || fail "report --profile exit $?"
check rep.out "report --profile of a program"

# the profile comes from the program's state directory, found before the run: a
# program file edited or removed while it runs changes neither the exit nor the profile
camp waiter "touch $tmp/waiting; while [ ! -e $tmp/go ]; do sleep 0.05; done"
printf '[[campaign_set]]\nname = "w"\nfile = "waiter.toml"\n' >gone.toml
"$SOCM_BIN" run gone.toml --state-dir gone --profile -q 2>gone.err & gpid=$!
for ((i = 0; i < 200; i++)); do [ -e waiting ] && break; sleep 0.05; done
rm gone.toml && touch go
rc=0; wait "$gpid" || rc=$?
[ $rc = 0 ] || fail "run --profile, program file gone: exit $rc ($(cat gone.err))"
grep -q 'profile of campaign w' gone.err || fail "run --profile, program file gone: $(cat gone.err)"
grep -q 'socm run: profile' gone.err && fail "run --profile, program file gone: $(cat gone.err)"
finish "test_profile_program: all passed"
