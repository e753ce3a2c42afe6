#!/bin/bash
# test_plan_cli.sh — `socm plan`: the original's planner test as a campaign file
# gives the original's plan with --policy heft-socm (times × 1.1, the margin on the
# declared runtime); --json has exactly the documented keys; the table, --gantt and
# --dot write what they promise; the default policy keeps dependencies; and the
# errors (deadline impossible, memory impossible, no QoS, unknown policy, bad file)
# are clear messages with exit 2.
set -u
. "$(dirname "$0")/lib.sh"

# $1 file, $2 deadline, $3 schema, $4 requested cores, $5 memory of W4, $6 qos walltime
campaign() {
    local file=$1
    cat >"$file" <<EOT
[campaign]
name = "orig"
deadline = "$2"
resource = "two"
execution_schema = "$3"
requested_resources = $4

[resources.two]
nodes = 2
cores_per_node = 112
memory_per_node = 65536
qos = [{ name = "tiny", max_walltime = "5m", max_jobs = 5, max_cores = 224 },
       { name = "normal", max_walltime = "$6", max_jobs = 5, max_cores = 224 }]
EOT
    local i=1
    for w in "64 2000 45" "16 15000 25" "1 2000 560" "8 $5 140" "8 1000 145" "112 20000 10" \
             "56 6000 20" "32 1000 30"; do
        set -- $w
        cat >>"$file" <<EOT

[campaign.W$i]
type = "generic"
executable = "true"
[campaign.W$i.resources]
ranks = $1
threads = 1
memory = $2
runtime = "${3}m"
EOT
        i=$((i + 1))
    done
}

campaign "$tmp/orig.toml" "1000m" batch 224 32000 "2d"
"$SOCM_BIN" plan --policy heft-socm --json "$tmp/orig.toml" >"$tmp/plan.json" 2>"$tmp/err" ||
    fail "heft-socm plan: exit $? $(cat "$tmp/err")"
keys=$(jq -c 'keys_unsorted' "$tmp/plan.json")
[ "$keys" = '["campaign","deadline_s","policy","cores","qos","makespan_s","walltime_s","lower_bound_s","efficiency","workflows"]' ] || fail "json keys: $keys"
ekeys=$(jq -c '.workflows[0] | keys_unsorted' "$tmp/plan.json")
[ "$ekeys" = '["id","name","cores","core_range","memory_mb","start_s","end_s"]' ] || fail "workflow keys: $ekeys"
# The issue's expected plan (cores [first,last], start–end) scaled by 1.1.
expect='[[1,"W1",64,127,0,45],[2,"W2",128,143,0,25],[3,"W3",0,0,0,560],[4,"W4",16,23,0,140],
[5,"W5",8,15,0,145],[6,"W6",112,223,45,55],[7,"W7",168,223,0,20],[8,"W8",32,63,0,30]]'
got=$(jq -c '[.workflows[] | [.id, .name, .core_range[0], .core_range[1], (.start_s/66*1000|round/1000), (.end_s/66*1000|round/1000)]]' "$tmp/plan.json")
[ "$got" = "$(echo "$expect" | tr -d '\n ')" ] || fail "heft-socm plan differs from the original's: $got"
[ "$(jq -r '.policy, .cores, .qos, .walltime_s' "$tmp/plan.json" | tr '\n' ' ')" = "heft-socm 224 null 46200 " ] ||
    fail "heft-socm summary: $(jq -c '[.policy,.cores,.qos,.walltime_s]' "$tmp/plan.json")"
[ "$(jq '.workflows[3].memory_mb' "$tmp/plan.json")" = "32000" ] || fail "memory of W4 not in MB"
[ "$(jq '.workflows[0].cores' "$tmp/plan.json")" = 64 ] || fail "cores of W1 not a count"

# The table, the Gantt chart and the DOT graph.
"$SOCM_BIN" plan --gantt "$tmp/g.svg" --dot "$tmp/d.dot" "$tmp/orig.toml" >"$tmp/table" 2>"$tmp/err" ||
    fail "default plan: exit $? $(cat "$tmp/err")"
for w in W1 W2 W3 W4 W5 W6 W7 W8; do grep -q "^$w " "$tmp/table" || fail "table lacks $w"; done
grep -q '^policy: *time$' "$tmp/table" || fail "table: policy"
grep -q '^cores: *224$' "$tmp/table" || fail "table: cores"
grep -q '^lower bound: *10.3 h (critical path 10.3 h' "$tmp/table" || fail "table: lower bound (critical path 560 min × 1.1)"
grep -q '^efficiency: *1$' "$tmp/table" || fail "table: efficiency"
[ "$(grep -c '<g class="bar">' "$tmp/g.svg")" = 8 ] || fail "gantt: want 8 bars"
# The plan takes 616 min: the 1000 min deadline is beyond the axis (an arrow).
grep -q 'deadline 16.7 h (beyond)' "$tmp/g.svg" || fail "gantt: no deadline arrow"
grep -q '^digraph "orig" {' "$tmp/d.dot" || fail "dot: header"
[ "$(grep -c 'label=' "$tmp/d.dot")" = 8 ] || fail "dot: want 8 nodes"

# Remote: the smallest allocation and the first QoS that admits it.
campaign "$tmp/remote.toml" "700m" remote 224 32000 "2d"
"$SOCM_BIN" plan --policy heft-socm --json "$tmp/remote.toml" >"$tmp/r.json" 2>"$tmp/err" ||
    fail "remote: exit $? $(cat "$tmp/err")"
[ "$(jq -r .qos "$tmp/r.json")" = normal ] || fail "remote: qos $(jq -r .qos "$tmp/r.json")"
[ "$(jq '.makespan_s <= 700 * 60' "$tmp/r.json")" = true ] || fail "remote: deadline not met"
[ "$(jq '.cores < 224' "$tmp/r.json")" = true ] || fail "remote: no smaller allocation found"
"$SOCM_BIN" plan --json "$tmp/remote.toml" >"$tmp/t.json" 2>"$tmp/err" || fail "remote time: $(cat "$tmp/err")"
[ "$(jq --slurpfile h "$tmp/r.json" '.cores <= $h[0].cores' "$tmp/t.json")" = true ] ||
    fail "time takes more cores than heft-socm"

# Errors: exit 2 and a clear message.
expect_err() { # $1 message substring, then the command
    local msg=$1
    shift
    "$SOCM_BIN" "$@" >"$tmp/out" 2>"$tmp/err"
    local rc=$?
    [ $rc = 2 ] || fail "'$*': exit $rc, want 2"
    grep -qF "$msg" "$tmp/err" || fail "'$*': stderr lacks '$msg': $(cat "$tmp/err")"
}
campaign "$tmp/late.toml" "100m" remote 224 32000 "2d"
expect_err "cannot meet the 100 min deadline with 224 cores" plan "$tmp/late.toml"
expect_err "cannot meet the 100 min deadline with 224 cores" plan --policy heft-socm "$tmp/late.toml"
# 100,000 MB: more than a node, less than the two nodes' pool.
campaign "$tmp/mem.toml" "1000m" batch 112 100000 "2d"
expect_err "workflow W4 needs 100000 MB of memory; the allocation of 112 cores has 65536 MB" \
    plan --policy heft-socm "$tmp/mem.toml"
campaign "$tmp/mem2.toml" "1000m" batch 224 100000 "2d"
"$SOCM_BIN" plan --policy heft-socm "$tmp/mem2.toml" >/dev/null 2>&1 || fail "heft-socm pools memory over nodes"
expect_err "workflow W4 needs 100000 MB of memory; the allocation of 224 cores has 65536 MB per node" \
    plan "$tmp/mem2.toml"
campaign "$tmp/noqos.toml" "1000m" remote 224 32000 "10h"
expect_err "no QoS of two admits" plan "$tmp/noqos.toml"
expect_err "normal (max 600 min, 224 cores, 5 jobs)" plan --policy heft-socm "$tmp/noqos.toml"
expect_err "unknown planner policy 'nope' (known: time, heft-socm" plan --policy nope "$tmp/orig.toml"
printf '[campaign\n' >"$tmp/bad.toml"
expect_err "bad.toml:1:" plan "$tmp/bad.toml"
expect_err "no campaign file given" plan
"$SOCM_BIN" plan --help | grep -q '^example:' || fail "--help has no example"

# A planner from a shared object: planner_plugin = "lib.so" exporting
# socm_planner_plugin (here: everything one after the other on cores 0..k-1).
SOCM_SRC=${SOCM_SRC:-.}
cat >"$tmp/serial.c" <<'EOT'
#include "campaign/campaign.h"
#include "socm/planner.h"
#include <stdlib.h>
static int serial(const struct socm_planner *self, const struct socm_plan_input *in, int64_t cores,
                  struct socm_plan *out, struct socm_error *err)
{
    (void)self; (void)err;
    out->entries = calloc(in->n ? in->n : 1, sizeof *out->entries);
    out->n = in->n;
    out->cores = cores;
    double t = 0;
    for (size_t i = 0; i < in->n; i++) {
        out->entries[i] = (struct socm_plan_entry){(int)i + 1, 0, in->reqs[i].cpus - 1, in->reqs[i].memory_mb, t,
                                                   t + in->reqs[i].walltime_min};
        t += in->reqs[i].walltime_min;
    }
    out->makespan = t;
    return 0;
}
const struct socm_planner socm_planner_plugin = {"serial", "one after the other", serial, NULL};
EOT
if cc -shared -fPIC -I"$SOCM_SRC/include" -I"$SOCM_SRC/src" -o "$tmp/libserial.so" "$tmp/serial.c" 2>"$tmp/cc.err"; then
    campaign "$tmp/plug.toml" "2000m" batch 224 32000 "2d"
    sed -i 's|^requested_resources = 224$|requested_resources = 224\nplanner_plugin = "libserial.so"|' "$tmp/plug.toml"
    "$SOCM_BIN" plan --json "$tmp/plug.toml" >"$tmp/p.json" 2>"$tmp/err" || fail "plug-in: $(cat "$tmp/err")"
    [ "$(jq -r .policy "$tmp/p.json")" = serial ] || fail "plug-in not used: $(jq -r .policy "$tmp/p.json")"
    [ "$(jq '.workflows[7].start_s' "$tmp/p.json")" = "$(jq '[.workflows[0:7][] | .end_s - .start_s] | add' "$tmp/p.json")" ] ||
        fail "plug-in plan not taken as is"
    sed -i 's|libserial.so|missing.so|' "$tmp/plug.toml"
    expect_err "planner_plugin $tmp/missing.so" plan "$tmp/plug.toml"
else
    fail "cannot build the test plug-in: $(cat "$tmp/cc.err")"
fi

finish
