# A planner in Python (docs/extending.md): every workflow on cores 0.., one after
# the other in the order socm lists them (a topological order).
from socm.planner.base import BasePlanner, PlanEntry, register_planner


@register_planner("custom")
class SequentialPlanner(BasePlanner):
    def plan(self, campaign, resources):
        entries, now = [], 0.0
        for wf in campaign.workflows:
            entries.append(PlanEntry(workflow=wf, resource_range=(0, wf.cpus - 1),
                                     start_time=now, end_time=now + wf.runtime))
            now += wf.runtime
        return entries
