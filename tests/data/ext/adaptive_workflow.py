# The AdaptiveWorkflow of docs/extending.md: its size decides its resources.
from typing import Dict

from socm.core.models import Workflow
from socm.workflows import register_workflow


@register_workflow("adaptive")
class AdaptiveWorkflow(Workflow):
    data_size_gb: float

    def estimate_resources(self) -> Dict[str, int]:
        # Rule: 1 rank per 2 GB of data
        ranks = max(1, int(self.data_size_gb / 2))
        # Memory: 2x data size + 50GB overhead
        memory_mb = int(self.data_size_gb * 2000 + 50000)
        return {"ranks": ranks, "threads": 8, "memory": memory_mb, "runtime": "4h"}
