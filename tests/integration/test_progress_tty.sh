#!/bin/bash
# test_progress_tty.sh — the live progress line of `socm run`: in a 60-column
# terminal (a pty from script(1)) every redraw fits in 59 columns, so it never wraps
# and stacks; with stderr not a terminal there is no live line at all (no carriage
# returns or escape sequences), only timestamped log lines.
set -u
. "$(dirname "$0")/lib.sh"
command -v script >/dev/null || skip "script(1) (util-linux) is not installed"
cd "$tmp" || exit 1
{ laptop_head progress-line-in-a-rather-narrow-terminal-pane
  cat <<'TOML'
[campaign.first]
type = "generic"
executable = "sleep"
args = ["1"]
[campaign.second]
type = "generic"
executable = "sleep"
args = ["1"]
depends = ["first"]
TOML
} >c.toml
SOCM_BIN="$SOCM_BIN" script -qec 'stty cols 60 rows 20; exec "$SOCM_BIN" run c.toml --state-dir sd' /dev/null \
    >raw </dev/null || fail "run in a pty: exit $?"
python3 - raw <<'PY' || fail "progress line too wide for 60 columns: $(tr '\r' '\n' <raw | tail -5)"
import re, sys
raw = open(sys.argv[1], "rb").read().decode("utf-8", "replace")
# A redraw is "\r ESC[K line", ended by the next "\r" (log lines end with a
# newline, "\r\n" through the pty).
lines = re.findall(r"\x1b\[K([^\r\n\x1b]*)(?=\r(?!\n)|$)", raw)
drawn = [l for l in lines if "done" in l]
assert drawn, "no progress line drawn: %r" % raw[-300:]
wide = [l for l in drawn if len(l) > 59]
assert not wide, wide
PY
"$SOCM_BIN" run c.toml --state-dir sd2 >out 2>err || fail "run, stderr to a file: exit $?"
grep -q $'\r' err && fail "carriage return in stderr that is a file"
grep -q $'\033' err && fail "escape sequence in stderr that is a file"
grep -q 'first' err || fail "no log lines in stderr: $(cat err)"
finish
