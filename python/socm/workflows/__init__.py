"""The registry of Python workflow types: a module registers its classes here, by
name (the section name under [campaign]) and, for a subcampaign, the member types
its sections hold."""
from typing import Dict, List, Type

from socm.core.models import Workflow

registered_workflows: Dict[str, Type[Workflow]] = {}
subcampaign_map: Dict[str, List[str]] = {}


def register_workflow(name: str, subcampaign: str = None):
    """Class decorator: registers the class as workflow type `name` (as a member
    of `subcampaign` when given: its sections are [campaign.SUBCAMPAIGN.NAME])."""

    def wrap(cls):
        if subcampaign:
            subcampaign_map.setdefault(subcampaign, [])
            if name not in subcampaign_map[subcampaign]:
                subcampaign_map[subcampaign].append(name)
        registered_workflows[name] = cls
        return cls

    return wrap
