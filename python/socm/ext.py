"""socm's side of a Python plug-in: `python3 -m socm.ext --path DIR MODULE` imports
MODULE (from DIR, the campaign's directory, or PYTHONPATH), reads one JSON request
on stdin and writes one JSON reply on stdout (protocol 1, docs/extending.md)."""
import importlib
import json
import shlex
import sys
import traceback

from socm import PROTOCOL
from socm.planner import base as planner_base
from socm.workflows import registered_workflows, subcampaign_map


def _type_names():
    members = {m for ms in subcampaign_map.values() for m in ms}
    names = [n for n in registered_workflows if n not in members]
    for sub, ms in subcampaign_map.items():
        names.extend(f"{sub}.{m}" for m in ms)
    return names


def describe(_req):
    return {"types": _type_names(), "subcampaigns": dict(subcampaign_map),
            "planners": list(planner_base.registered_planners())}


def _class_for(type_name):
    if type_name in registered_workflows:
        return registered_workflows[type_name]
    return registered_workflows.get(type_name.split(".", 1)[-1])


def expand(req):
    section = req["section"]
    keys = dict(section["keys"])
    cls = _class_for(req["type"])
    if cls is None:
        return {"errors": [{"message": f"no Python workflow type '{req['type']}' is registered"}]}
    keys.pop("type", None)
    keys.setdefault("name", section["name"])
    try:
        workflows = cls.get_workflows([keys])
    except (TypeError, ValueError) as e:
        key = next((k for k in keys if f"'{k}'" in str(e)), None)
        err = {"message": f"{cls.__name__}: {e}"}
        if key:
            err["key"] = key
        return {"errors": [err]}
    out = []
    for wf in workflows:
        argv = shlex.split(wf.get_command()) + shlex.split(wf.get_arguments() or "")
        item = {"name": wf.name, "argv": argv, "depends": list(wf.depends or [])}
        res = {k: v for k, v in (wf.estimate_resources() or {}).items() if v is not None}
        if res:
            item["resources"] = res
        if wf.environment:
            item["environment"] = {k: str(v) for k, v in wf.environment.items()}
        numeric = wf.get_numeric_fields()
        categorical = wf.get_categorical_fields()
        feats = {k: getattr(wf, k) for k in numeric + categorical}
        if feats:
            item["features"] = feats
        out.append(item)
    return {"workflows": out}


def plan(req):
    cls = planner_base.registered_planners().get(req["policy"])
    if cls is None:
        return {"errors": [{"message": f"no Python planner '{req['policy']}' is registered"}]}
    ids = {w["id"]: w["name"] for w in req["workflows"]}
    wfs = [planner_base.PlannedWorkflow(w["id"], w["name"], w["cpus"], w["memory_mb"],
                                        w["walltime_min"], [ids[d] for d in w["depends"]])
           for w in req["workflows"]]
    r = req["resource"]
    resources = {r["name"]: planner_base.Resource(r["name"], r["nodes"], r["cores_per_node"],
                                                  r["memory_per_node_mb"])}
    campaign = planner_base.Campaign(wfs, req["deadline_min"], req["cores"], req["schema"])
    result = cls().plan(campaign, resources)
    entries = result[0] if isinstance(result, tuple) else result
    return {"plan": {"entries": [
        {"id": e.workflow.id, "core_first": int(e.resource_range[0]),
         "core_last": int(e.resource_range[1]), "start": float(e.start_time),
         "end": float(e.end_time)} for e in entries]}}


HANDLERS = {"describe": describe, "expand": expand, "plan": plan}


def main(argv=None):
    args = list(sys.argv[1:] if argv is None else argv)
    if len(args) >= 2 and args[0] == "--path":
        sys.path.insert(0, args[1])
        args = args[2:]
    if len(args) != 1:
        print("usage: python3 -m socm.ext [--path DIR] MODULE", file=sys.stderr)
        return 2
    importlib.import_module(args[0])
    req = json.loads(sys.stdin.readline())
    if req.get("protocol") != PROTOCOL:
        print(f"socm.ext speaks protocol {PROTOCOL}, not {req.get('protocol')}", file=sys.stderr)
        return 2
    handler = HANDLERS.get(req.get("request"))
    if handler is None:
        print(f"unknown request {req.get('request')!r}", file=sys.stderr)
        return 2
    reply = handler(req)
    reply["protocol"] = PROTOCOL
    json.dump(reply, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except Exception:  # the traceback's tail is what socm shows
        traceback.print_exc()
        sys.exit(1)
