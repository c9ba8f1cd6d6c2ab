"""The network's one door to `songnuan.geo`: coordinates, distances and districts.

Everything the network asks about places goes through here, so the rest of the app reads in
domain terms (`locate(lat, lon, system)`) with translated, field-level errors, and one module
tracks the geo library's API.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from songnuan.geo import coords, distance, districts
from songnuan.network.city import served_city
from songnuan.network.models import District
from songnuan.refusals import Refused
from songnuan.words import in_language

COORD_SYSTEMS = tuple(system.value for system in coords.CoordSystem)


_districts_by_code: dict[str, District] = {}


class PlaceError(Refused):
    """A position that cannot be used; `field` says which input is at fault."""

    def __init__(self, message: str, field: str = "lat") -> None:
        super().__init__(message, field=field, code="place")


@dataclass(frozen=True)
class Located:
    lat: float
    lon: float
    district_code: str | None


def to_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    """Convert a position entered in WGS-84, GCJ-02 (Amap, Tencent) or BD-09 (Baidu)."""
    system = (system or "wgs84").lower().replace("-", "").replace("_", "")
    if system not in COORD_SYSTEMS:
        raise PlaceError(
            _("Unknown coordinate system “%(system)s”: use wgs84, gcj02 or bd09.")
            % {"system": system}, field="coord",
        )
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise PlaceError(_("These are not coordinates on Earth."))
    return coords.to_wgs84(lat, lon, system)


def from_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    return coords.from_wgs84(lat, lon, system)


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return distance.haversine_m(lat1, lon1, lat2, lon2)


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that holds every point within radius_m."""
    box = distance.bounding_box(lat, lon, radius_m)
    return box.south, box.north, box.west, box.east


def in_city_bounds(lat: float, lon: float) -> bool:
    return districts.city_bbox().contains(lat, lon)


def district_code_at(lat: float, lon: float) -> str | None:
    """The GB/T 2260 code of the city's district holding this WGS-84 point, or None."""
    found = districts.district_at(lat, lon)
    return found.code if found else None


def district_features() -> list[dict]:
    """The district outlines as GeoJSON features (for the offline staff map)."""
    return [{**district.geojson(), "properties": {
        "kind": "district", "code": district.code,
        "name": in_language(district.name, district.name_en)}}
        for district in districts.districts()]


def inside_boundary(code: str, lat: float, lon: float) -> bool:
    """Strictly inside the district's polygon (no coastal tolerance): for generated positions."""
    return districts.district_by_code(code).contains(lat, lon)


def in_city(lat: float, lon: float, system: str = "wgs84") -> tuple[float, float]:
    """A position entered in any system → WGS-84, if it lies in the city's extent.

    Swapped latitude and longitude (a common slip when copying from map apps that write
    "lon,lat") get their own message, since the fix is obvious once it is named.
    """
    try:
        wgs_lat, wgs_lon = to_wgs84(lat, lon, system)
    except PlaceError as error:
        if error.field != "coord" and _looks_swapped(lat, lon, system):
            raise PlaceError(SWAPPED_MESSAGE()) from None
        raise
    if not in_city_bounds(wgs_lat, wgs_lon):
        if _looks_swapped(lat, lon, system):
            raise PlaceError(SWAPPED_MESSAGE())
        raise PlaceError(_("This position is outside %(city)s.")
                         % {"city": served_city().display_name()})
    return wgs_lat, wgs_lon


def locate(lat: float, lon: float, system: str = "wgs84") -> Located:
    """A position as staff entered it → WGS-84 and its district, or a PlaceError."""
    wgs_lat, wgs_lon = in_city(lat, lon, system)
    code = district_code_at(wgs_lat, wgs_lon)
    if code is None:
        raise PlaceError(_("This position is outside the districts of %(city)s.")
                         % {"city": served_city().display_name()})
    return Located(wgs_lat, wgs_lon, code)


def SWAPPED_MESSAGE() -> str:  # noqa: N802 - reads as the constant it stands for
    bbox = districts.city_bbox()
    return _("Latitude and longitude look swapped: latitude comes first (about %(lat)d in "
             "%(city)s), longitude second (about %(lon)d).") % {
        "lat": round((bbox.south + bbox.north) / 2), "lon": round((bbox.west + bbox.east) / 2),
        "city": served_city().display_name()}


def _looks_swapped(lat: float, lon: float, system: str) -> bool:
    try:
        return in_city_bounds(*to_wgs84(lon, lat, system))
    except PlaceError:
        return False


def district_for_point(lat: float, lon: float) -> District | None:
    """The registry's District for a WGS-84 point, or None outside the city."""
    found = districts.district_at(lat, lon)
    if found is None:
        return None
    # Ten rows that change about never: cached per process so a surge of reports skips a query.
    district = _districts_by_code.get(found.code)
    if district is None:
        district = District.objects.filter(code=found.code).first()
        if district is not None:
            _districts_by_code[found.code] = district
    return district


def forget_districts(**kwargs) -> None:
    """Drop the cached districts (connected to District's save and delete signals)."""
    _districts_by_code.clear()
