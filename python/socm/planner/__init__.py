"""Planners written in Python (see socm.planner.base)."""
