"""WGS-84 ⇄ GCJ-02 ⇄ BD-09.

Phones' GPS and the browser report WGS-84; Chinese map SDKs (Amap, Tencent) report GCJ-02 and
Baidu reports BD-09. Songnuan stores WGS-84 and converts at the edge. GCJ-02 is a published
obfuscation (GB 20263 practice) with no closed-form inverse, so GCJ-02 → WGS-84 iterates the
forward transform until it lands within a few millimetres.
"""

from __future__ import annotations

import math
from enum import StrEnum

# Krasovsky 1940 ellipsoid, which the GCJ-02 transform is defined on.
_A = 6378245.0
_EE = 0.00669342162296594323
_BD_FACTOR = math.pi * 3000.0 / 180.0
_INVERSE_TOLERANCE_DEG = 1e-9  # about 0.1 mm
_INVERSE_MAX_STEPS = 30


class CoordSystem(StrEnum):
    WGS84 = "wgs84"
    GCJ02 = "gcj02"
    BD09 = "bd09"


class CoordError(ValueError):
    """A coordinate or coordinate system that cannot be used."""


UNKNOWN_SYSTEM = "Unknown coordinate system {value!r}: use wgs84, gcj02 or bd09."
OUT_OF_RANGE = "Latitude must be within ±90 and longitude within ±180."


def parse_system(value: str | CoordSystem) -> CoordSystem:
    try:
        return CoordSystem(str(value).strip().lower())
    except ValueError:
        raise CoordError(UNKNOWN_SYSTEM.format(value=value)) from None


def check_range(lat: float, lon: float) -> None:
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90 or abs(lon) > 180:
        raise CoordError(OUT_OF_RANGE)


def outside_china(lat: float, lon: float) -> bool:
    """GCJ-02 leaves points outside this rough box of mainland China unshifted."""
    return not (73.66 < lon < 135.05 and 3.86 < lat < 53.55)


def _shift(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    d_lat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y
             + 0.2 * math.sqrt(abs(x)))
    d_lon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    wave = (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    d_lat += wave + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2 / 3
    d_lat += (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2 / 3
    d_lon += wave + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2 / 3
    d_lon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2 / 3
    rad_lat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    d_lat = (d_lat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrt_magic) * math.pi)
    d_lon = (d_lon * 180.0) / (_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return d_lat, d_lon


def wgs84_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    if outside_china(lat, lon):
        return lat, lon
    d_lat, d_lon = _shift(lat, lon)
    return lat + d_lat, lon + d_lon


def gcj02_to_wgs84(lat: float, lon: float) -> tuple[float, float]:
    if outside_china(lat, lon):
        return lat, lon
    guess_lat, guess_lon = lat, lon
    for _ in range(_INVERSE_MAX_STEPS):
        forward_lat, forward_lon = wgs84_to_gcj02(guess_lat, guess_lon)
        err_lat, err_lon = forward_lat - lat, forward_lon - lon
        if abs(err_lat) < _INVERSE_TOLERANCE_DEG and abs(err_lon) < _INVERSE_TOLERANCE_DEG:
            break
        guess_lat, guess_lon = guess_lat - err_lat, guess_lon - err_lon
    return guess_lat, guess_lon


def gcj02_to_bd09(lat: float, lon: float) -> tuple[float, float]:
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _BD_FACTOR)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _BD_FACTOR)
    return z * math.sin(theta) + 0.006, z * math.cos(theta) + 0.0065


def bd09_to_gcj02(lat: float, lon: float) -> tuple[float, float]:
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _BD_FACTOR)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _BD_FACTOR)
    return z * math.sin(theta), z * math.cos(theta)


def to_wgs84(lat: float, lon: float, system: str | CoordSystem) -> tuple[float, float]:
    """Convert a point given in any supported system to WGS-84 (lat, lon)."""
    system = parse_system(system)
    check_range(lat, lon)
    if system is CoordSystem.GCJ02:
        return gcj02_to_wgs84(lat, lon)
    if system is CoordSystem.BD09:
        return gcj02_to_wgs84(*bd09_to_gcj02(lat, lon))
    return lat, lon


def from_wgs84(lat: float, lon: float, system: str | CoordSystem) -> tuple[float, float]:
    """Convert a WGS-84 point to the given system (for links into Chinese map apps)."""
    system = parse_system(system)
    check_range(lat, lon)
    if system is CoordSystem.GCJ02:
        return wgs84_to_gcj02(lat, lon)
    if system is CoordSystem.BD09:
        return gcj02_to_bd09(*wgs84_to_gcj02(lat, lon))
    return lat, lon
