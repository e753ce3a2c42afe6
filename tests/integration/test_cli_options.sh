#!/bin/bash
# test_cli_options.sh — one option parser for every subcommand: options and operands
# in any order, unambiguous abbreviations of long options (--to F --dry), -tF and
# -t F, --opt=value and --opt value, the same rules for run and resume (resume
# --cores=4 accepted, --cores 4x refused), ambiguous or unknown options refused with
# exit 2; the original's `socm lat-mapmaking -t F` and `socm spectra -y F` forms.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1

cat >q.toml <<'TOML'
[campaign]
name = "q"
deadline = "1h"
[campaign.a]
type = "generic"
executable = "true"
TOML
cat >s.yml <<'YAML'
campaign:
  deadline: 1h
  resource: tiger3
stages:
  one:
    executable: python -u
    script: one.py
    resources: {ranks: 1, threads: 1, memory: 1G, runtime: 10m}
YAML
ok() { # WHAT COMMAND...
    local what=$1; shift
    "$@" >out 2>err || fail "$what: exit $? ($(cat err))"
}
refused() { # WHAT REGEX COMMAND...
    local what=$1 re=$2; shift 2
    "$@" >out 2>err
    local rc=$?
    [ $rc -eq 2 ] || fail "$what: exit $rc, want 2"
    grep -Eq -- "$re" err || fail "$what: no /$re/ in: $(cat err)"
}

ok "-tF" "$SOCM_BIN" -tq.toml --dry-run
grep -q '^ *1 ' out || grep -q 'a' out || fail "-tF: no plan"
ok "--to F --dry" "$SOCM_BIN" --to q.toml --dry
ok "--toml=F" "$SOCM_BIN" --toml=q.toml --dry-run
ok "lat-mapmaking -t F --dry-r" "$SOCM_BIN" lat-mapmaking -t q.toml --dry-r
ok "spectra -y F --dry" "$SOCM_BIN" spectra -y s.yml --dry
ok "run --opt=value, abbreviations" "$SOCM_BIN" run q.toml --co=1 --state-d=st -q
[ -f st/journal.jsonl ] || fail "--state-d=st: no journal in st"
ok "run options after operands" "$SOCM_BIN" run --quiet q.toml --cores 1 --state-dir st2
ok "resume --cores=4" "$SOCM_BIN" resume st --cores=4 -q
ok "resume abbreviations" "$SOCM_BIN" resume --co 4 --mem=1G st
refused "resume --cores 4x" "--cores needs a positive integer of at most 16777216, not '4x'" "$SOCM_BIN" resume st --cores 4x
refused "run --cores 4x" "--cores needs a positive integer of at most 16777216, not '4x'" "$SOCM_BIN" run q.toml --cores 4x
refused "ambiguous --s" "unknown or ambiguous option '--s'" "$SOCM_BIN" run q.toml --s x
refused "missing value" "option '--cores' needs a value" "$SOCM_BIN" resume st --cores
refused "value on a flag" "option '--quiet' takes no value" "$SOCM_BIN" run q.toml --quiet=1
refused "unknown short" "unknown option '-Z'" "$SOCM_BIN" status st -Z
ok "status --js" "$SOCM_BIN" status st --js
grep -q '"campaign"' out || fail "status --js: not JSON"
ok "report --gantt=F" "$SOCM_BIN" report --gantt=g.svg st
[ -s g.svg ] || fail "report --gantt=g.svg wrote nothing"
ok "validate --com" "$SOCM_BIN" validate --com q.toml
grep -qx 'a: true' out || fail "validate --com: $(cat out)"
printf '[campaign]\ndeadline = "{{ d }}"\n' >t.j2
ok "render -Dk=v --out=F" "$SOCM_BIN" render t.j2 -Dd=2h --out=r.toml
grep -qx 'deadline = "2h"' r.toml || fail "render: $(cat r.toml)"

ok "config show --js after the file" "$SOCM_BIN" config show q.toml --js
grep -q '"deadline": "1h"' out || fail "config show --js: $(cat out)"
refused "resources unknown option" "unknown or ambiguous option '--nope'" "$SOCM_BIN" resources --nope

finish "ok: cli options"
