"""Who hears of an admission or of a person leaving a station on their own: apps above shelter
register a listener, shelter never imports them.

    register_admission_listener(fn)   # fn(stay) runs inside `admit`'s transaction
    register_departure_listener(fn)   # fn(stay, by) runs inside `discharge`'s transaction when
                                      # the stay ends without a discharge (they left on their own)
    register_day_source(fn)           # fn(user, site, day) -> [LoggedElsewhere]: what another
                                      # app keeps of a station's day, shown in its daily log

A listener does only what is cheap and must be part of the admission (tracing opens the case of
a person nobody can name); slow work it queues with `transaction.on_commit`, so a refused or
rolled-back admission queues nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
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


@dataclass(frozen=True)
class LoggedElsewhere:
    """Something of a station's day that another app keeps (an incident), for its daily log."""

    at: datetime.datetime
    text: str
    url: str


DaySource = Callable[[Any, Any, datetime.date], list[LoggedElsewhere]]
_day_sources: list[DaySource] = []


def register_day_source(source: DaySource) -> None:
    if source not in _day_sources:
        _day_sources.append(source)


def kept_elsewhere(user: Any, site: Any, day: datetime.date) -> list[LoggedElsewhere]:
    """What the registered apps keep of the station's day that `user` may see, earliest first."""
    found = [entry for source in _day_sources for entry in source(user, site, day)]
    return sorted(found, key=lambda entry: entry.at)
