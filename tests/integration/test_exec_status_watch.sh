#!/usr/bin/env bash
# test_exec_status_watch.sh — `socm status --watch` follows a running campaign: it
# redraws as the journal changes (frames showing the work in progress, then the end),
# returns by itself when the campaign ends (exit 0 for DONE, 1 for FAILED), and ends
# too when the manager is killed before the end (exit 1) instead of watching forever.
. "$(dirname "$0")/lib_testbox.sh"
cleanup() { kill -9 "${mgr:-0}" "${w:-0}" 2>/dev/null; }
wait_journal() { wait_for "$1/journal.jsonl"; }
{ testbox wt 1; for k in 1 2 3; do cat <<TOML
[campaign.s$k]
type = "generic"
executable = "sleep"
args = ["0.7"]
$( [ $k -gt 1 ] && echo "depends = [\"s$((k-1))\"]" )
TOML
done; } > wt.toml
"$SOCM_BIN" run wt.toml --quiet &
mgr=$!
wait_journal socm-wt || { echo "no journal"; exit 1; }
set +e
timeout 30 "$SOCM_BIN" status socm-wt --watch --json > frames.json
wrc=$?
set -e
wait "$mgr" || { echo "the campaign failed"; exit 1; }
[ "$wrc" -eq 0 ] || { echo "--watch exit $wrc for a DONE campaign (124 = it never returned)"; exit 1; }
# JSON Lines: one compact document per line, each line a whole document
[ "$(wc -l < frames.json)" -eq "$(jq -s 'length' frames.json)" ] \
  || { echo "--watch --json is not one document per line"; head -c 300 frames.json; exit 1; }
while IFS= read -r line; do
  printf '%s' "$line" | jq -e 'has("workflows")' >/dev/null \
    || { echo "--watch --json line is not a document: $line"; exit 1; }
done < frames.json
# several frames; one with work running; the last shows the end
nframes=$(jq -s 'length' frames.json)
[ "$nframes" -ge 3 ] || { echo "--watch drew $nframes frames, want several"; exit 1; }
jq -s -e 'map(select(.workflows | any(.state == "RUNNING"))) | length >= 2' frames.json >/dev/null \
  || { echo "--watch never showed the workflows running one after another"; exit 1; }
jq -s -e '.[-1].state == "DONE" and (.[-1].workflows | all(.state == "DONE"))' frames.json >/dev/null \
  || { echo "--watch's last frame is not the finished campaign"; jq -s '.[-1]' frames.json; exit 1; }
# the frames move forward: DONE counts never decrease
jq -s -e '[.[] | [.workflows[] | select(.state == "DONE")] | length] as $d
  | all(range(1; $d|length); $d[.] >= $d[. - 1])' frames.json >/dev/null \
  || { echo "--watch frames went backwards"; exit 1; }

# a failing campaign: --watch returns 1
{ testbox wf 1; cat <<'TOML'
[campaign.bad]
type = "generic"
executable = "sh"
args = ["-c", "sleep 0.5; exit 3"]
TOML
} > wf.toml
"$SOCM_BIN" run wf.toml --quiet &
mgr=$!
wait_journal socm-wf || { echo "no journal"; exit 1; }
set +e
timeout 30 "$SOCM_BIN" status socm-wf --watch > watch.txt
wrc=$?
wait "$mgr"
set -e
[ "$wrc" -eq 1 ] || { echo "--watch exit $wrc for a FAILED campaign"; exit 1; }
tail -n 20 watch.txt | grep -q "FAILED" || { echo "--watch text does not end on FAILED"; exit 1; }

# the manager is killed: --watch does not wait forever
{ testbox wk 1; cat <<'TOML'
[campaign.long]
type = "generic"
executable = "sleep"
args = ["20"]
TOML
} > wk.toml
"$SOCM_BIN" run wk.toml --quiet &
mgr=$!
wait_journal socm-wk || { echo "no journal"; exit 1; }
timeout 30 "$SOCM_BIN" status socm-wk --watch --json > /dev/null &
w=$!
sleep 0.5
kill -9 "$mgr"
set +e
wait "$w"
wrc=$?
set -e
[ "$wrc" -eq 1 ] || { echo "--watch exit $wrc after the manager was killed (124 = it hung)"; exit 1; }
"$SOCM_BIN" cancel socm-wk > /dev/null
echo ok
