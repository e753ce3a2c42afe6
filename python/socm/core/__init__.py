"""The models workflow types are written with."""
from socm.core.models import Workflow

__all__ = ["Workflow"]
