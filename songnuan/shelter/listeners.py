"""Who hears of an admission or of a person leaving a station on their own: apps above shelter
register a listener, shelter never imports them.

    register_admission_listener(fn)   # fn(stay) runs inside `admit`'s transaction
    register_departure_listener(fn)   # fn(stay, by) runs inside `discharge`'s transaction when
                                      # the stay ends without a discharge (they left on their own)

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


DepartureListener = Callable[[Any, Any], None]

_departure_listeners: list[DepartureListener] = []


def register_departure_listener(listener: DepartureListener) -> None:
    if listener not in _departure_listeners:
        _departure_listeners.append(listener)


def left_without_discharge(stay: Any, by: Any) -> None:
    """Tell every listener that the person of `stay` left the station without a discharge."""
    for listener in _departure_listeners:
        listener(stay, by)
