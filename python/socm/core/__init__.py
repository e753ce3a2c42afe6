"""The models: Workflow (a workflow type's base class) and Campaign."""
from socm.core.models import Campaign, Workflow

__all__ = ["Campaign", "Workflow"]
