"""BaseEnactor: callbacks on a campaign's state changes.

socm runs the workflows; an enactor given to a Bookkeeper receives every state
change of its campaign (`socm events STATE_DIR --follow`, one JSON object a line)
and calls the functions registered for that state with the event (a dict:
workflow, id, state, attempt, result, reason...)."""
from collections import defaultdict


class BaseEnactor:
    def __init__(self):
        self._callbacks = defaultdict(list)

    def register_callback(self, state, fn):
        """Calls fn(event) for every change to `state` ("RUNNING", "DONE", "FAILED"...;
        "*" for every change)."""
        self._callbacks[state].append(fn)

    def _trigger_callbacks(self, state, event):
        for fn in self._callbacks.get(state, []) + self._callbacks.get("*", []):
            fn(event)

    def on_event(self, event):
        """One line of the events stream; dispatches to the callbacks."""
        self._trigger_callbacks(event.get("state"), event)
