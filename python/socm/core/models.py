"""Workflow: the base class of a workflow type written in Python.

A subclass declares its fields as annotated class attributes (a default makes a
field optional) and builds its command with get_command() and get_arguments()."""
import typing
from typing import Any, Dict, List, Optional

_COMMON = {
    "name": (str, None),
    "executable": (str, ""),
    "context": (str, ""),
    "subcommand": (str, ""),
    "id": (Optional[int], None),
    "environment": (Optional[Dict[str, str]], None),
    "resources": (Dict[str, Any], None),
    "depends": (List[str], None),
}

_MISSING = object()


def _coerce(name, tp, value):
    """Checks (and for numbers, converts) a value against a simple annotation."""
    origin = typing.get_origin(tp)
    if origin is typing.Union:
        args = [a for a in typing.get_args(tp) if a is not type(None)]
        if value is None:
            return None
        return _coerce(name, args[0], value) if len(args) == 1 else value
    if tp is float and isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    if tp is int and isinstance(value, int) and not isinstance(value, bool):
        return value
    if tp is str and isinstance(value, str):
        return value
    if tp is bool and isinstance(value, bool):
        return value
    if tp in (float, int, str, bool):
        raise TypeError(f"'{name}' must be {tp.__name__}, not {type(value).__name__}")
    return value


class Workflow:
    """Base class for every workflow type."""

    def __init__(self, **kwargs):
        fields = self.fields()
        for key, (tp, default) in fields.items():
            if key in kwargs:
                value = _coerce(key, tp, kwargs.pop(key))
            elif default is not _MISSING:
                value = default
            else:
                raise TypeError(f"missing required field '{key}'")
            setattr(self, key, value)
        if self.name is None:
            raise TypeError("missing required field 'name'")
        if self.resources is None:
            self.resources = {}
        if self.depends is None:
            self.depends = []
        # Keys no field declares are kept (the original's "extra": "allow").
        for key, value in kwargs.items():
            setattr(self, key, value)
        self._extra = list(kwargs)

    @classmethod
    def fields(cls):
        """Every field: name -> (annotation, default or _MISSING), common ones first."""
        out = dict(_COMMON)
        for klass in reversed(cls.__mro__):
            for key, tp in getattr(klass, "__annotations__", {}).items():
                if key.startswith("_"):
                    continue
                default = klass.__dict__.get(key, _MISSING)
                if default is _MISSING and key in _COMMON:
                    default = _COMMON[key][1]
                out[key] = (tp, default)
        return out

    def get_command(self, **kwargs) -> str:
        parts = [self.executable]
        if self.subcommand:
            parts.append(self.subcommand)
        return " ".join(p for p in parts if p)

    def get_arguments(self, **kwargs) -> str:
        return ""

    @classmethod
    def get_workflows(cls, descriptions: List[Dict]) -> List["Workflow"]:
        return [cls(**desc) for desc in descriptions]

    def _own_values(self, avoid):
        common = set(_COMMON)
        for key in list(self.fields()) + self._extra:
            if key in common or key in (avoid or []):
                continue
            yield key, getattr(self, key, None)

    def get_numeric_fields(self, avoid_attributes=None) -> List[str]:
        return [k for k, v in self._own_values(avoid_attributes)
                if isinstance(v, (int, float)) and not isinstance(v, bool)]

    def get_categorical_fields(self, avoid_attributes=None) -> List[str]:
        return [k for k, v in self._own_values(avoid_attributes) if isinstance(v, (str, bool))]

    def estimate_resources(self) -> Dict[str, Any]:
        """What the workflow needs (ranks, threads, memory, runtime); the planner
        plans with it. Override to compute it from the fields."""
        return dict(self.resources or {})


class Campaign:
    """Workflows run together as one socm campaign. `deadline` is minutes (a
    number) or a socm duration ("4h"); `workflows` are Workflow objects."""

    def __init__(self, workflows, deadline=60, id=None, name=None, campaign_policy="time",
                 execution_schema=None, requested_resources=0, target_resource=None):
        self.id = id
        self.workflows = list(workflows)
        self.deadline = deadline
        self.name = name or (f"campaign-{id}" if id is not None else "campaign")
        self.campaign_policy = campaign_policy
        self.execution_schema = execution_schema
        self.requested_resources = requested_resources
        self.target_resource = target_resource
