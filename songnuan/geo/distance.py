"""Great-circle distances, bounding boxes for SQL pre-filtering and ranking by distance.

Pure Python on purpose: the nearest-site API ranks a few thousand sites per request, which the
standard library does in about a millisecond without pulling numpy into the request path.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Iterable
from typing import Generic, NamedTuple, TypeVar

# Mean Earth radius (IUGG); the sphere is within 0.5 % of the ellipsoid, plenty for "how far".
EARTH_RADIUS_M = 6_371_008.8
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180.0

# Widens every bounding box by about 0.1 mm so that floating-point rounding never drops a
# point lying exactly on the circle.
BBOX_PADDING_DEG = 1e-9

T = TypeVar("T")


class BoundingBox(NamedTuple):
    """A latitude/longitude rectangle in degrees, inclusive on every side."""

    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


class Ranked(NamedTuple, Generic[T]):
    """An item with its distance from the query point."""

    item: T
    distance_m: float


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres between two WGS-84 points."""
    return _central_angle(_haversine_term(lat1, lon1, lat2, lon2)) * EARTH_RADIUS_M


def _haversine_term(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    sin_dphi = math.sin((phi2 - phi1) / 2.0)
    sin_dlambda = math.sin(math.radians(lon2 - lon1) / 2.0)
    return sin_dphi * sin_dphi + math.cos(phi1) * math.cos(phi2) * sin_dlambda * sin_dlambda


def _central_angle(term: float) -> float:
    return 2.0 * math.asin(math.sqrt(min(1.0, max(0.0, term))))


def bounding_box(lat: float, lon: float, radius_m: float) -> BoundingBox:
    """The smallest lat/lon rectangle holding every point within ``radius_m`` of the centre.

    Meant for an indexed ``lat BETWEEN … AND lon BETWEEN …`` filter before the exact distance.
    Near a pole, or where the circle crosses the antimeridian, longitude widens to the full
    -180..180 rather than wrapping, so the box is never too small.
    """
    if radius_m < 0:
        raise ValueError("radius_m must not be negative")
    angular = radius_m / EARTH_RADIUS_M
    d_lat = math.degrees(angular) + BBOX_PADDING_DEG
    min_lat, max_lat = lat - d_lat, lat + d_lat
    if min_lat <= -90.0 or max_lat >= 90.0 or angular >= math.pi / 2:
        return BoundingBox(max(min_lat, -90.0), -180.0, min(max_lat, 90.0), 180.0)
    # The widest longitude extent of a spherical cap is at latitude asin(sin φ / cos δ), not at
    # the centre's latitude; this formula gives that extent exactly.
    d_lon = math.degrees(math.asin(min(1.0, math.sin(angular) / math.cos(math.radians(lat)))))
    d_lon += BBOX_PADDING_DEG
    min_lon, max_lon = lon - d_lon, lon + d_lon
    if min_lon < -180.0 or max_lon > 180.0:
        return BoundingBox(min_lat, -180.0, max_lat, 180.0)
    return BoundingBox(min_lat, min_lon, max_lat, max_lon)


def _as_position(item: object) -> tuple[float, float]:
    lat, lon = item  # type: ignore[misc]
    return lat, lon


def rank_by_distance(
    lat: float,
    lon: float,
    items: Iterable[T],
    position: Callable[[T], tuple[float, float]] = _as_position,
    *,
    limit: int | None = None,
    max_distance_m: float | None = None,
) -> list[Ranked[T]]:
    """Items ordered by great-circle distance from ``(lat, lon)``, nearest first.

    ``position`` maps an item to its WGS-84 ``(lat, lon)``; by default items are such tuples.
    Ties keep input order. Ranking uses the haversine term itself (monotonic in distance), so
    only the returned items pay for the square root and arcsine.
    """
    cos_lat = math.cos(math.radians(lat))
    box = bounding_box(lat, lon, max_distance_m) if max_distance_m is not None else None
    max_term = _max_term(max_distance_m)
    keyed: list[tuple[float, int, T]] = []
    for index, item in enumerate(items):
        item_lat, item_lon = position(item)
        if box is not None and not box.contains(item_lat, item_lon):
            continue
        term = _term_from_cos(lat, cos_lat, lon, item_lat, item_lon)
        if term <= max_term:
            keyed.append((term, index, item))
    best = heapq.nsmallest(limit, keyed) if limit is not None else sorted(keyed)
    return [Ranked(item, _central_angle(term) * EARTH_RADIUS_M) for term, _, item in best]


def _max_term(max_distance_m: float | None) -> float:
    if max_distance_m is None or max_distance_m >= math.pi * EARTH_RADIUS_M:
        return math.inf
    return math.sin(max_distance_m / EARTH_RADIUS_M / 2.0) ** 2


def _term_from_cos(lat1: float, cos_lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    sin_dphi = math.sin(math.radians(lat2 - lat1) / 2.0)
    sin_dlambda = math.sin(math.radians(lon2 - lon1) / 2.0)
    return sin_dphi * sin_dphi + cos_lat1 * math.cos(math.radians(lat2)) * sin_dlambda**2
