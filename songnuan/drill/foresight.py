"""What a dispatcher who knew the whole night in advance could have done (事后最优排班).

Every person reported becomes a stop to be reached within a number of minutes of their first
report, and before they leave; every squad starts at its base at dusk and may drive ahead and
wait, so it can stand by where someone is about to be reported. OR-Tools' routing search
(`routing.plan_routes`) looks for the schedule that reaches the most people so, within its time.

This is not a bound: the search stops at its time limit, and it works on expected times (the
average drive, the average time on the scene and at a shelter). It is a schedule a dispatcher
with foresight could have followed. When the drill's plan reaches far fewer people in time, the
squads are not too few for the night: they were in the wrong place at the wrong time.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from songnuan.outreach import routing


@dataclass(frozen=True)
class Someone:
    """A person as foresight sees them: where, when first reported, when gone (seconds from
    dusk), and the minutes a squad spends once there (on the scene, and any escort)."""

    key: int
    lat: float
    lon: float
    reported_s: int
    gone_s: int
    service_s: int


@functools.lru_cache(maxsize=8)
def reached_within(people: tuple[Someone, ...], bases: tuple[tuple[float, float], ...],
                   targets: tuple[float, ...], *, speed_kmh: float,
                   time_limit_s: float) -> dict[float, int]:
    """For each target in minutes, how many of `people` a squad reaches within it of their
    first report, in the best schedule found in `time_limit_s` (0: the first schedule found).
    A schedule in time for a target is in time for a longer one, so a longer target never
    reports fewer. The same question for the same night and squads is answered once, whichever
    policy asks."""
    found: dict[float, int] = {}
    best = 0
    for minutes in sorted(targets):
        best = max(best, _reached(people, bases, minutes, speed_kmh, time_limit_s))
        found[minutes] = best
    return found


def _reached(people: tuple[Someone, ...], bases: tuple[tuple[float, float], ...],
             minutes: float, speed_kmh: float, time_limit_s: float) -> int:
    if not people or not bases:
        return 0
    stops = []
    for person in people:
        latest = min(person.gone_s, person.reported_s + round(minutes * 60))
        if latest >= person.reported_s:
            stops.append(routing.Stop(str(person.key), person.lat, person.lon,
                                      service_s=person.service_s,
                                      window_s=(person.reported_s, latest)))
    if not stops:
        return 0
    # A squad need not come back to its base by dawn: its shift is as long as the search needs.
    shift_end = max(stop.window_s[1] + stop.service_s for stop in stops) + 24 * 3600
    vehicles = [routing.Vehicle(str(number), lat, lon, 0, shift_end, speed_kmh=speed_kmh)
                for number, (lat, lon) in enumerate(bases)]
    return routing.plan_routes(stops, vehicles, time_limit_s=time_limit_s).visit_count
