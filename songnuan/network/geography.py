"""The network's one door to `songnuan.geo`: coordinates, distances and districts.

Everything the network asks about places goes through here, so the rest of the app reads in
domain terms (`locate(lat, lon, system)`) and one module tracks the geo library's API. Until
`songnuan.geo` is installed beside this app a small built-in fallback answers (district centres
instead of polygons); it is replaced by the real module as soon as that is importable.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

COORD_SYSTEMS = ("wgs84", "gcj02", "bd09")
EARTH_RADIUS_M = 6_371_008.8
# Qingdao's extent with a margin (WGS-84): used before the district lookup to tell "outside
# Qingdao" and "latitude and longitude swapped" apart.
QINGDAO_BOUNDS = (35.55, 37.20, 119.45, 121.05)  # south, north, west, east


class PlaceError(ValueError):
    """A position that cannot be used; `field` says which input is at fault."""

    def __init__(self, message: str, field: str = "lat") -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Located:
    lat: float
    lon: float
    district_code: str | None


try:  # pragma: no cover - which branch runs depends on whether songnuan.geo is installed
    from songnuan.geo import coords as _coords
    from songnuan.geo import distance as _distance
    from songnuan.geo import districts as _districts
except ImportError:  # pragma: no cover
    _coords = _districts = _distance = None


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
    if _coords is not None:
        return _coords.to_wgs84(lat, lon, _coords.CoordSystem(system))
    if system == "bd09":
        lat, lon = _bd09_to_gcj02(lat, lon)
        system = "gcj02"
    if system == "gcj02":
        return _gcj02_to_wgs84(lat, lon)
    return lat, lon


def from_wgs84(lat: float, lon: float, system: str) -> tuple[float, float]:
    if _coords is not None:
        return _coords.from_wgs84(lat, lon, _coords.CoordSystem(system))
    if system == "wgs84":
        return lat, lon
    lat, lon = _wgs84_to_gcj02(lat, lon)
    if system == "bd09":
        return _gcj02_to_bd09(lat, lon)
    return lat, lon


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi, d_lambda = phi2 - phi1, math.radians(lon2 - lon1)
    a = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(south, north, west, east) of a box that holds every point within radius_m."""
    d_lat = math.degrees(radius_m / EARTH_RADIUS_M)
    d_lon = math.degrees(radius_m / (EARTH_RADIUS_M * max(0.01, math.cos(math.radians(lat)))))
    return lat - d_lat, lat + d_lat, lon - d_lon, lon + d_lon


def in_qingdao_bounds(lat: float, lon: float) -> bool:
    south, north, west, east = QINGDAO_BOUNDS
    return south <= lat <= north and west <= lon <= east


def district_code_at(lat: float, lon: float) -> str | None:
    """The GB/T 2260 code of the Qingdao district holding this WGS-84 point, or None."""
    if _districts is not None:
        found = _districts.district_at(lat, lon)
        return found[0][-6:] if found else None
    if not in_qingdao_bounds(lat, lon):
        return None
    from songnuan.network.models import District

    nearest = min(
        District.objects.values_list("code", "centre_lat", "centre_lon"),
        key=lambda row: haversine_m(lat, lon, row[1], row[2]),
        default=None,
    )
    return nearest[0] if nearest else None


def in_qingdao(lat: float, lon: float, system: str = "wgs84") -> tuple[float, float]:
    """A position entered in any system → WGS-84, if it lies in Qingdao's extent.

    Swapped latitude and longitude (a common slip when copying from map apps that write
    "lon,lat") get their own message, since the fix is obvious once it is named.
    """
    try:
        wgs_lat, wgs_lon = to_wgs84(lat, lon, system)
    except PlaceError as error:
        if error.field != "coord" and _looks_swapped(lat, lon, system):
            raise PlaceError(SWAPPED_MESSAGE()) from None
        raise
    if not in_qingdao_bounds(wgs_lat, wgs_lon):
        if _looks_swapped(lat, lon, system):
            raise PlaceError(SWAPPED_MESSAGE())
        raise PlaceError(_("This position is outside Qingdao."))
    return wgs_lat, wgs_lon


def locate(lat: float, lon: float, system: str = "wgs84") -> Located:
    """A position as staff entered it → WGS-84 and its district, or a PlaceError."""
    wgs_lat, wgs_lon = in_qingdao(lat, lon, system)
    code = district_code_at(wgs_lat, wgs_lon)
    if code is None:
        raise PlaceError(_("This position is outside Qingdao's districts (in the sea?)."))
    return Located(wgs_lat, wgs_lon, code)


def SWAPPED_MESSAGE() -> str:  # noqa: N802 - reads as the constant it stands for
    return _("Latitude and longitude look swapped: latitude comes first (about 36 in Qingdao), "
             "longitude second (about 120).")


def _looks_swapped(lat: float, lon: float, system: str) -> bool:
    try:
        return in_qingdao_bounds(*to_wgs84(lon, lat, system))
    except PlaceError:
        return False


# The public GCJ-02 obfuscation (GB 20263) and Baidu's BD-09 offset, as published.
_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def _gcj_delta(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
             + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
             + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
             + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2 / 3)
    d_lon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
             + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2 / 3
             + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
             + (150.0 * math.sin(x / 12.0 * math.pi)
                + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3)
    rad_lat = math.radians(lat)
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lat, d_lon


def _wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    d_lat, d_lon = _gcj_delta(lat, lon)
    return lat + d_lat, lon + d_lon


def _gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    wgs_lat, wgs_lon = lat, lon
    for _step in range(10):
        g_lat, g_lon = _wgs84_to_gcj02(wgs_lat, wgs_lon)
        wgs_lat, wgs_lon = wgs_lat + (lat - g_lat), wgs_lon + (lon - g_lon)
    return wgs_lat, wgs_lon


def _gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def _bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.sin(theta), z * math.cos(theta)
