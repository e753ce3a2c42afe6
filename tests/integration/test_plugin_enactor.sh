#!/usr/bin/env bash
# test_plugin_enactor.sh — an enactor provided by a plug-in shared object
# (tests/plugins/test_enactor.c, the `queue` enactor) runs a campaign: chosen with
# `--enactor path/to/lib.so`, and by name once `plugins = [...]` registered it. Each
# workflow reaches it exactly once, after its predecessors, within its slots; its
# job ids and results come back into the journal and `socm status`; a failure it
# reports cancels exactly the dependants.
: "${SOCM_BIN:?}"
. "$(dirname "$0")/lib_testbox.sh"
so=${SOCM_BUILD:?}/plugins/libsocm_test_enactor.so
cp "$so" .
write() { # name extra-campaign-lines fail?
testbox "$1" 2 "$2"
cat <<TOML
[campaign.a]
type = "generic"
executable = "echo"
args = ["a"]

[campaign.b]
type = "generic"
executable = "echo"
args = ["b", "$3"]
depends = ["a"]

[campaign.c]
type = "generic"
executable = "echo"
args = ["c"]
depends = ["b"]

[campaign.d]
type = "generic"
executable = "echo"
args = ["d"]
depends = ["a"]
[campaign.d.resources]
ranks = 2
threads = 1
TOML
}
# 1. --enactor PATH.so: everything DONE
write qa "" ok > qa.toml
"$SOCM_BIN" run qa.toml --enactor "$T/libsocm_test_enactor.so" --quiet || { echo "queue campaign failed"; exit 1; }
log=socm-qa/queue.log
[ "$(wc -l < $log)" -eq 4 ] || { echo "want 4 launches:"; cat $log; exit 1; }
for w in a b c d; do
  [ "$(grep -c "^$w " $log)" -eq 1 ] || { echo "$w launched $(grep -c "^$w " $log) times"; exit 1; }
done
line() { grep -n "^$1 " $log | cut -d: -f1; }
[ "$(line a)" -lt "$(line b)" ] && [ "$(line b)" -lt "$(line c)" ] && [ "$(line a)" -lt "$(line d)" ] \
  || { echo "dependency order broken:"; cat $log; exit 1; }
grep -q "^d 1 0 1 -- echo d$" $log || { echo "d not given both slots:"; cat $log; exit 1; }
grep -q "^b 1 [01] -- echo b ok$" $log || { echo "b's command not handed over:"; cat $log; exit 1; }
"$SOCM_BIN" status socm-qa --json > st.json
jq -e '.state == "DONE" and (.workflows | all(.state == "DONE"))' st.json >/dev/null || { echo "not DONE:"; cat st.json; exit 1; }
jq -s -e '[.[] | select(.ev == "wf" and .state == "RUNNING")] | length == 4 and all(.job == 1000 + .id)' \
  socm-qa/journal.jsonl >/dev/null || { echo "job ids of the plug-in not journaled"; exit 1; }

# 2. registered through plugins = [...], chosen by name; b fails, c (its dependant) is
#    canceled, d still runs
write qb 'plugins = ["libsocm_test_enactor.so"]
enactor = "queue"' fail > qb.toml
set +e
"$SOCM_BIN" run qb.toml --quiet
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "failing campaign exit $rc, want 1"; exit 1; }
"$SOCM_BIN" status socm-qb --json > st.json
jq -e '.state == "FAILED"' st.json >/dev/null || { echo "not FAILED"; exit 1; }
st() { jq -r --arg n "$1" '.workflows[] | select(.name == $n) | "\(.state) \(.exit_code)"' st.json; }
[ "$(st b)" = "FAILED 3" ] || { echo "b: $(st b)"; exit 1; }
[ "$(st c | cut -d' ' -f1)" = "CANCELED" ] || { echo "c: $(st c)"; exit 1; }
[ "$(st d | cut -d' ' -f1)" = "DONE" ] && [ "$(st a | cut -d' ' -f1)" = "DONE" ] || { echo "a/d not DONE"; exit 1; }
! grep -q "^c " socm-qb/queue.log || { echo "c reached the enactor after b failed"; exit 1; }
# an unknown enactor name is a clear error (exit 2), not a crash
set +e
rm -rf socm-qa
"$SOCM_BIN" run qa.toml --enactor nosuch --quiet 2> err.txt
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "unknown enactor 'nosuch'" err.txt || { echo "unknown enactor: exit $rc: $(cat err.txt)"; exit 1; }
# ... and refused before any state is written: no state directory is left behind,
# so the corrected command just works (it used to say "already holds a journal")
[ ! -e socm-qa ] || { echo "a refused enactor left socm-qa behind"; exit 1; }
# a plug-in path that is not a plug-in: the same, exit 2 and nothing written
printf 'not an ELF\n' > bad.so
set +e
"$SOCM_BIN" run qa.toml --enactor "$T/bad.so" --quiet 2> err.txt
rc=$?
set -e
[ "$rc" -eq 2 ] && grep -q "bad.so" err.txt || { echo "bad plug-in: exit $rc: $(cat err.txt)"; exit 1; }
[ ! -e socm-qa ] || { echo "a bad enactor plug-in left socm-qa behind"; exit 1; }
"$SOCM_BIN" run qa.toml --enactor "$T/libsocm_test_enactor.so" --quiet || { echo "the corrected run failed"; exit 1; }
echo ok
