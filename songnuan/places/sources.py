"""Other apps' named places (relief sites, hotspots) offered to the resolver.

The gazetteer sits below the apps that own those places, so they register themselves in their
`AppConfig.ready()`:

    register_source(Hotspot.objects.active, source="hotspot", senders=(Hotspot,))

`nearest(source, lat, lon, radius_m)` answers "the nearest hotspot to this report" for apps
below the one that owns hotspots (a public report asks it every time).

`rows()` yields objects with `pk`, `name`, `lat`, `lon` and `district_id` (and optionally a
`place_type` that is also a place kind). The resolver caches what they give until a save or
delete of one of `senders` says the list changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save

from songnuan.geo.distance import bounding_box, haversine_m

RowsSource = Callable[[], Iterable[Any]]
# A source's rows (a few hundred hotspots), read at most once a minute per process for
# `nearest`; a save or delete of one of its senders clears them in this process.
ROWS_CACHE_S = 60


@dataclass(frozen=True)
class NameSource:
    rows: RowsSource
    source: str  # how matches from it are labelled: "site", "hotspot", …


_sources: list[NameSource] = []
_listeners: list[Callable[..., None]] = []
_rows: dict[str, tuple[float, list[Any]]] = {}


def register_source(rows: RowsSource, *, source: str, senders: Iterable[type] = ()) -> None:
    """Offer `rows()` to the resolver; its cache is dropped when a sender row changes."""
    entry = NameSource(rows, source)
    if entry in _sources:
        return
    _sources.append(entry)
    for sender in senders:
        for signal in (post_save, post_delete):
            signal.connect(_changed, sender=sender, dispatch_uid=f"places-{source}-{signal}")


def registered() -> list[NameSource]:
    return list(_sources)


def on_change(listener: Callable[..., None]) -> None:
    """Call `listener` whenever a registered source says its rows changed."""
    if listener not in _listeners:
        _listeners.append(listener)


def rows_of(source: str) -> list[Any]:
    """The rows of the source registered under this label (none when nothing registered it)."""
    cached = _rows.get(source)
    if cached is not None and time.monotonic() - cached[0] < ROWS_CACHE_S:
        return cached[1]
    rows = [row for entry in _sources if entry.source == source for row in entry.rows()]
    _rows[source] = (time.monotonic(), rows)
    return rows


def nearest(source: str, lat: float, lon: float, radius_m: float) -> tuple[Any, float] | None:
    """The nearest row of a source within radius_m of a WGS-84 point, with its distance."""
    box = bounding_box(lat, lon, radius_m)
    best: tuple[Any, float] | None = None
    for row in rows_of(source):
        if not (box.south <= row.lat <= box.north and box.west <= row.lon <= box.east):
            continue
        distance = haversine_m(lat, lon, row.lat, row.lon)
        if distance <= radius_m and (best is None or distance < best[1]):
            best = (row, distance)
    return best


def forget() -> None:
    """Drop the cached rows of every source."""
    _rows.clear()


def _changed(**kwargs) -> None:
    forget()
    for listener in _listeners:
        listener()
