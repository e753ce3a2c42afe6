"""BasePlanner and PlanEntry: a planner written in Python.

socm sends the planner its input (workflows with their requirements and
dependencies, the resource, the deadline); plan() returns PlanEntry objects, which
socm checks (cores, dependencies, memory per node, deadline) before it uses them."""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

_planners: Dict[str, type] = {}


@dataclass
class Resource:
    name: str
    nodes: int
    cores_per_node: int
    memory_per_node: Optional[float]  # MB; None when the resource does not say
    qos: list = field(default_factory=list)


@dataclass
class PlannedWorkflow:
    """A workflow as the planner sees it; `resources` holds ranks×threads as
    `cpus`, `memory` (MB) and `runtime` (minutes)."""
    id: int
    name: str
    cpus: int
    memory: float
    runtime: float
    depends: List[str]

    @property
    def resources(self):
        return {"cpus": self.cpus, "memory": self.memory, "runtime": self.runtime}


@dataclass
class Campaign:
    """The planner's view of the campaign."""
    workflows: List[PlannedWorkflow]
    deadline: float  # minutes
    cores: int       # the most cores the plan may use
    schema: str      # "batch" or "remote"


@dataclass
class PlanEntry:
    """One workflow placed: cores resource_range = (first, last) inclusive, numbered
    from 0 across the allocation; times in minutes from the campaign's start."""
    workflow: PlannedWorkflow
    resource_range: Tuple[int, int]
    start_time: float
    end_time: float
    qos: Optional[str] = None


class BasePlanner:
    """Subclass and implement plan(campaign, resources) -> (entries, dag) or entries."""

    def plan(self, campaign: Campaign, resources: Dict[str, Resource]):
        raise NotImplementedError


def register_planner(name: str):
    """Class decorator: the planner is socm's `policy = "NAME"`."""

    def wrap(cls):
        _planners[name] = cls
        return cls

    return wrap


def registered_planners() -> Dict[str, type]:
    return _planners
