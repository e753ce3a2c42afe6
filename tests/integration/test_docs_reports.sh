#!/bin/bash
# test_docs_reports.sh — every `socm` command in the ```sh examples of
# docs/reports.md runs as written (from a scratch directory holding the examples,
# recording into a scratch history) and exits 0; and the README tour's
# `socm report socm-quickstart --html run.html` writes its page.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
ln -s "$SOCM_SRC/examples" examples
export SOCM_HISTORY_DB=$tmp/history.db
doc_commands "$SOCM_SRC/docs/reports.md" >cmds
[ "$(wc -l <cmds)" -ge 7 ] || fail "docs/reports.md: too few examples found: $(cat cmds)"
while read -r line; do
    read -ra argv <<<"${line#socm }"
    "$SOCM_BIN" "${argv[@]}" >out 2>err </dev/null || fail "docs example \`$line\`: exit $? $(cat err)"
done <cmds
[ -s plan.svg ] && [ -s run.svg ] && [ -s run.html ] || fail "docs examples: files missing: $(ls)"
"$SOCM_BIN" run examples/quickstart.toml -q || fail "README: run the quickstart"
"$SOCM_BIN" report socm-quickstart --html run.html >/dev/null || fail "README: report --html"
grep -q '<title>socm report: quickstart</title>' run.html || fail "README: the page"
finish
