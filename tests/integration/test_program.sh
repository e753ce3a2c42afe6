#!/bin/bash
# test_program.sh — programs of campaigns: preprocess → mapmaking → analysis where
# mapmaking fails: with on_failure = "stop" analysis is not started and the exit is 1;
# with "continue" it runs. Each campaign has its own state directory under the
# program's, `socm status` shows them, `socm resume` re-runs only what did not finish.
# A campaign or program name with "..", "/" or a newline is refused; status ignores
# journal lines that name no campaign a program can have, and does not wait on a
# program file that is a FIFO; run --json of a program whose file is gone by the end
# of the run prints the program's document.
# A resume whose STATE/campaigns is a symbolic link renames nothing where it points.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

camp preprocess "echo pre >> $tmp/ran.txt"
camp mapmaking "echo map >> $tmp/ran.txt; test -e $tmp/fixed"
camp analysis "echo ana >> $tmp/ran.txt"

cat >prog.toml <<'TOML'
[program]
name = "season"
[[campaign_set]]
name = "preprocess"
file = "preprocess.toml"
[[campaign_set]]
name = "mapmaking"
file = "mapmaking.toml"
after = ["preprocess"]
on_failure = "stop"
[[campaign_set]]
name = "analysis"
file = ["analysis.toml"]
after = ["mapmaking"]
TOML
"$SOCM_BIN" run prog.toml --state-dir st -q >out 2>err
rc=$?
[ $rc = 1 ] || fail "stop: exit $rc, want 1 ($(cat err))"
[ "$(tr '\n' ' ' <ran.txt)" = "pre map " ] || fail "stop: ran $(cat ran.txt)"
[ -f st/campaigns/preprocess/journal.jsonl ] || fail "no per-campaign state dir"
[ -e st/campaigns/analysis ] && fail "analysis was started"
grep -q '"name":"analysis","state":"canceled"' st/program.jsonl || fail "analysis not recorded canceled"
"$SOCM_BIN" status st >status || fail "status: exit $?"
grep -q '^program season: failed' status || fail "status program line: $(cat status)"
grep -Eq 'campaign preprocess +done +1/1 workflows done' status || fail "status preprocess: $(cat status)"
grep -Eq 'campaign mapmaking +failed' status || fail "status mapmaking"
grep -Eq 'campaign analysis +not started' status || fail "status analysis"

# resume after the fix: preprocess is not run again, mapmaking and analysis are
touch fixed
"$SOCM_BIN" resume st -q >out 2>err || fail "resume: exit $? $(cat err)"
[ "$(tr '\n' ' ' <ran.txt)" = "pre map map ana " ] || fail "resume: ran $(cat ran.txt)"
"$SOCM_BIN" status st | grep -q '^program season: done' || fail "status after resume"

# on_failure = "continue": analysis runs although mapmaking failed; still exit 1
rm -f fixed ran.txt
sed -i 's/on_failure = "stop"/on_failure = "continue"/' prog.toml
"$SOCM_BIN" run prog.toml --state-dir st2 -q >out 2>err
rc=$?
[ $rc = 1 ] || fail "continue: exit $rc, want 1"
[ "$(tr '\n' ' ' <ran.txt)" = "pre map ana " ] || fail "continue: ran $(cat ran.txt)"

# all good: exit 0; the [program.campaigns.NAME] form
rm -f ran.txt
touch fixed
cat >prog2.toml <<'TOML'
[program.campaigns.a]
file = "preprocess.toml"
[program.campaigns.b]
file = "analysis.toml"
after = "a"
TOML
"$SOCM_BIN" run prog2.toml -q >out 2>err || fail "ok program: exit $? $(cat err)"
[ -f socm-prog2/campaigns/b/journal.jsonl ] || fail "default state dir socm-prog2"
[ "$(tr '\n' ' ' <ran.txt)" = "pre ana " ] || fail "ok program: ran $(cat ran.txt)"

# bad input: unknown predecessor, cycle
printf '[[campaign_set]]\nname = "a"\nfile = "x.toml"\nafter = ["zz"]\n' >bad.toml
"$SOCM_BIN" run bad.toml -q >out 2>err
[ $? = 2 ] || fail "unknown after: not exit 2"
grep -q "unknown campaign 'zz'" err || fail "unknown after message: $(cat err)"
printf '[[campaign_set]]\nname = "a"\nfile = "x.toml"\nafter = ["a"]\n' >cyc.toml
"$SOCM_BIN" run cyc.toml -q >out 2>err
[ $? = 2 ] || fail "cycle: not exit 2"
grep -q "cycle" err || fail "cycle message: $(cat err)"

# a misspelt key of a program file: exit 2 with the nearest key, nothing started
printf '[[campaign_set]]\nname = "a"\nfile = "preprocess.toml"\nafetr = []\n[program]\nmax_paralel = 2\n' >typo.toml
"$SOCM_BIN" run typo.toml -q >out 2>err
[ $? = 2 ] || fail "program typo: not exit 2"
grep -q "typo.toml:4:1: unknown key 'afetr' in \[campaign_set\]; did you mean 'after'?" err ||
    fail "program typo message: $(cat err)"
grep -q "typo.toml:6:1: unknown key 'max_paralel' in \[program\]; did you mean 'max_parallel'?" err ||
    fail "program typo message: $(cat err)"
[ -e socm-typo ] && fail "program typo: something ran"

# a campaign name is a directory under STATE/campaigns/: '..' or '/' in it is refused
# (exit 2, at the name) before anything runs; nothing is made outside the program's
# state directory
rm -f ran.txt
printf '[[campaign_set]]\nname = "../esc"\nfile = "preprocess.toml"\n' >dots.toml
"$SOCM_BIN" run dots.toml --state-dir dots/st -q >out 2>err
[ $? = 2 ] || fail "campaign name '../esc': not exit 2 ($(cat err))"
grep -q "dots.toml:2:8: program campaign name '../esc' starts with '.'" err ||
    fail "campaign name '../esc' message: $(cat err)"
printf '[program.campaigns."a/b"]\nfile = "preprocess.toml"\n' >slash.toml
"$SOCM_BIN" run slash.toml --state-dir slash/st -q >out 2>err
[ $? = 2 ] || fail "campaign name 'a/b': not exit 2 ($(cat err))"
grep -q "slash.toml:1:20: program campaign name 'a/b' contains '/'" err ||
    fail "campaign name 'a/b' message: $(cat err)"
[ -e dots/esc ] || [ -e slash/st/campaigns/a ] || [ -e ran.txt ] && fail "a bad campaign name ran"
# so is the program's own name (its default state directory is ./socm-NAME)
printf '[program]\nname = "a\\nb\\u001b[31m"\n[[campaign_set]]\nname = "a"\nfile = "preprocess.toml"\n' >pname.toml
"$SOCM_BIN" run pname.toml -q >out 2>err
[ $? = 2 ] || fail "program name with a newline: not exit 2 ($(cat err))"
grep -qF "pname.toml:2:8: program name 'a\\nb\\x1b[31m' contains the byte 0x0a" err ||
    fail "program name with a newline: $(cat err)"
ls | grep -q '^socm-a' && fail "program name with a newline: ran in $(ls -b | grep '^socm-a')"
# a program journal line naming no campaign a program can have ('..', '', ' end') is
# not socm's: status neither shows it nor looks in the directory its name leads to
mkdir -p forged/campaigns
cp -r st/campaigns/preprocess forged/outside
printf '%s\n' '{"ev":"begin","program":"forged","file":"/nonexistent/p.toml"}' \
    '{"ev":"campaign","name":"../outside","state":"done"}' \
    '{"ev":"campaign","name":"","state":"done"}' '{"ev":"campaign","name":" end","state":"done"}' \
    '{"ev":"campaign","name":"ok","state":"running"}' >forged/program.jsonl
"$SOCM_BIN" status forged >out 2>err || fail "forged journal: status exit $? ($(cat err))"
grep -q '^program forged: running' out || fail "forged journal: $(cat out)"
grep -q 'outside' out && fail "forged journal: status shows '../outside': $(cat out)"
grep -Eq 'campaign ok +running' out || fail "forged journal: no campaign ok: $(cat out)"
"$SOCM_BIN" status forged --json >out 2>err || fail "forged journal: status --json exit $? ($(cat err))"
jq -e '.program == "forged" and .state == "EXECUTING" and [.campaigns[].campaign] == ["ok"]' out >/dev/null ||
    fail "forged journal --json: $(cat out)"
# a journal's program name and end state reach the text status escaped, never raw
printf '%s\n' '{"ev":"begin","program":"x\u001b[2J\ny","file":"/nonexistent/p.toml"}' \
    '{"ev":"end","state":"done\u001b]0;t\u0007"}' >forged/program.jsonl
"$SOCM_BIN" status forged >out 2>err || fail "escaped journal: status exit $? ($(cat err))"
grep -q $'\033' out && fail "status printed a journal's escape sequence raw: $(od -c out | head -3)"
grep -qF 'program x\x1b[2J\ny: done\x1b]0;t\x07' out || fail "escaped journal: $(cat -A out)"
# a journal whose program file is a FIFO: status does not wait for a writer
mkfifo fifo.toml
printf '{"ev":"begin","program":"fifo","file":"%s"}\n' "$tmp/fifo.toml" >forged/program.jsonl
timeout 20 "$SOCM_BIN" status forged >out 2>err || fail "program file a FIFO: status exit $? (124: it hung)"
timeout 20 "$SOCM_BIN" status forged --json >out 2>err || fail "program file a FIFO: status --json exit $? (124: it hung)"

# run --json of a program whose file is gone by the end of the run (edited, moved):
# the run's exit code and its document all the same, not an error about the file
camp waiter "touch $tmp/waiting; while [ ! -e $tmp/go ]; do sleep 0.05; done"
printf '[[campaign_set]]\nname = "w"\nfile = "waiter.toml"\n' >gone.toml
"$SOCM_BIN" run gone.toml --state-dir gone -q --json >gone.json 2>gone.err & gpid=$!
for ((i = 0; i < 200; i++)); do [ -e waiting ] && break; sleep 0.05; done
rm gone.toml && touch go
rc=0; wait "$gpid" || rc=$?
[ $rc = 0 ] || fail "run --json, program file gone: exit $rc ($(cat gone.err))"
jq -e '.program == "gone" and .state == "DONE" and .campaigns[0].campaign == "w"' gone.json >/dev/null ||
    fail "run --json, program file gone: $(cat gone.json)"

# a symbolic link at STATE/campaigns/NAME (or at STATE/campaigns) is refused with exit 3,
# not followed: the campaign's state never lands outside the program's directory
rm -f ran.txt
for at in campaigns/preprocess campaigns; do
    rm -rf lnk elsewhere && mkdir -p lnk/campaigns elsewhere && chmod 700 lnk elsewhere
    [ "$at" = campaigns ] && rmdir lnk/campaigns
    ln -s "$tmp/elsewhere" "lnk/$at"
    "$SOCM_BIN" run prog.toml --state-dir lnk -q >out 2>err
    rc=$?
    [ $rc = 3 ] || fail "link at $at: exit $rc, want 3 ($(cat err))"
    grep -q 'symbolic link' err || fail "link at $at: message $(cat err)"
    [ -z "$(ls -A elsewhere)" ] || fail "link at $at: state written through it: $(ls -A elsewhere)"
    [ -e ran.txt ] && fail "link at $at: a workflow ran"
done

# resume of a program whose STATE/campaigns became a symbolic link: refused with exit 3
# before anything is renamed where it points (the failed campaign's old run is moved
# aside only inside the program's own directory)
rm -rf rl rlout fixed ran.txt && mkdir rlout && chmod 700 rlout
"$SOCM_BIN" run prog.toml --state-dir rl -q >out 2>err
[ $? = 1 ] || fail "resume through a link: the first run did not fail ($(cat err))"
mv rl/campaigns/* rlout/ && rmdir rl/campaigns && ln -s "$tmp/rlout" rl/campaigns
before=$(ls -A rlout | tr '\n' ' ')
touch fixed
"$SOCM_BIN" resume rl -q >out 2>err
rc=$?
rm -f fixed
[ $rc = 3 ] || fail "resume, STATE/campaigns a link: exit $rc, want 3 ($(cat err))"
[ "$(ls -A rlout | tr '\n' ' ')" = "$before" ] ||
    fail "resume, STATE/campaigns a link: renamed where it points: $before -> $(ls -A rlout | tr '\n' ' ')"

# a failed campaign's old run is moved aside on resume, never over an earlier one:
# where NAME.failed-TIME is taken (two resumes in one second), NAME.failed-TIME.1
rm -rf fa fixed ran.txt
"$SOCM_BIN" run prog.toml --state-dir fa -q >out 2>err
[ $? = 1 ] || fail "set aside: the first run did not fail ($(cat err))"
now=$(date +%s)
for d in 0 1 2 3 4 5; do mkdir -p "fa/campaigns/mapmaking.failed-$((now + d))/earlier"; done
"$SOCM_BIN" resume fa -q >out 2>err
[ $? = 1 ] || fail "set aside: resume exit, want 1 (mapmaking fails again) ($(cat err))"
kept=$(ls -d fa/campaigns/mapmaking.failed-*.1 2>/dev/null | head -1)
[ -n "$kept" ] && [ -f "$kept/journal.jsonl" ] ||
    fail "set aside: the old run was not kept beside the earlier ones: $(ls fa/campaigns)"
for d in fa/campaigns/mapmaking.failed-[0-9]*; do
    case $d in *.1) ;; *) [ -d "$d/earlier" ] || fail "set aside: $d was overwritten" ;; esac
done

printf "[[campaign_set]]\nname = \"a\"\nfile = \"preprocess.toml\"\n" >dry.toml
"$SOCM_BIN" run dry.toml --dry-run >out 2>&1
[ $? = 2 ] || fail "program --dry-run: not exit 2"
[ -e socm-dry ] && fail "program --dry-run ran something"


finish
