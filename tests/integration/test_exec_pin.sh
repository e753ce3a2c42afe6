#!/usr/bin/env bash
# test_exec_pin.sh — `pin = true`: each launched command runs with its CPU affinity
# (Cpus_allowed_list of /proc/self/status, read inside the command) equal to the cores
# it was placed on (the journal's SUBMITTED event); without pin it keeps the whole
# machine's affinity.
. "$(dirname "$0")/lib_testbox.sh"
# Core numbers are the pool's 0..N-1: this needs a process allowed on CPUs 0 and 1.
mine=$(awk '/^Cpus_allowed_list/ {print $2}' /proc/self/status)
expand() { # "0-2,5" -> "0 1 2 5" (sorted)
  tr ',' '\n' <<<"$1" | awk -F- '{ if (NF == 2) for (i = $1; i <= $2; i++) print i; else print $1 }' | sort -n | tr '\n' ' '
}
case " $(expand "$mine")" in
  " 0 1 "*) ;;
  *) skip "this process may not run on CPUs 0 and 1 ($mine)" ;;
esac
write() { # name pin
testbox "$1" 2 "pin = $2"
for w in a b c; do cat <<TOML
[campaign.$w]
type = "generic"
executable = "sh"
args = ["-c", "grep Cpus_allowed_list /proc/self/status > \$SOCM_SANDBOX/cpus; sleep 0.3"]
TOML
done
cat <<'TOML'
[campaign.d]
type = "generic"
executable = "sh"
args = ["-c", "grep Cpus_allowed_list /proc/self/status > $SOCM_SANDBOX/cpus"]
depends = ["a", "b", "c"]
[campaign.d.resources]
ranks = 2
threads = 1
TOML
}
write pinned true > p.toml
"$SOCM_BIN" run p.toml --cores 2 --quiet || { echo "pinned campaign failed"; exit 1; }
for w in a b c d; do
  got=$(expand "$(awk '{print $2}' socm-pinned/workflows/$w/cpus)")
  want=$(jq -r --arg w "$w" 'select(.ev == "wf" and .name == $w and .state == "SUBMITTED") | .cores | map(tostring) | join("\n")' \
         socm-pinned/journal.jsonl | sort -n | tr '\n' ' ')
  [ -n "$want" ] || { echo "$w: no placement in the journal"; exit 1; }
  [ "$got" = "$want" ] || { echo "$w: affinity '$got', placed on '$want'"; exit 1; }
done
[ "$(expand "$(awk '{print $2}' socm-pinned/workflows/d/cpus)")" = "0 1 " ] || { echo "d (2 cores) not on both cores"; exit 1; }
# without pin the affinity is the machine's, whatever the placement
write free false > f.toml
"$SOCM_BIN" run f.toml --cores 2 --quiet || { echo "unpinned campaign failed"; exit 1; }
for w in a b c; do
  got=$(awk '{print $2}' socm-free/workflows/$w/cpus)
  [ "$got" = "$mine" ] || { echo "$w unpinned: affinity '$got', want the machine's '$mine'"; exit 1; }
done
echo ok
