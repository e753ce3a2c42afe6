#!/usr/bin/env bash
# test_docs_prediction.sh — the examples of docs/prediction.md run as written: the
# files it shows (fenced blocks marked `file=NAME`) are written to a scratch
# directory, then every `socm` command of its ```sh blocks runs there, in order, and
# exits 0; the [slurmise] example trains and saves its models.
set -u
. "$(dirname "$0")/lib.sh"
cd "$tmp" || exit 1
export SOCM_HISTORY_DB=$tmp/history.db
python3 - "$SOCM_SRC/docs/prediction.md" <<'PY' >cmds
import re, sys
text = open(sys.argv[1]).read()
for name, body in re.findall(r"```\w+ file=(\S+)\n(.*?)```", text, re.S):
    open(name, "w").write(body)
for block in re.findall(r"```sh\n(.*?)```", text, re.S):
    for line in block.splitlines():
        line = re.sub(r"\s+#.*$", "", line).strip()
        if line.startswith("socm "):
            print(line)
PY
[ -s slurmise.toml ] && [ -s jobs.csv ] || fail "docs/prediction.md: example files missing: $(ls)"
[ "$(wc -l <cmds)" -ge 5 ] || fail "docs/prediction.md: too few examples: $(cat cmds)"
while read -r line; do
    read -ra argv <<<"${line#socm }"
    "$SOCM_BIN" "${argv[@]}" >out 2>err </dev/null || fail "docs example \`$line\`: exit $? $(cat err)"
    case "$line" in
    "socm history train --config slurmise.toml")
        grep -q '^trained 3 models (1 runtime, 1 memory, 1 cpu_efficiency)' out || fail "slurmise example: $(cat out)"
        grep -q '^saved 3 models to models.db$' out || fail "slurmise example: $(cat out)" ;;
    esac
done <cmds
[ -s models.db ] && [ -s runs.csv ] || fail "docs examples: files missing: $(ls)"
finish
