"""Bookkeeper: runs a Campaign with socm (`socm run`), each campaign a real run with
its own state directory and journal (so `socm resume` continues it)."""
from socm.bookkeeper.bookkeeper import Bookkeeper

__all__ = ["Bookkeeper"]
