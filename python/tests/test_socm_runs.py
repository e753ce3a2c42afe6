# The package driving real socm runs: the adaptive type changes the plan, a Python
# planner and a Python callback enactor run a campaign end to end, and the
# three-campaign loop stops after a failing middle campaign.
import json
import os
import subprocess

from socm.bookkeeper import Bookkeeper
from socm.core import Campaign
from socm.core.models import Workflow
from socm.enactor.base import BaseEnactor
from socm.resources import CustomResource, TigerResource


def plan_of(socm_bin, toml, cwd):
    """The plan's workflows by name, from `socm plan --json` (docs/json.md)."""
    out = subprocess.run([socm_bin, "plan", "--json", toml], cwd=cwd, capture_output=True,
                         text=True, check=True).stdout
    return {w["name"]: w for w in json.loads(out)["workflows"]}


def test_adaptive_changes_the_plan(socm_bin, data_dir, tmp_path):
    small = open(os.path.join(data_dir, "adaptive.toml")).read()
    (tmp_path / "adaptive_workflow.py").write_text(
        open(os.path.join(data_dir, "adaptive_workflow.py")).read())
    (tmp_path / "small.toml").write_text(small)
    (tmp_path / "big.toml").write_text(small.replace("data_size_gb = 4", "data_size_gb = 40"))
    p_small = plan_of(socm_bin, "small.toml", tmp_path)
    p_big = plan_of(socm_bin, "big.toml", tmp_path)
    # 2 ranks × 8 threads, 58000 MB; 20 ranks × 8 threads, 130000 MB
    small_wf, big_wf = p_small["adaptive"], p_big["adaptive"]
    assert (small_wf["cores"], small_wf["core_range"], small_wf["memory_mb"]) == (16, [0, 15], 58000), small_wf
    assert (big_wf["cores"], big_wf["core_range"], big_wf["memory_mb"]) == (160, [0, 159], 130000), big_wf


class Step(Workflow):
    """A workflow running `sh -c script`."""
    script: str = "true"

    def get_command(self, **kwargs):
        return "sh"

    def get_arguments(self, **kwargs):
        import shlex
        return "-c " + shlex.quote(self.script)


LAPTOP = {"laptop": CustomResource(name="laptop", nodes=1, cores_per_node=2, memory_per_node=4000)}


def test_python_planner_and_callback_enactor(socm_bin, tmp_path, monkeypatch):
    import greedy_planner  # registers policy "custom"
    assert greedy_planner
    monkeypatch.setenv("SOCM", socm_bin)
    done = []

    class Recorder(BaseEnactor):
        def __init__(self):
            super().__init__()
            self.register_callback("DONE", lambda ev: done.append(ev["workflow"]))

    out = tmp_path / "order.txt"
    wfs = [Step(name="a", script=f"echo a >> {out}", resources={"runtime": "1m"}),
           Step(name="b", script=f"echo b >> {out}", depends=["a"], resources={"runtime": "1m"})]
    campaign = Campaign(id=1, workflows=wfs, deadline=60, name="planned")
    bk = Bookkeeper(campaign=campaign, resources=LAPTOP, policy="custom", target_resource="laptop",
                    enactor=Recorder(), state_dir=str(tmp_path / "state"))
    bk.run()
    bk.wait_for_completion(timeout=120)
    assert bk.is_successful()
    assert out.read_text() == "a\nb\n"
    assert done == ["a", "b", None]  # the workflows, then the campaign
    log = subprocess.run([socm_bin, "status", "--json", str(tmp_path / "state")],
                         capture_output=True, text=True).stdout
    assert '"custom"' in log or "custom" in open(bk.campaign_file).read()


def test_three_campaign_loop_stops_after_failure(socm_bin, tmp_path, monkeypatch):
    monkeypatch.setenv("SOCM", socm_bin)
    ran = tmp_path / "ran.txt"
    scripts = [f"echo 1 >> {ran}", f"echo 2 >> {ran}; exit 3", f"echo 3 >> {ran}"]
    campaigns = [Campaign(id=i + 1, workflows=[Step(name="s", script=s)], deadline=60)
                 for i, s in enumerate(scripts)]
    resources = dict(LAPTOP)
    resources["tiger3"] = TigerResource()
    stopped = None
    for campaign in campaigns:
        bookkeeper = Bookkeeper(
            campaign=campaign,
            resources=resources,
            policy="time",
            target_resource="laptop",
            state_dir=str(tmp_path / f"c{campaign.id}" / "state"),
        )
        bookkeeper.run()
        bookkeeper.wait_for_completion()
        if not bookkeeper.is_successful():
            stopped = campaign.id
            break
    assert stopped == 2
    assert ran.read_text() == "1\n2\n"
    # each campaign is a real run with its journal
    assert os.path.exists(tmp_path / "c2" / "state" / "journal.jsonl")
