#!/bin/bash
# test_report_html.sh — `socm report DIR --html FILE` writes one self-contained page:
# the summary, the run's and the plan's charts as inline SVG, the failures with the
# tail of their stderr (HTML-escaped, only the last 4 KB of a large one, never
# through a symbolic link), the per-workflow table and the profile; nothing in it is
# fetched from elsewhere (no src=, href=, url() or @import). An unwritable FILE is
# refused with a message.
# Rendering it in a browser is test_report_html_chromium.sh.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
{ laptop_head html-page
  cat <<'TOML'
[campaign.good]
type = "generic"
executable = "true"
[campaign.bad]
type = "generic"
executable = "sh"
args = ["-c", "echo 'the <last> words & more' >&2; exit 5"]
[campaign.loud]
type = "generic"
executable = "sh"
args = ["-c", "echo first-line-of-a-loud-one >&2; head -c 1000000 /dev/zero | tr '\\0' x >&2; echo >&2; echo final-line >&2; exit 3"]
[campaign.linked]
type = "generic"
executable = "sh"
args = ["-c", "exit 4"]
TOML
} >c.toml
"$SOCM_BIN" run c.toml --state-dir sd -q
[ $? = 1 ] || fail "run: want exit 1 (failures)"
# Someone who can write in the sandbox points its stderr at a file of theirs.
rm -f sd/workflows/linked/stderr && ln -s /etc/passwd sd/workflows/linked/stderr
"$SOCM_BIN" report sd --html page.html >out 2>err || fail "report --html: exit $? $(cat err)"
grep -q '^wrote page.html$' out || fail "report --html: $(cat out)"
python3 - page.html <<'PY' || fail "page structure"
import re, sys
page = open(sys.argv[1]).read()
assert page.startswith("<!DOCTYPE html>"), page[:40]
for sec in ("summary", "chart", "plan", "failures", "workflows", "profile"):
    assert f'<section id="{sec}">' in page, sec
assert page.count("<svg ") == 2 and page.count("</svg>") == 2, "the run's and the plan's charts"
assert "<h2>Failures (3)</h2>" in page
assert "the &lt;last&gt; words &amp; more" in page and "the <last>" not in page
loud = page[page.index("<h3>loud</h3>"):]
loud = loud[:loud.index("</pre>")]
assert "final-line" in loud and "first-line-of-a-loud-one" not in loud and len(loud) < 6000, len(loud)
assert "root:" not in page, "followed a symbolic link"
rows = re.findall(r'<tr><td class="num" data-v="\d+">\d+</td><td>([^<]*)</td>', page)
assert rows == ["good", "bad", "loud", "linked"], rows
assert '<table id="wf" class="sortable">' in page and "<script>" in page
# Nothing fetched from elsewhere: the one URL is the SVG namespace.
assert not re.search(r'\b(src|href)\s*=|url\(|@import', page, re.I), "external reference"
assert set(re.findall(r'https?://[^"\s<]*', page)) == {"http://www.w3.org/2000/svg"}, re.findall(r'https?://[^"\s<]*', page)
PY
"$SOCM_BIN" report sd --html /nonexistent-dir/page.html >/dev/null 2>err && fail "unwritable --html accepted"
grep -q 'cannot write /nonexistent-dir/page.html' err || fail "unwritable --html: $(cat err)"
finish
