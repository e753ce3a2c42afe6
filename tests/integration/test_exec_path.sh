#!/usr/bin/env bash
# test_exec_path.sh — a command named without a '/' is found in the PATH of the
# workflow's own environment (as execvp in its supervisor would), even though the
# manager looks commands up once and remembers them: two workflows with different
# PATHs run their own `mytool`; one whose PATH has no `mytool` fails to start.
. "$(dirname "$0")/lib_testbox.sh"
mkdir one two
printf '#!/bin/sh\necho one > "$OUT"\n' > one/mytool
printf '#!/bin/sh\necho two > "$OUT"\n' > two/mytool
chmod +x one/mytool two/mytool
testbox pa 1 > p.toml
for w in a b c d; do
  case $w in a|c) dir=one ;; b) dir=two ;; d) dir=nowhere ;; esac
  cat >> p.toml <<TOML
[campaign.$w]
type = "generic"
executable = "mytool"
environment = { PATH = "$T/$dir:/usr/bin:/bin", OUT = "$T/$w.out" }
TOML
done
set +e
"$SOCM_BIN" run p.toml --quiet
rc=$?
set -e
[ "$rc" -eq 1 ] || { echo "exit $rc, want 1 (d cannot start)"; exit 1; }
[ "$(cat a.out)" = one ] && [ "$(cat b.out)" = two ] && [ "$(cat c.out)" = one ] \
  || { echo "wrong mytool: a=$(cat a.out 2>&1) b=$(cat b.out 2>&1) c=$(cat c.out 2>&1)"; exit 1; }
[ ! -e d.out ] || { echo "d ran a mytool outside its PATH"; exit 1; }
"$SOCM_BIN" status socm-pa --json | jq -e '.workflows[] | select(.name == "d") | .state == "FAILED"' >/dev/null \
  || { echo "d not FAILED"; exit 1; }
echo ok
