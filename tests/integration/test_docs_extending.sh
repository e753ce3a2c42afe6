#!/usr/bin/env bash
# test_docs_extending.sh — docs/extending.md as a user follows it: its files (code
# blocks whose first line names a file) are written out, every command of its sh
# blocks runs in order, and what the document says they print is checked.
set -u
. "$(dirname "$0")/lib.sh"
src=${SOCM_SRC:?}
doc=$src/docs/extending.md
py=
for p in /usr/bin/python3 python3; do
    if "$p" -c 'import setuptools, venv' 2>/dev/null; then py=$p; break; fi
done
[ -n "$py" ] || skip "no python3 with setuptools and venv"
command -v cc >/dev/null || skip "no C compiler"
pkg-config --exists jansson || skip "no Jansson development files"

work=$tmp/work
mkdir -p "$work/bin" "$tmp/home"
ln -s "$SOCM_BIN" "$work/bin/socm"
ln -s "$(command -v "$py")" "$work/bin/python3"
cp -r "$src/python" "$work/python"
# The files the document shows.
"$py" - "$doc" "$work" <<'PY' || fail "extracting the document's files"
import re, sys
doc, out = sys.argv[1], sys.argv[2]
n = 0
for lang, body in re.findall(r"```(\w+)\n(.*?)```", open(doc).read(), re.S):
    first = body.splitlines()[0]
    m = re.match(r"^(?:#|/\*) ([\w.-]+\.(?:py|toml|c))(?: \*/)?$", first)
    if m:
        open(f"{out}/{m.group(1)}", "w").write(body)
        n += 1
assert n >= 8, n
PY
# Every command, in order, as the user types them.
cmds=$("$py" - "$doc" <<'PY'
import re, sys
for block in re.findall(r"```sh\n(.*?)```", open(sys.argv[1]).read(), re.S):
    for line in block.splitlines():
        if line.strip():
            print(line.strip())
PY
)
[ "$(echo "$cmds" | wc -l)" -ge 10 ] || fail "too few commands in the document: $cmds"
cd "$work"
export HOME=$tmp/home PATH=$tmp/home/socm-venv/bin:$work/bin:$PATH
unset PYTHONPATH
while IFS= read -r cmd; do
    out=$(bash -c "$cmd" 2>&1 </dev/null); rc=$?
    printf '%s\n' "$out" >"$tmp/out.$(echo "$cmd" | tr -c 'a-z0-9' _)"
    [ $rc -eq 0 ] || fail "'$cmd': exit $rc: $out"
    case $cmd in
    "socm validate --commands custom.toml")
        [ "$(echo "$out" | tail -n1)" = "my-custom-workflow: my-tool analyze --context file:///path/to/context.yaml --param1 value1 --threshold 0.75 --param2 value2" ] \
          || fail "custom command: $out" ;;
    "socm plan adaptive.toml")
        echo "$out" | grep -qE "^adaptive +16 +0-15 +58 GB " || fail "adaptive plan: $out" ;;
    "socm plan planned.toml")
        echo "$out" | grep -q "policy: *custom" || fail "planned: $out" ;;
    "python3 callbacks.py")
        [ "$out" = "$(printf 'done: s\ndone: campaign\nCampaign 2 failed, aborting...')" ] \
          || fail "callbacks.py printed: $out"
        [ ! -e loop/c3 ] || fail "the third campaign ran" ;;
    "socm validate --commands greet.toml")
        [ "$(echo "$out" | tail -n1)" = "hello: echo hello world" ] || fail "greeter: $out" ;;
    "socm run counted.toml")
        grep -q "^2 workflows done$" socm-counted/hooks.log 2>/dev/null \
          || fail "on_event: hooks.log has '$(cat socm-counted/hooks.log 2>/dev/null)'" ;;
    esac
done <<<"$cmds"
# The error the document quotes for a plan that reuses cores.
sed 's/now += wf.runtime/pass/' greedy_planner.py >overlap_planner.py
sed 's/greedy_planner/overlap_planner/; s/name = "planned"/name = "overlap"/' planned.toml >overlap.toml
out=$(socm run overlap.toml 2>&1); rc=$?
[ $rc -eq 2 ] || fail "overlapping plan: exit $rc"
grep -qF "$(echo "$out" | tail -n1)" "$doc" || fail "the document does not quote: $out"
[ ! -e socm-overlap ] || fail "overlapping plan: a state directory was written"
finish "docs/extending.md ok"
