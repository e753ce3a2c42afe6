#!/bin/bash
# test_report_html_chromium.sh — the page of `socm report --html` in headless
# Chromium: it loads without a console error, its script runs (it marks the body
# data-socm-ready="1"), and #sort=-name in the address sorts the workflow table by
# name, descending. Skipped (77) without Chromium, except in CI ($CI set) or under
# SOCM_NO_SKIP=1, where scripts/dev installs it.
set -u
. "$(dirname "$0")/lib.sh"
chromium=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$chromium" ]; then
    [ -n "${CI:-}" ] && { echo "FAIL: chromium is not installed"; exit 1; }
    skip "chromium is not installed"
fi
cd "$tmp" || exit 1
{ laptop_head browser-page
  cat <<'TOML'
[campaign.alpha]
type = "generic"
executable = "true"
[campaign.charlie]
type = "generic"
executable = "sh"
args = ["-c", "echo 'broken </script><script>document.title=1</script>' >&2; exit 2"]
[campaign.bravo]
type = "generic"
executable = "true"
TOML
} >c.toml
"$SOCM_BIN" run c.toml --state-dir sd -q
"$SOCM_BIN" report sd --html page.html >/dev/null || fail "report --html: exit $?"
# browse URL: the DOM after the page's script ran, and Chromium's log.
browse() {
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$(mktemp -d "$tmp/profile.XXXXXX")" --enable-logging=stderr --v=0 \
        --dump-dom "$1" >dom.html 2>chromium.log
}
browse "file://$tmp/page.html#sort=-name" || fail "chromium: exit $? $(tail -5 chromium.log)"
grep -q 'data-socm-ready="1"' dom.html || fail "the page's script did not run: $(grep CONSOLE chromium.log)"
grep -q ':CONSOLE' chromium.log && fail "console messages: $(grep ':CONSOLE' chromium.log)"
python3 - dom.html <<'PY' || fail "sorted table"
import re, sys
dom = open(sys.argv[1]).read()
t = dom[dom.index('id="wf"'):]
rows = re.findall(r'<tr><td class="num" data-v="\d+">\d+</td><td>([^<]*)</td>', t)
assert rows == ["charlie", "bravo", "alpha"], rows
assert 'aria-sort="descending"' in t
assert "<title>socm report: browser-page</title>" in dom, "a stderr tail changed the page"
PY
finish
