"""Other apps' named places (relief sites, hotspots) offered to the resolver.

The gazetteer sits below the apps that own those places, so they register themselves in their
`AppConfig.ready()`:

    register_source(Site.objects.all, source="site", senders=(Site,))

`rows()` yields objects with `pk`, `name`, `lat`, `lon` and `district_id` (and optionally a
`place_type` that is also a place kind). The resolver caches what they give until a save or
delete of one of `senders` says the list changed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models.signals import post_delete, post_save

RowsSource = Callable[[], Iterable[Any]]


@dataclass(frozen=True)
class NameSource:
    rows: RowsSource
    source: str  # how matches from it are labelled: "site", "hotspot", …


_sources: list[NameSource] = []
_listeners: list[Callable[..., None]] = []


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


def _changed(**kwargs) -> None:
    for listener in _listeners:
        listener()
