"""Who else acts when a lead changes status: a registry higher apps fill in their `ready()`.

A listener is called as fn(lead, previous_status, by) inside the transaction that moved the lead,
so what it writes commits or rolls back with the step itself. Outreach registers one that closes
the live task of a lead resolved elsewhere (marked invalid, resolved through the staff API):

    register_listener(close_live_tasks)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

StatusListener = Callable[[Any, str, Any], None]

_listeners: list[StatusListener] = []


def register_listener(listener: StatusListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def status_changed(lead: Any, previous: str, by: Any) -> None:
    for listener in _listeners:
        listener(lead, previous, by)
