"""Distances on the Earth's surface and boxes around points, in metres."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

EARTH_RADIUS_M = 6_371_008.8  # mean radius (IUGG)
METRES_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_M / 180.0

T = TypeVar("T")


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BoundingBox:
    south: float
    west: float
    north: float
    east: float

    def contains(self, lat: float, lon: float) -> bool:
        return self.south <= lat <= self.north and self.west <= lon <= self.east


def bounding_box(lat: float, lon: float, radius_m: float) -> BoundingBox:
    """The smallest lat/lon box holding every point within radius_m (for indexed prefilters)."""
    d_lat = radius_m / METRES_PER_DEGREE_LAT
    cos_lat = max(math.cos(math.radians(min(89.9, abs(lat) + d_lat))), 1e-6)
    d_lon = min(180.0, d_lat / cos_lat)
    return BoundingBox(lat - d_lat, lon - d_lon, lat + d_lat, lon + d_lon)


def nearest(
    lat: float, lon: float, items: Iterable[T], position, limit: int
) -> list[tuple[float, T]]:
    """The `limit` items nearest to (lat, lon) as (distance_m, item), nearest first.

    `position(item)` gives an item's (lat, lon).
    """
    ranked = []
    for item in items:
        item_lat, item_lon = position(item)
        ranked.append((haversine_m(lat, lon, item_lat, item_lon), item))
    ranked.sort(key=lambda pair: pair[0])
    return ranked[:limit]
