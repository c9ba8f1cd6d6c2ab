"""Where people gather (聚集规律): hotspots ranked by people found, and proposed new hotspots.

An encounter within `HOTSPOT_RADIUS_M` of an active hotspot happened at the nearest one. The
encounters with people found that happened at no hotspot are clustered by density (DBSCAN over
great-circle distance, weighted by the people found): a cluster of at least
`PROPOSAL_MIN_PEOPLE` people within `PROPOSAL_EPS_M` of one another is a place that draws
people and is proposed as a new hotspot, with the encounters behind it as evidence.

scikit-learn is imported inside the two functions that use it: it takes about two seconds to
import, which every process that loads the URLs (each server worker, each command) would pay.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from songnuan.analytics.selection import Selection, night_and_hour
from songnuan.geo.distance import haversine_m
from songnuan.network.models import district_names
from songnuan.outreach.models import Hotspot

EARTH_RADIUS_M = 6_371_008.8
HOTSPOT_RADIUS_M = 300.0
PROPOSAL_EPS_M = 150.0
PROPOSAL_MIN_PEOPLE = 5
SAMPLES = 5


@dataclass
class Point:
    encounter_id: int
    lat: float
    lon: float
    at: datetime.datetime
    place: str
    district_id: int
    people: int


def found_points(sel: Selection) -> list[Point]:
    """Encounters of the selection at which at least one person was found."""
    if "points" in sel._loaded:
        return sel._loaded["points"]
    people = Counter(row[1] for row in sel.found_rows())
    rows = (sel.encounters().filter(people__isnull=False).distinct()
            .values_list("pk", "lat", "lon", "at", "place", "district_id").order_by("at", "pk"))
    sel._loaded["points"] = [Point(pk, lat, lon, at, place, district_id, people[pk])
                             for pk, lat, lon, at, place, district_id in rows if people[pk]]
    return sel._loaded["points"]


def _radians(points) -> np.ndarray:
    return np.radians(np.array([[p[0], p[1]] for p in points], dtype=float).reshape(-1, 2))


def nearest_hotspots(points: list[Point], hotspots: list[Hotspot]) -> list[int | None]:
    """For each point, the id of the nearest hotspot within HOTSPOT_RADIUS_M, else None."""
    if not points or not hotspots:
        return [None] * len(points)
    from sklearn.neighbors import BallTree  # slow to import: see the module's docstring

    tree = BallTree(_radians([(h.lat, h.lon) for h in hotspots]), metric="haversine")
    distance, index = tree.query(_radians([(p.lat, p.lon) for p in points]), k=1)
    return [hotspots[i[0]].pk if d[0] * EARTH_RADIUS_M <= HOTSPOT_RADIUS_M else None
            for d, i in zip(distance, index, strict=True)]


def _all_active_hotspots() -> list[Hotspot]:
    # Every active hotspot, whoever may see it: a point beside a neighbour's hotspot is that
    # hotspot's, not a new place.
    return list(Hotspot.objects.active().only("pk", "lat", "lon"))


@dataclass
class RankedHotspot:
    hotspot: Hotspot
    people: int = 0
    encounters: int = 0
    leads: int = 0


def ranked_hotspots(sel: Selection) -> list[RankedHotspot]:
    """The user's hotspots in the selected districts, by people found there in the period."""
    shown = {h.pk: RankedHotspot(h) for h in Hotspot.objects.restrict(sel.user, "view").active()
             .filter(district_id__in=sel.district_ids).select_related("district")}
    points = found_points(sel)
    for point, hotspot_id in zip(points, nearest_hotspots(points, _all_active_hotspots()),
                                 strict=True):
        if hotspot_id in shown:
            shown[hotspot_id].people += point.people
            shown[hotspot_id].encounters += 1
    for hotspot_id in sel.leads().filter(hotspot_id__in=list(shown)).values_list("hotspot_id",
                                                                                 flat=True):
        shown[hotspot_id].leads += 1
    return sorted(shown.values(), key=lambda r: (-r.people, -r.leads, r.hotspot.name))


def encounters_at_hotspot(sel: Selection, hotspot_id: int) -> list[int]:
    points = found_points(sel)
    return [point.encounter_id for point, nearest
            in zip(points, nearest_hotspots(points, _all_active_hotspots()), strict=True)
            if nearest == hotspot_id]


@dataclass
class Proposal:
    number: int
    lat: float
    lon: float
    people: int
    radius_m: float
    district: str
    first: datetime.date
    last: datetime.date
    nights: int
    encounter_ids: list[int] = field(default_factory=list)
    samples: list[Point] = field(default_factory=list)


def proposals(sel: Selection) -> list[Proposal]:
    """Places that draw people but are no hotspot yet, most people first."""
    found = found_points(sel)
    points = [point for point, nearest
              in zip(found, nearest_hotspots(found, _all_active_hotspots()), strict=True)
              if nearest is None]
    if not points:
        return []
    from sklearn.cluster import DBSCAN  # slow to import: see the module's docstring

    labels = DBSCAN(eps=PROPOSAL_EPS_M / EARTH_RADIUS_M, min_samples=PROPOSAL_MIN_PEOPLE,
                    metric="haversine", algorithm="ball_tree").fit(
        _radians([(p.lat, p.lon) for p in points]),
        sample_weight=[p.people for p in points]).labels_
    clusters: dict[int, list[Point]] = {}
    for point, label in zip(points, labels, strict=True):
        if label >= 0:
            clusters.setdefault(int(label), []).append(point)
    names = district_names()
    found = [_proposal(members, names) for members in clusters.values()]
    found.sort(key=lambda p: (-p.people, p.first, p.lat))
    for number, proposal in enumerate(found, start=1):
        proposal.number = number
    return found


def _proposal(members: list[Point], names: dict[int, str]) -> Proposal:
    weights = [p.people for p in members]
    lat = float(np.average([p.lat for p in members], weights=weights))
    lon = float(np.average([p.lon for p in members], weights=weights))
    nights = sorted({night_and_hour(p.at)[0] for p in members})
    district_id = Counter(p.district_id for p in members).most_common(1)[0][0]
    return Proposal(
        number=0, lat=round(lat, 6), lon=round(lon, 6), people=sum(weights),
        radius_m=round(max(haversine_m(lat, lon, p.lat, p.lon) for p in members)),
        district=names.get(district_id, ""), first=nights[0], last=nights[-1],
        nights=len(nights), encounter_ids=[p.encounter_id for p in members],
        samples=sorted(members, key=lambda p: p.at, reverse=True)[:SAMPLES],
    )


def map_data(sel: Selection, ranked: list[RankedHotspot], proposed: list[Proposal]) -> dict:
    """What the map script draws: compact points for the heat and cluster layers."""
    leads = [[round(lat, 5), round(lon, 5)] for lat, lon in sel.leads()
             .filter(lat__isnull=False, lon__isnull=False).values_list("lat", "lon")]
    encounters = [[round(p.lat, 5), round(p.lon, 5), p.people] for p in found_points(sel)]
    return {
        "leads": leads, "encounters": encounters,
        "hotspots": [{"id": r.hotspot.pk, "name": r.hotspot.name, "lat": r.hotspot.lat,
                      "lon": r.hotspot.lon, "people": r.people, "rank": rank}
                     for rank, r in enumerate(ranked, start=1)],
        "proposals": [{"number": p.number, "lat": p.lat, "lon": p.lon, "people": p.people,
                       "radius_m": max(p.radius_m, 50)} for p in proposed],
    }
