#!/bin/bash
# test_docs_execution.sh — every `socm` command in the ```sh examples of
# docs/execution.md and docs/events.md runs as written, in order, from a scratch
# directory holding the examples, and exits 0; the example line of docs/events.md
# has every key `socm events` prints.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
ln -s "$SOCM_SRC/examples" examples
export SOCM_HISTORY_DB=$tmp/history.db
for doc in execution events; do
    doc_commands "$SOCM_SRC/docs/$doc.md" >cmds
    [ "$(wc -l <cmds)" -ge 3 ] || fail "docs/$doc.md: too few examples found: $(cat cmds)"
    rm -rf socm-quickstart prepared-*.txt
    while read -r line; do
        read -ra argv <<<"${line#socm }"
        timeout 60 "$SOCM_BIN" "${argv[@]}" >out 2>err </dev/null || fail "docs/$doc.md example \`$line\`: exit $? $(cat err)"
    done <cmds
done
[ "$("$SOCM_BIN" logs socm-quickstart combine)" = "$(printf 'A\nB')" ] || fail "the quickstart's combine did not read its inputs"
want=$("$SOCM_BIN" events socm-quickstart | head -1 | jq -c 'keys')
doc=$(sed -n '/^```json$/,/^```$/p' "$SOCM_SRC/docs/events.md" | sed '1d;$d' | jq -c 'keys')
[ "$want" = "$doc" ] || fail "docs/events.md example keys $doc, socm events prints $want"
finish "docs/execution.md and docs/events.md examples run"
