#!/bin/bash
# test_help.sh — every subcommand (those `socm --help` lists, and the internal agent
# and supervise) answers --help and -h on stdout with exit 0, and its help holds an
# example that runs that subcommand; `socm --help` itself has one; an unknown
# command is exit 2 with the command list on stderr.
set -u
. "$(dirname "$0")/lib.sh"

"$SOCM_BIN" --help >"$tmp/main" 2>"$tmp/err" || fail "socm --help: exit $?"
[ -s "$tmp/err" ] && fail "socm --help wrote to stderr: $(cat "$tmp/err")"
# the commands are the indented words between "commands:" and the next blank line
cmds=$(sed -n '/^commands:/,/^$/p' "$tmp/main" | awk 'NF && $1 != "commands:" {print $1}')
[ "$(wc -w <<<"$cmds")" -ge 10 ] || fail "socm --help lists too few commands: $cmds"
sed -n '/^example:/,$p' "$tmp/main" | grep -q '^  socm ' || fail "socm --help has no example"

for c in $cmds agent supervise; do
    for h in --help -h; do
        "$SOCM_BIN" "$c" "$h" >"$tmp/out" 2>"$tmp/err"
        rc=$?
        [ "$rc" -eq 0 ] || fail "socm $c $h: exit $rc"
        [ -s "$tmp/err" ] && fail "socm $c $h wrote to stderr: $(head -3 "$tmp/err")"
        grep -q "^usage: socm $c" "$tmp/out" || fail "socm $c $h: no usage line"
        # an example section, and in it a command line of this subcommand
        sed -n '/^[A-Za-z ]*[Ee]xamples\{0,1\}\( ([^)]*)\)\{0,1\}:/,$p' "$tmp/out" |
            grep -q "^ *socm $c\b" || fail "socm $c $h: no example running 'socm $c'"
    done
done

"$SOCM_BIN" no-such-command >"$tmp/out" 2>"$tmp/err"
rc=$?
[ "$rc" -eq 2 ] || fail "unknown command: exit $rc, not 2"
grep -q "unknown command 'no-such-command'" "$tmp/err" || fail "unknown command: no clear message"

finish "every subcommand has --help with an example"
