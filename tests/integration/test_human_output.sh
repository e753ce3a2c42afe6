#!/bin/bash
# test_human_output.sh — human output is for people: `validate --commands` prints each
# command shell-quoted, so that pasting it into a shell runs the same argv (spaces,
# quotes, $, ;, globs, an empty word, a newline); validate rounds its numbers (0.333,
# not 0.333333333333333; 40 s; 25.3 GB/node) and says 1 node / 2 nodes; plan's and
# report's tables round the same way and keep their columns whatever a name's length.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

{ laptop_head human
  cat <<'TOML'
[campaign.echo]
type = "generic"
executable = "printf"
args = ["[%s]\n", "a b", "it's", "say \"hi\"", "$HOME", "x;y", "", "*", "line1\nline2", "plain"]
resources = { runtime = "20s", memory = "1234.5678M" }
TOML
} | sed -e 's/^deadline = .*/deadline = "40s"/' -e 's/^nodes = 1/nodes = 2/' \
        -e 's/^memory_per_node = .*/memory_per_node = "25.3G"/' >human.toml

# --commands: each line is NAME: COMMAND; the command pasted into sh gives the argv.
"$SOCM_BIN" validate --commands human.toml >cmds.txt 2>err.txt || fail "validate --commands: $(cat err.txt)"
cmd=$(sed -n 's/^echo: //p' cmds.txt)
sed -n '/^echo: /,$p' cmds.txt | tail -n +2 >rest.txt # the quoted newline's second line
[ -n "$cmd" ] || fail "no command for workflow echo: $(cat cmds.txt)"
sh -c "$cmd
$(cat rest.txt)" >got.txt 2>&1 || fail "the printed command does not run in sh: $(cat got.txt)"
# shellcheck disable=SC2016 # $HOME is a literal argument
printf '[%s]\n' "a b" "it's" 'say "hi"' '$HOME' "x;y" "" "*" "line1
line2" plain >want.txt
diff want.txt got.txt >/dev/null || fail "pasted command gives other arguments: $(diff want.txt got.txt)"
grep -q "^echo: printf '\[%s\]" cmds.txt || fail "the format word should be quoted: $(cat cmds.txt)"
grep -q " plain\$" cmds.txt || fail "a plain word should stay bare: $(cat cmds.txt)"

# The summary: rounded numbers, plural nodes.
"$SOCM_BIN" validate human.toml >sum.txt 2>err.txt || fail "validate: $(cat err.txt)"
grep -q 'deadline: 40 s$' sum.txt || fail "deadline not rounded for people: $(grep deadline sum.txt)"
grep -q '(2 nodes x 2 cores, 25.3 GB/node' sum.txt || fail "resource line: $(grep resource: sum.txt)"
grep -Eq '^ +1 +echo .* 1235 +0\.333 ' sum.txt || fail "memory/runtime not rounded: $(grep ' echo ' sum.txt)"
grep -q '33333' sum.txt && fail "long decimals in validate's output: $(cat sum.txt)"
# Columns line up whatever the length of a name.
{ cat human.toml; printf '[campaign.a-workflow-name-longer-than-the-old-32-columns]\ntype = "generic"\n'
  printf 'executable = "true"\nresources = { runtime = "1s" }\n'; } >long.toml
"$SOCM_BIN" validate long.toml >long.txt 2>err.txt || fail "validate long.toml: $(cat err.txt)"
awk '/^ +id +name/ {h = index($0, "type")} /^ +[0-9]+  / {print index($0, "generic") == h}' long.txt |
    grep -q 0 && fail "the type column does not line up with long names: $(cat long.txt)"
sed 's/^nodes = 2/nodes = 1/' human.toml >one.toml
"$SOCM_BIN" validate one.toml | grep -q '(1 node x 2 cores' || fail "1 node, not 1 nodes"

# plan: the same rounding (20 s × 1.1 = 22 s, 1234.5678 MB), columns that hold a long
# name, the summary in readable units.
"$SOCM_BIN" plan long.toml >plan.txt 2>err.txt || fail "plan long.toml: $(cat err.txt)"
grep -Eq '^echo +1 +[0-9]+-[0-9]+ +1\.23 GB +0 s +22 s$' plan.txt || fail "plan row not rounded: $(cat plan.txt)"
grep -Eq '^a-workflow-name-longer-than-the-old-32-columns +1 +[0-9]+-[0-9]+ +0 MB +[0-9.]+ s +[0-9.]+ s$' plan.txt ||
    fail "plan row of a long name: $(cat plan.txt)"
awk '/^workflow / {h = index($0, "on cores") + 7} /^(echo|a-workflow)/ {print substr($0, h, 1) != " " && substr($0, h + 1, 1) == " "}' plan.txt |
    grep -q 0 && fail "plan: the core column does not line up: $(cat plan.txt)"
grep -Eq '^makespan: +[0-9.]+ s$' plan.txt && grep -Eq '^pilot walltime: +[0-9.]+ (s|min)$' plan.txt ||
    fail "plan summary units: $(cat plan.txt)"
grep -Eq '[0-9]\.[0-9]{4,}' plan.txt && fail "long decimals in plan's output: $(cat plan.txt)"
# report: times and memory for people, "-" for what did not happen.
{ laptop_head rep; printf '[campaign.quick]\ntype = "generic"\nexecutable = "true"\n'
  printf '[campaign.a-rather-long-workflow-name-for-the-report-table]\ntype = "generic"\n'
  printf 'executable = "false"\n[campaign.never]\ntype = "generic"\nexecutable = "true"\n'
  printf 'depends = ["a-rather-long-workflow-name-for-the-report-table"]\n'; } >rep.toml
"$SOCM_BIN" run -q rep.toml --state-dir rep 2>/dev/null
"$SOCM_BIN" report rep >rep.txt 2>err.txt || fail "report: $(cat err.txt)"
grep -Eq '^ +3  never +CANCELED +[0-9.]+ (s|min) +[0-9.]+ (s|min) +- +- +-$' rep.txt ||
    fail "report: a workflow that never ran: $(cat rep.txt)"
grep -Eq '^ +1  quick +DONE .* [0-9.<]+ s +[0-9.<]+ s +[0-9.]+ MB$' rep.txt || fail "report: quick's row: $(cat rep.txt)"
awk '/^ +id +workflow/ {h = index($0, "state")} /^ +[0-9]+  / {print index($0, $3) == h}' rep.txt |
    grep -q 0 && fail "report: the state column does not line up: $(cat rep.txt)"
grep -Eq '[0-9]\.[0-9]{4,}' rep.txt && fail "long decimals in report's output: $(cat rep.txt)"

finish "human output rounded, commands pasteable"
