"""Conversion between the coordinate systems phones and Chinese map SDKs report.

WGS-84 is what GPS gives and what Songnuan stores. GCJ-02 (国测局坐标, used by AMap, Tencent and
WeChat) adds a deliberate non-linear offset of a few hundred metres inside China; BD-09 (Baidu)
adds a further offset on top of GCJ-02. Both offsets are public formulas without a closed-form
inverse, so the inverses here iterate to well below a centimetre. Every function takes and
returns ``(lat, lon)`` in degrees, latitude first.
"""

from __future__ import annotations

import math
from enum import StrEnum

# Krasovsky 1940 ellipsoid, which the GCJ-02 formula is defined on.
GCJ_SEMI_MAJOR_AXIS_M = 6378245.0
GCJ_ECCENTRICITY_SQUARED = 0.00669342162296594323
BD_X_PI = math.pi * 3000.0 / 180.0
BD_LAT_OFFSET_DEG = 0.006
BD_LON_OFFSET_DEG = 0.0065

# The rectangle every published GCJ-02 implementation treats as "China": outside it GCJ-02 is
# WGS-84 unchanged. It is deliberately the same coarse box the map SDKs use.
CHINA_MIN_LAT_DEG = 0.8293
CHINA_MAX_LAT_DEG = 55.8271
CHINA_MIN_LON_DEG = 72.004
CHINA_MAX_LON_DEG = 137.8347

# 1e-10 degrees is about 0.01 mm; the iteration reaches it in three or four steps.
INVERSE_TOLERANCE_DEG = 1e-10
INVERSE_MAX_STEPS = 30

UNKNOWN_SYSTEM_MESSAGE = "Unknown coordinate system “{name}”: use wgs84, gcj02 or bd09."
NOT_A_NUMBER_MESSAGE = "Latitude and longitude must be numbers."
LATITUDE_RANGE_MESSAGE = "Latitude must be between -90 and 90 degrees."
LONGITUDE_RANGE_MESSAGE = "Longitude must be between -180 and 180 degrees."


class CoordError(ValueError):
    """Invalid coordinates or coordinate system name.

    ``template`` is an English sentence with ``{placeholders}`` and ``params`` fills them, so a
    caller can translate and format it again: ``_(err.template).format(**err.params)``.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params))


class CoordSystem(StrEnum):
    """A geodetic coordinate system a client may report positions in."""

    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"

    @classmethod
    def parse(cls, value: str | CoordSystem) -> CoordSystem:
        """Accept ``"wgs84"``, ``"WGS-84"``, ``"gcj_02"``, … or a member; raise CoordError."""
        if isinstance(value, CoordSystem):
            return value
        normalised = str(value).strip().lower().replace("-", "").replace("_", "")
        try:
            return cls(normalised)
        except ValueError:
            raise CoordError(UNKNOWN_SYSTEM_MESSAGE, name=value) from None


def validate_lat_lon(lat: float, lon: float) -> tuple[float, float]:
    """Return ``(lat, lon)`` as floats or raise CoordError for values no place can have."""
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        raise CoordError(NOT_A_NUMBER_MESSAGE) from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise CoordError(NOT_A_NUMBER_MESSAGE)
    if not -90.0 <= lat <= 90.0:
        raise CoordError(LATITUDE_RANGE_MESSAGE)
    if not -180.0 <= lon <= 180.0:
        raise CoordError(LONGITUDE_RANGE_MESSAGE)
    return lat, lon


def is_outside_china(lat: float, lon: float) -> bool:
    """True where GCJ-02 applies no offset (the coarse rectangle the map SDKs use)."""
    return not (
        CHINA_MIN_LAT_DEG <= lat <= CHINA_MAX_LAT_DEG
        and CHINA_MIN_LON_DEG <= lon <= CHINA_MAX_LON_DEG
    )


def _gcj_offset_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _gcj_offset_lon(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02 (the published forward formula)."""
    if is_outside_china(lat, lon):
        return lat, lon
    x, y = lon - 105.0, lat - 35.0
    rad_lat = math.radians(lat)
    sin_lat = math.sin(rad_lat)
    magic = 1.0 - GCJ_ECCENTRICITY_SQUARED * sin_lat * sin_lat
    sqrt_magic = math.sqrt(magic)
    d_lat = (_gcj_offset_lat(x, y) * 180.0) / (
        (GCJ_SEMI_MAJOR_AXIS_M * (1.0 - GCJ_ECCENTRICITY_SQUARED)) / (magic * sqrt_magic) * math.pi
    )
    d_lon = (_gcj_offset_lon(x, y) * 180.0) / (
        GCJ_SEMI_MAJOR_AXIS_M / sqrt_magic * math.cos(rad_lat) * math.pi
    )
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 → WGS-84 by fixed-point iteration on the forward formula (sub-millimetre).

    The common one-step inverse is off by up to two metres, enough to put a person on the wrong
    side of a street, so we keep correcting until the forward image matches the input.
    """
    wgs_lat, wgs_lon = lat, lon
    for _ in range(INVERSE_MAX_STEPS):
        gcj_lat, gcj_lon = wgs84_to_gcj02(wgs_lat, wgs_lon)
        d_lat, d_lon = lat - gcj_lat, lon - gcj_lon
        if abs(d_lat) < INVERSE_TOLERANCE_DEG and abs(d_lon) < INVERSE_TOLERANCE_DEG:
            break
        wgs_lat, wgs_lon = wgs_lat + d_lat, wgs_lon + d_lon
    return wgs_lat, wgs_lon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (Baidu's published forward formula; applied everywhere, as Baidu does)."""
    z = math.hypot(lon, lat) + 0.00002 * math.sin(lat * BD_X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * BD_X_PI)
    return z * math.sin(theta) + BD_LAT_OFFSET_DEG, z * math.cos(theta) + BD_LON_OFFSET_DEG


def _bd09_to_gcj02_one_step(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - BD_LON_OFFSET_DEG, lat - BD_LAT_OFFSET_DEG
    z = math.hypot(x, y) - 0.00002 * math.sin(y * BD_X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * BD_X_PI)
    return z * math.sin(theta), z * math.cos(theta)


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    """BD-09 → GCJ-02: Baidu's approximate inverse, then refined against the forward formula."""
    gcj_lat, gcj_lon = _bd09_to_gcj02_one_step(lat, lon)
    for _ in range(INVERSE_MAX_STEPS):
        bd_lat, bd_lon = gcj02_to_bd09(gcj_lat, gcj_lon)
        d_lat, d_lon = lat - bd_lat, lon - bd_lon
        if abs(d_lat) < INVERSE_TOLERANCE_DEG and abs(d_lon) < INVERSE_TOLERANCE_DEG:
            break
        gcj_lat, gcj_lon = gcj_lat + d_lat, gcj_lon + d_lon
    return gcj_lat, gcj_lon


def wgs84_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    """WGS-84 → BD-09 (through GCJ-02)."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))


def bd09_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    """BD-09 → WGS-84 (through GCJ-02, both steps exact inverses)."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))


def to_wgs84(lat: float, lon: float, system: str | CoordSystem) -> tuple[float, float]:
    """Convert a validated position reported in ``system`` to WGS-84 for storage."""
    system = CoordSystem.parse(system)
    lat, lon = validate_lat_lon(lat, lon)
    if system is CoordSystem.GCJ02:
        return gcj02_to_wgs84(lat, lon)
    if system is CoordSystem.BD09:
        return bd09_to_wgs84(lat, lon)
    return lat, lon


def from_wgs84(lat: float, lon: float, system: str | CoordSystem) -> tuple[float, float]:
    """Convert a stored WGS-84 position to ``system`` (e.g. to hand to a Chinese map SDK)."""
    system = CoordSystem.parse(system)
    lat, lon = validate_lat_lon(lat, lon)
    if system is CoordSystem.GCJ02:
        return wgs84_to_gcj02(lat, lon)
    if system is CoordSystem.BD09:
        return wgs84_to_bd09(lat, lon)
    return lat, lon
