"""Who hears of an admission: apps above shelter register a listener, shelter never imports them.

    register_admission_listener(fn)   # fn(stay) runs inside `admit`'s transaction

A listener does only what is cheap and must be part of the admission (tracing opens the case of
a person nobody can name); slow work it queues with `transaction.on_commit`, so a refused or
rolled-back admission queues nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

AdmissionListener = Callable[[Any], None]

_listeners: list[AdmissionListener] = []


def register_admission_listener(listener: AdmissionListener) -> None:
    if listener not in _listeners:
        _listeners.append(listener)


def admitted(stay: Any) -> None:
    """Tell every listener about a new stay, in the order they registered."""
    for listener in _listeners:
        listener(stay)
