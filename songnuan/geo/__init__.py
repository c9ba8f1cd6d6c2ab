"""Coordinates, distances, China's cities and the served city's districts: pure Python, no
Django, usable anywhere."""

from __future__ import annotations

from .cities import CityLookupError, Place, find_city
from .coords import CoordError, CoordSystem, from_wgs84, to_wgs84, validate_lat_lon
from .distance import (
    EARTH_RADIUS_M,
    BoundingBox,
    Ranked,
    bounding_box,
    haversine_m,
    rank_by_distance,
)
from .districts import (
    District,
    DistrictDataError,
    DistrictMap,
    city_bbox,
    district_at,
    district_by_code,
    is_in_city,
    load_districts,
    looks_swapped,
    random_point_in,
    use_boundaries,
    use_city,
)

__all__ = [
    "EARTH_RADIUS_M",
    "BoundingBox",
    "CityLookupError",
    "CoordError",
    "CoordSystem",
    "District",
    "DistrictDataError",
    "DistrictMap",
    "Place",
    "Ranked",
    "bounding_box",
    "city_bbox",
    "district_at",
    "district_by_code",
    "find_city",
    "from_wgs84",
    "haversine_m",
    "is_in_city",
    "load_districts",
    "looks_swapped",
    "random_point_in",
    "rank_by_distance",
    "to_wgs84",
    "use_boundaries",
    "use_city",
    "validate_lat_lon",
]
