#!/usr/bin/env bash
# test_plugin.sh — the example plug-in (examples/plugin/) end to end: loaded from
# `plugins = [...]` and from SOCM_PLUGIN_PATH, its workflow type expands, its command
# line is exact, `socm run` runs it; a plug-in built for another API version is
# refused with a clear message and exit 2.
set -euo pipefail
socm=${SOCM_BIN:?}
plugins=${SOCM_BUILD:?}/plugins
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
fail() { echo "FAIL: $*" >&2; exit 1; }

cp "$plugins"/libsocm_example_plugin.so "$plugins"/libsocm_example_plugin_wrong_api.so .
# A stand-in for the real tool: records its argv, one argument per line.
mkdir bin
cat > bin/my-tool <<'SH'
#!/bin/sh
for a in "$@"; do printf '%s\n' "$a"; done > "$MYTOOL_OUT"
SH
chmod +x bin/my-tool

write_campaign() { # FILE PLUGIN-LINE
  cat > "$1" <<TOML
[campaign]
name = "plug"
deadline = "1h"
resource = "local"
execution_schema = "batch"
requested_resources = 1
$2
[campaign.my-analysis]
type = "my-custom-workflow"
context = "context.yaml"
custom_param1 = "alpha beta"
custom_param2 = 7
threshold = 0.5
environment = { MYTOOL_OUT = "$work/argv.txt" }
[campaign.my-analysis.resources]
ranks = 1
threads = 1
memory = "10M"
runtime = "1m"
TOML
}

write_campaign c.toml 'plugins = ["libsocm_example_plugin.so"]'
out=$("$socm" validate --commands c.toml)
[ "$out" = "my-analysis: my-tool --context context.yaml --param1 'alpha beta' --threshold 0.5 --param2 7" ] \
  || fail "command line: $out"

PATH="$work/bin:$PATH" "$socm" run c.toml > run.log 2>&1 || { cat run.log; fail "socm run"; }
printf '%s\n' --context context.yaml --param1 "alpha beta" --threshold 0.5 --param2 7 > want.txt
diff want.txt argv.txt || fail "my-tool got other arguments"

# The same type from SOCM_PLUGIN_PATH (a directory), no `plugins` key.
mkdir plugdir && cp libsocm_example_plugin.so plugdir/
write_campaign d.toml ''
SOCM_PLUGIN_PATH="$work/plugdir" "$socm" validate d.toml > /dev/null || fail "SOCM_PLUGIN_PATH"
# ...and without it the type is unknown, at the section's position.
if "$socm" validate d.toml 2> err.txt; then fail "unknown type accepted"; fi
grep -q "d.toml:[0-9]*:[0-9]*: unknown workflow type 'my-custom-workflow'" err.txt || { cat err.txt; fail "unknown type message"; }

# Version mismatch: exit 2, a message that says what to do, at the entry's position.
write_campaign e.toml 'plugins = ["libsocm_example_plugin_wrong_api.so"]'
set +e
"$socm" validate e.toml 2> err.txt
rc=$?
set -e
[ $rc -eq 2 ] || fail "mismatch exit $rc"
grep -q "e.toml:7:12: plug-in .*libsocm_example_plugin_wrong_api.so was built for socm plug-in API version 43, but this socm provides version 2" err.txt \
  || { cat err.txt; fail "mismatch message"; }

# Not a plug-in at all.
printf 'junk' > junk.so
write_campaign f.toml 'plugins = ["junk.so"]'
if "$socm" validate f.toml 2> err.txt; then fail "junk accepted"; fi
grep -q "f.toml:7:12: plug-in" err.txt || { cat err.txt; fail "junk message"; }

# The type declares its keys (struct socm_workflow_type.keys): a misspelt one is an
# error with the nearest key, not an option silently dropped.
write_campaign g.toml 'plugins = ["libsocm_example_plugin.so"]'
sed -i 's/^custom_param2 = 7/custom_parm2 = 7/' g.toml
set +e
"$socm" validate g.toml 2> err.txt
rc=$?
set -e
[ $rc -eq 2 ] || fail "misspelt plug-in key: exit $rc"
grep -q "g.toml:12:1: unknown key 'custom_parm2' in \[campaign.my-analysis\]; did you mean 'custom_param2'?" err.txt \
  || { cat err.txt; fail "misspelt plug-in key message"; }
echo "plugin: 7 checks passed"
