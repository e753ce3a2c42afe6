#!/usr/bin/env bash
# test_security.sh — hostile input. Values with shell syntax in args, kwargs,
# environment and hook arguments reach the program byte-for-byte and never a shell;
# NUL in TOML strings is refused; state directory 0700, journal 0600, history 0600;
# workflow names with ".." or "/" are refused and planted symlinks cannot move a
# sandbox out of STATE_DIR/workflows/; deep nesting and YAML billion laughs are refused quickly.
set -euo pipefail
SOCM_BIN=${SOCM_BIN:-socm}
. "$(dirname "$0")/lib_skip.sh"
command -v python3 >/dev/null || skip "python3 (the argv/env dumper) missing"
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
cd "$T"
fail() { echo "FAIL: $*" >&2; exit 1; }
export SOCM_HISTORY_DB="$T/hist/history.db"

# The dumper: writes its argv (after the output path) and the EVIL_* environment as
# JSON with every value as hex bytes, so nothing is lost or reinterpreted.
cat > dump.py <<'EOF'
import json, os, sys
out = sys.argv[1]
argv = [os.fsencode(a).hex() for a in sys.argv[2:]]
env = {k: os.environb[k.encode()].hex() for k in os.environ if k.startswith("EVIL")}
with open(out, "w") as f:
    json.dump({"argv": argv, "env": env}, f)
EOF

header() {
  cat <<EOF
[campaign]
name = "$1"
deadline = "1h"
requested_resources = 1
resource = "box"
execution_schema = "batch"

[resources.box]
nodes = 1
cores_per_node = 2
memory_per_node = "4G"
qos = [{ name = "local", max_walltime = "1d", max_jobs = 1000, max_cores = 2 }]
EOF
}

# Each hostile value as a TOML basic string and as the bytes it stands for.
python3 - "$T" <<'EOF'
import json, sys
T = sys.argv[1]
hostile = ["$(touch %s/X)" % T, "`touch %s/X`" % T, "; touch %s/X" % T,
           "a\nb; touch %s/X" % T, "'\"quoted\"'", "| touch %s/X &" % T,
           "  spaces  and\ttabs ", "*", "$HOME ${PATH}", "\\", "é€\U0001F600"]
def toml(s):
    return json.dumps(s, ensure_ascii=False)  # JSON string escapes are TOML escapes
args = ", ".join(toml(s) for s in hostile)
kw = ", ".join('k%d = %s' % (i, toml(s)) for i, s in enumerate(hostile))
env = ", ".join('EVIL%d = %s' % (i, toml(s)) for i, s in enumerate(hostile))
hook = ", ".join(toml(s) for s in hostile)
with open("evil.body", "w") as f:
    f.write(f'''
[campaign.hooks]
on_workflow_done = ["python3", "{T}/dump.py", "{T}/hook.json", "{{workflow}}", {hook}]

[campaign.evil]
type = "generic"
executable = "python3"
subcommand = "{T}/dump.py"
args = ["{T}/wf.json", {args}]
kwargs = {{ {kw} }}
environment = {{ {env} }}
''')
json.dump(hostile, open("hostile.json", "w"))
EOF
{ header sec; cat evil.body; } > sec.toml
"$SOCM_BIN" run sec.toml --cores 1 --quiet || fail "the hostile campaign did not run (exit $?)"
[ ! -e X ] || fail "a shell ran: X was created"
[ -s wf.json ] || fail "the workflow's program did not run"
[ -s hook.json ] || fail "the hook did not run"
python3 - <<'EOF' || exit 1
import json, sys
hostile = [s.encode() for s in json.load(open("hostile.json"))]
wf = json.load(open("wf.json"))
argv = [bytes.fromhex(a) for a in wf["argv"]]
if argv[:len(hostile)] != hostile:
    sys.exit("FAIL: args changed on the way: %r" % argv[:len(hostile)])
want_kw = sorted(b"--k%d=" % i + s for i, s in enumerate(hostile))
kw = argv[len(hostile):]
if sorted(kw) != want_kw:
    sys.exit("FAIL: kwargs changed on the way: %r" % kw)
env = {k: bytes.fromhex(v) for k, v in wf["env"].items()}
for i, s in enumerate(hostile):
    if env.get("EVIL%d" % i) != s:
        sys.exit("FAIL: environment EVIL%d is %r, want %r" % (i, env.get("EVIL%d" % i), s))
hook = [bytes.fromhex(a) for a in json.load(open("hook.json"))["argv"]]
if hook != [b"evil"] + hostile:
    sys.exit("FAIL: hook arguments changed: %r" % hook)
print("hostile values reached the program and the hook byte-for-byte")
EOF

# Permissions: state directory 0700, journal 0600 (whatever the umask).
perm() { stat -c %a "$1"; }
[ "$(perm socm-sec)" = 700 ] || fail "state dir mode $(perm socm-sec), want 700"
[ "$(perm socm-sec/journal.jsonl)" = 600 ] || fail "journal mode $(perm socm-sec/journal.jsonl), want 600"
# the history database (created on first use, here by `socm history record`)
(umask 022; "$SOCM_BIN" history record --job-name sec --elapsed 1 --max-rss 1 --cpu 1 \
   --state COMPLETED > /dev/null) || fail "socm history record failed"
[ -e "$SOCM_HISTORY_DB" ] || fail "no history database at $SOCM_HISTORY_DB"
[ "$(perm "$(dirname "$SOCM_HISTORY_DB")")" = 700 ] || fail "history directory not 0700"
for f in "$SOCM_HISTORY_DB"*; do
  [ "$(perm "$f")" = 600 ] || fail "history file $f mode $(perm "$f"), want 600"
done
for f in socm-sec/workflows/*; do
  [ "$(perm "$f")" = 700 ] || fail "sandbox $f mode $(perm "$f"), want 700"
done

# NUL through a TOML escape: refused with exit 2 and a clear message (a C argv
# cannot carry it; truncating silently would change the value).
{ header nul; cat <<EOF
[campaign.w]
type = "generic"
executable = "true"
args = ["a\u0000b"]
EOF
} > nul.toml
set +e; "$SOCM_BIN" validate nul.toml > nul.out 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "NUL in an argument: validate exit $rc, want 2"
grep -q 'nul.toml:.*NUL' nul.out || fail "no clear message for NUL: $(cat nul.out)"
set +e; "$SOCM_BIN" run nul.toml --quiet > nul.out 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "NUL in an argument: run exit $rc, want 2"
[ ! -e socm-nul ] || fail "a refused campaign left a state directory"

# Names with "..", "/" or a leading dot are refused before anything runs (the name
# alphabet, see test_names.sh)...
{ header esc; cat <<EOF
[campaign.a]
type = "generic"
name = "../../escaped"
executable = "true"
[campaign.b]
type = "generic"
name = ".."
executable = "true"
[campaign.c]
type = "generic"
name = "x/../../../up"
executable = "true"
EOF
} > esc.toml
set +e; "$SOCM_BIN" run esc.toml --cores 1 --quiet > esc.out 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "names with .. or /: run exit $rc, want 2"
[ "$(grep -c "workflow name '.*' \(contains '/'\|starts with '.'\)" esc.out)" -eq 3 ] ||
  fail "not 3 names refused: $(cat esc.out)"
[ ! -e socm-esc ] || fail "a refused campaign left a state directory"
# ...and the valid names with dots in them stay inside STATE_DIR/workflows/.
{ header dots; cat <<EOF
[campaign.a]
type = "generic"
name = "x_.._.._.._up"
executable = "true"
[campaign.b]
type = "generic"
name = "x..up"
executable = "true"
EOF
} > dots.toml
"$SOCM_BIN" run dots.toml --cores 1 --quiet || fail "the campaign with dotted names did not run"
[ ! -e up ] && [ ! -e socm-dots/up ] || fail "a sandbox escaped STATE_DIR/workflows/"
n=$(find socm-dots/workflows -mindepth 1 -maxdepth 1 -type d | wc -l)
[ "$n" -eq 2 ] || fail "2 workflows got $n sandboxes (two names share one?)"
out=$(find socm-dots -name result.json | grep -v '^socm-dots/workflows/[^/]*/result.json$' || true)
[ -z "$out" ] || fail "result files outside the sandboxes: $out"

# A symlink planted at STATE_DIR/workflows/<name> pointing outside is not followed.
{ header sym; cat <<EOF
[campaign.victim]
type = "generic"
executable = "true"
EOF
} > sym.toml
mkdir outside
# a first run makes the state directory; then the workflow's sandbox is replaced by
# a link to outside and the journal cut back to its first event (nothing ran yet)
"$SOCM_BIN" run sym.toml --cores 1 --quiet --state-dir sym-state >/dev/null 2>&1 || true
rm -rf sym-state/workflows/victim
ln -s "$T/outside" sym-state/workflows/victim
# make the journal say nothing ran: keep only the campaign's first event
head -n 1 sym-state/journal.jsonl > j && cat j > sym-state/journal.jsonl
set +e; "$SOCM_BIN" resume sym-state --cores 1 --quiet > sym.out 2>&1; rc=$?; set -e
echo "planted symlink: exit $rc: $(head -c 200 sym.out)"
[ -z "$(ls -A outside)" ] || fail "files written through the planted symlink: $(ls -A outside)"
[ "$rc" -ne 0 ] || fail "the run with a planted symlink reported success"
grep -q 'symlink\|symbolic link\|not a plain directory' sym.out sym-state/*.log 2>/dev/null \
  || fail "no message about the planted symlink: $(cat sym.out)"


# Limits: nesting 10000 deep and a YAML billion laughs are refused quickly, exit 2.
python3 -c 'print("[campaign]\ndeadline = \"1h\"\nx = " + "[" * 10000 + "]" * 10000)' > deep.toml
python3 -c 'print("campaign:\n  deadline: 1h\n  x: " + "{a: " * 10000 + "1" + "}" * 10000)' > deep.yml
cat > laughs.yml <<'EOF'
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
campaign: {deadline: 1h, x: *i}
EOF
for f in deep.toml deep.yml laughs.yml; do
  start=$(date +%s%N)
  set +e; timeout 20 "$SOCM_BIN" validate "$f" > lim.out 2>&1; rc=$?; set -e
  ms=$(( ($(date +%s%N) - start) / 1000000 ))
  [ "$rc" -eq 2 ] || fail "$f: exit $rc, want 2 ($(head -c 300 lim.out))"
  [ "$ms" -lt 10000 ] || fail "$f: took ${ms} ms to refuse"
  grep -q "$f" lim.out || fail "$f: the message does not name the file: $(head -c 300 lim.out)"
  echo "$f refused in ${ms} ms: $(head -c 120 lim.out | head -1)"
done
echo ok
