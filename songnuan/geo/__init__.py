"""Coordinates, distances and Qingdao's districts: pure Python, no Django, usable anywhere."""

from __future__ import annotations

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
    QINGDAO_BBOX,
    QINGDAO_DISTRICTS,
    District,
    DistrictDataError,
    DistrictMap,
    district_at,
    district_by_code,
    is_in_qingdao,
    load_districts,
    looks_swapped,
    random_point_in,
    use_boundaries,
)

__all__ = [
    "EARTH_RADIUS_M",
    "QINGDAO_BBOX",
    "QINGDAO_DISTRICTS",
    "BoundingBox",
    "CoordError",
    "CoordSystem",
    "District",
    "DistrictDataError",
    "DistrictMap",
    "Ranked",
    "bounding_box",
    "district_at",
    "district_by_code",
    "from_wgs84",
    "haversine_m",
    "is_in_qingdao",
    "load_districts",
    "looks_swapped",
    "random_point_in",
    "rank_by_distance",
    "to_wgs84",
    "use_boundaries",
    "validate_lat_lon",
]
