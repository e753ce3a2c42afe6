# The custom workflow type of docs/extending.md.
from typing import Dict, List, Optional

from socm.core.models import Workflow
from socm.workflows import registered_workflows


class MyCustomWorkflow(Workflow):
    """Custom workflow for specific analysis task."""

    custom_param1: str
    custom_param2: Optional[str] = None
    threshold: float = 0.5

    def get_command(self, **kwargs) -> str:
        cmd_parts = [self.executable]
        if self.subcommand:
            cmd_parts.append(self.subcommand)
        return " ".join(cmd_parts)

    def get_arguments(self, **kwargs) -> str:
        args = [
            f"--context {self.context}",
            f"--param1 {self.custom_param1}",
            f"--threshold {self.threshold}",
        ]
        if self.custom_param2:
            args.append(f"--param2 {self.custom_param2}")
        return " ".join(args)

    @classmethod
    def get_workflows(cls, descriptions: List[Dict]) -> List["MyCustomWorkflow"]:
        workflows = []
        for desc in descriptions:
            workflow = cls(**desc)
            workflows.append(workflow)
        return workflows


registered_workflows["my-custom-workflow"] = MyCustomWorkflow
