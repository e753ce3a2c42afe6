"""Bookkeeper: writes the campaign as a socm campaign file and runs `socm run` on it."""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import threading
import time

from socm.planner import base as planner_base

_PKG_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _toml_str(s):
    return json.dumps(str(s))  # a JSON string is a TOML basic string


def _toml_value(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return repr(v)
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(_toml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{_toml_str(k)} = {_toml_value(x)}" for k, x in v.items()) + "}"
    return _toml_str(v)


class Bookkeeper:
    """Runs `campaign` on resources[target_resource] with planner `policy` (a socm
    policy, or a planner registered with socm.planner.base.register_planner)."""

    def __init__(self, campaign, resources=None, policy=None, target_resource=None,
                 enactor=None, state_dir=None, socm=None):
        self.campaign = campaign
        self.resources = dict(resources or {})
        self.policy = policy or getattr(campaign, "campaign_policy", None) or "time"
        self.target_resource = (target_resource or getattr(campaign, "target_resource", None)
                                or (next(iter(self.resources)) if self.resources else "local"))
        self.enactor = enactor
        self.socm = socm or os.environ.get("SOCM") or shutil.which("socm") or "socm"
        self.workdir = state_dir and os.path.dirname(os.path.abspath(state_dir))
        self.workdir = self.workdir or tempfile.mkdtemp(prefix=f"socm-{campaign.name}-")
        self.state_dir = os.path.abspath(state_dir or os.path.join(self.workdir, "state"))
        self.campaign_file = os.path.join(self.workdir, f"{campaign.name}.toml")
        self._proc = None
        self._events = None
        self.returncode = None

    # ---- the campaign file ----

    def _plugin_lines(self, env):
        cls = planner_base.registered_planners().get(self.policy)
        if cls is None:
            return []
        module = sys.modules[cls.__module__]
        path = os.path.dirname(os.path.abspath(module.__file__))
        env["PYTHONPATH"] = os.pathsep.join(
            [path, _PKG_ROOT] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p])
        return [f"plugins = [{_toml_str('python:' + cls.__module__)}]"]

    def write_campaign(self, env):
        c = self.campaign
        lines = ["[campaign]", f"name = {_toml_str(c.name)}",
                 f"deadline = {_toml_value(c.deadline) if isinstance(c.deadline, str) else _toml_str(str(c.deadline) + 'm')}",
                 f"resource = {_toml_str(self.target_resource)}",
                 f"policy = {_toml_str(self.policy)}",
                 f"state_dir = {_toml_str(self.state_dir)}"]
        if c.execution_schema:
            lines.append(f"execution_schema = {_toml_str(c.execution_schema)}")
        if c.requested_resources:
            lines.append(f"requested_resources = {int(c.requested_resources)}")
        lines += self._plugin_lines(env)
        for wf in c.workflows:
            argv = shlex.split(wf.get_command()) + shlex.split(wf.get_arguments() or "")
            lines += ["", f"[campaign.{_toml_str(wf.name)}]", 'type = "generic"',
                      f"executable = {_toml_str(argv[0])}", f"args = {_toml_value(argv[1:])}"]
            res = {k: v for k, v in (wf.estimate_resources() or {}).items() if v is not None}
            if res:
                lines.append(f"resources = {_toml_value(res)}")
            if wf.environment:
                lines.append(f"environment = {_toml_value(wf.environment)}")
            if wf.depends:
                lines.append(f"depends = {_toml_value(list(wf.depends))}")
        text = "\n".join(lines) + "\n"
        os.makedirs(self.workdir, exist_ok=True)
        res = self.resources.get(self.target_resource)
        if res is not None:
            text += "\n" + res.toml()
        with open(self.campaign_file, "w") as f:
            f.write(text)
        return self.campaign_file

    # ---- running ----

    def run(self):
        """Starts `socm run` on the campaign (returns at once; see wait_for_completion)."""
        env = dict(os.environ)
        self.write_campaign(env)
        self._proc = subprocess.Popen([self.socm, "run", "-q", self.campaign_file], env=env)
        if self.enactor is not None:
            self._events = threading.Thread(target=self._follow, daemon=True)
            self._events.start()
        return self

    def _follow(self):
        journal = os.path.join(self.state_dir, "journal.jsonl")
        while not os.path.exists(journal):
            if self._proc.poll() is not None and not os.path.exists(journal):
                return
            time.sleep(0.05)
        with subprocess.Popen([self.socm, "events", self.state_dir, "--follow"],
                              stdout=subprocess.PIPE, text=True) as p:
            for line in p.stdout:
                self.enactor.on_event(json.loads(line))

    def wait_for_completion(self, timeout=None):
        if self._proc is None:
            raise RuntimeError("run() first")
        self.returncode = self._proc.wait(timeout)
        if self._events is not None:
            self._events.join(timeout)
        return self.returncode

    def is_successful(self):
        return self.returncode == 0
