#!/usr/bin/env bash
# bench/peers runs end to end at a tiny size and prints its table (a smoke test:
# no figure is checked; tools that are missing print "-").
set -u
. "$(dirname "$0")/lib.sh"
command -v cc >/dev/null || skip "no C compiler for the bench's floor program"
out=$(PEERS_TOOLS="socm floor make xargs" "$SOCM_SRC/bench/peers" "$SOCM_BIN" 1 100 2>&1) || fail "bench/peers failed: $out"
grep -q '^| 20 × `true`, 2 at a time | [0-9.]* s' <<<"$out" || fail "no socm figure in: $out"
grep -q '^| 200-task DAG, manager peak RSS | [0-9]* MB' <<<"$out" || fail "no RSS row in: $out"
finish "bench/peers ran"
