"""Where a free squad should wait (待命点): near where people are likely to be reported next.

A squad with nothing to do waits somewhere. Where it waits decides how soon it is on the scene
when the next report comes, and on a cold night most reports come from places the bureau knows:
its hotspots (by risk level) and, less often, anywhere in a district. So the free squads are
spread to cover the most of that expected demand within a drive of `reach_s`, each squad moved
only when the cover it adds is worth the drive (a maximal covering location, solved greedily),
and a squad already covering what it would cover elsewhere stays where it is.

A squad waits in its own district, where it is the first sent (`planning.eligible`), or in a
district with no squad on shift of its own, where the nearest neighbour goes.

Pure Python with numpy; it knows nothing of Django models.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from songnuan.outreach.planning import SquadState, Waiting, travel_seconds

REACH_S = 20 * 60  # a free squad covers the places it can reach within this drive
# A squad's drive costs this share of the night's whole expected demand per hour driven: an
# hour's drive is worth it only to cover a tenth of the demand no other squad covers.
MOVE_COST_PER_HOUR = 0.1
MOVE_AT_LEAST_S = 5 * 60  # a shorter move is not worth telling a squad


@dataclass(frozen=True)
class Demand:
    """A place where people are expected tonight, with its share of them."""

    lat: float
    lon: float
    weight: float
    district_id: int | None = None
    name: str = ""


def standby_points(demand: list[Demand], free: list[SquadState], *,
                   manned: frozenset[int] = frozenset(), reach_s: float = REACH_S,
                   staying: list[SquadState] = ()) -> dict[int, Demand]:
    """The place each free squad should go and wait, for those worth moving (squad → the
    demand point to wait at). A squad is where it stands, or where it was told to wait;
    `manned`: the districts of the squads on shift, free or not; `staying`: free squads that
    are not to be moved, whose cover counts."""
    total = sum(point.weight for point in demand)
    if not demand or not free or total <= 0:
        return {}
    points = [Waiting(n, point.district_id, point.lat, point.lon, point.weight, 0.0)
              for n, point in enumerate(demand)]
    weights = np.array([point.weight for point in demand], dtype=float)
    # covers[c, d]: a squad waiting at demand point c reaches point d in time.
    covers = reach_s >= travel_seconds(points, [_at(point) for point in points]).T
    drive = travel_seconds(points, free).T  # squads × candidate points
    here = reach_s >= drive  # what each squad covers where it is
    cost = np.where(_may_wait(demand, free, manned),
                    MOVE_COST_PER_HOUR * total * drive / 3600, np.inf)
    uncovered = np.ones(len(demand))
    if staying:
        uncovered *= ~(reach_s >= travel_seconds(points, list(staying)).T).any(axis=0)
    left = list(range(len(free)))
    moves: dict[int, Demand] = {}
    while left:
        gains = (covers * (weights * uncovered)[None, :]).sum(axis=1)  # per candidate point
        stay = (here[left] * (weights * uncovered)[None, :]).sum(axis=1)
        value = gains[None, :] - cost[left]
        best = value.argmax(axis=1)
        best_value = value[np.arange(len(left)), best]
        row = int(np.argmax(np.maximum(best_value, stay)))
        squad = left.pop(row)
        if best_value[row] > stay[row] and drive[squad, best[row]] >= MOVE_AT_LEAST_S:
            moves[free[squad].key] = demand[int(best[row])]
            uncovered *= ~covers[int(best[row])]
        else:
            uncovered *= ~here[squad]
    return moves


def _may_wait(demand: list[Demand], free: list[SquadState], manned: frozenset[int]
              ) -> np.ndarray:
    """Squads × points: the point is in the squad's district, or in one with no squad."""
    homes = manned | {squad.district_id for squad in free}
    district = np.array([-1 if point.district_id is None else point.district_id
                         for point in demand])
    own = district[None, :] == np.array([squad.district_id for squad in free])[:, None]
    return own | ~np.isin(district, list(homes))[None, :]


def _at(point: Waiting) -> SquadState:
    return SquadState(point.key, "", point.district_id or 0, 0.0, point.lat, point.lon,
                      load=0, capacity=1)
