"""Live occupancy of sites, gathered from whichever apps know it.

Relief points count warming visits; stations count beds taken by stays. Each source registers a
function mapping site ids to the places in use, so "full" is derived, never typed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

# site ids -> number in use at those sites (sites with none may be left out)
OccupancySource = Callable[[Iterable[int]], dict[int, int]]

_bed_sources: list[OccupancySource] = []
_seat_sources: list[OccupancySource] = []


def register_bed_source(source: OccupancySource) -> None:
    if source not in _bed_sources:
        _bed_sources.append(source)


def register_seat_source(source: OccupancySource) -> None:
    if source not in _seat_sources:
        _seat_sources.append(source)


def beds_in_use(site_ids: Iterable[int]) -> dict[int, int]:
    return _gather(_bed_sources, site_ids)


def seats_in_use(site_ids: Iterable[int]) -> dict[int, int]:
    return _gather(_seat_sources, site_ids)


def _gather(sources: list[OccupancySource], site_ids: Iterable[int]) -> dict[int, int]:
    ids = list(site_ids)
    totals: dict[int, int] = dict.fromkeys(ids, 0)
    for source in sources:
        for site_id, used in source(ids).items():
            totals[site_id] = totals.get(site_id, 0) + used
    return totals
