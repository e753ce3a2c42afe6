"""socm: write socm workflow types and planners in Python.

socm runs a module named in a campaign (``plugins = ["python:MODULE"]``) through
``python3 -m socm.ext``, which answers socm's JSON requests with the classes the
module registers (see docs/extending.md)."""

PROTOCOL = 1
