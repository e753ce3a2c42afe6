#!/usr/bin/env python3
# An external extension that misbehaves on purpose (tests/integration/test_ext.sh):
# argv[1] says how. Speaks protocol 1 on stdin/stdout otherwise.
import json
import sys
import time

mode = sys.argv[1] if len(sys.argv) > 1 else "ok"
req = json.loads(sys.stdin.readline())
reply = {"protocol": 1}
if mode == "invalid-json":
    print("{not json")
    sys.exit(0)
if mode == "exit":
    print("Traceback (most recent call last):\nValueError: threshold out of range", file=sys.stderr)
    sys.exit(3)
if mode == "timeout":
    time.sleep(30)
if mode == "old-protocol":
    reply["protocol"] = 0
if req["request"] == "describe":
    reply.update({"types": ["echoer"], "planners": ["fake"], "subcampaigns": {"duo": ["one"]}})
elif req["request"] == "expand":
    keys = req["section"]["keys"]
    wf = {"name": req["section"]["name"], "argv": ["echo", str(keys.get("word", "hi"))]}
    if mode == "wrong-schema":
        wf = {"name": "x", "argv": "echo hi"}
    elif mode == "unknown-key":
        wf["argvv"] = []
    elif mode == "errors":
        reply["errors"] = [{"key": "word", "message": "word must not be 'bad'"}]
    elif mode == "hostile-error":
        reply["errors"] = [{"message": "bad\u001b[31m red\nfake.toml:1:1: forged", "line": 99999,
                            "column": -4, "file": "x\ny.toml"},
                           {"message": "at no line", "line": -3}]
    elif mode == "bad-name":
        wf["name"] = "two\nlines"
    elif mode == "bad-units":
        wf["resources"] = {"memory": "lots"}
    reply["workflows"] = [wf]
elif req["request"] == "plan":
    wfs = req["workflows"]
    entries, now = [], 0.0
    for w in wfs:
        entries.append({"id": w["id"], "core_first": 0, "core_last": w["cpus"] - 1,
                        "start": now, "end": now + w["walltime_min"]})
        now += w["walltime_min"]
    if mode == "overlap":
        entries[1]["start"] = 0.0
        entries[1]["end"] = wfs[1]["walltime_min"]
    elif mode == "order":
        entries[0], entries[1] = dict(entries[0]), dict(entries[1])
        entries[0]["start"], entries[0]["end"] = 100.0, 100.0 + wfs[0]["walltime_min"]
        entries[1]["start"], entries[1]["end"] = 0.0, wfs[1]["walltime_min"]
    elif mode == "cores":
        entries[0]["core_last"] = entries[0]["core_first"] + 7
    elif mode == "deadline":
        for e in entries:
            e["start"] += 1000
            e["end"] += 1000
    elif mode == "missing":
        entries.pop()
    reply["plan"] = {"entries": entries}
print(json.dumps(reply))
