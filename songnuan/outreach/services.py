"""Hotspot rules: the point → district lookup and the nearest known hotspot to a point."""

from __future__ import annotations

import time

from songnuan.geo.distance import bounding_box, haversine_m
from songnuan.geo.districts import district_at
from songnuan.network.models import District
from songnuan.outreach.models import Hotspot

_districts_by_code: dict[str, District] = {}
# The active hotspots (a few hundred rows), read at most once a minute per process: every public
# report looks for the nearest one. Saving or deleting a hotspot clears it in this process.
HOTSPOT_CACHE_S = 60
_hotspots: dict[str, tuple[float, list[Hotspot]]] = {}


def forget_districts(**kwargs) -> None:
    """Drop the cached districts (connected to District's save and delete signals)."""
    _districts_by_code.clear()


def district_for_point(lat: float, lon: float) -> District | None:
    """The registry's District for a WGS-84 point, or None outside Qingdao."""
    found = district_at(lat, lon)
    if found is None:
        return None
    # Ten rows that change about never: cached per process so a surge of reports skips a query.
    district = _districts_by_code.get(found.code)
    if district is None:
        district = District.objects.filter(code=found.code).first()
        if district is not None:
            _districts_by_code[found.code] = district
    return district


def nearest_hotspot(lat: float, lon: float, radius_m: float) -> tuple[Hotspot, float] | None:
    """The nearest active hotspot within radius_m of a WGS-84 point, with its distance."""
    box = bounding_box(lat, lon, radius_m)
    candidates = [spot for spot in active_hotspots()
                  if box.south <= spot.lat <= box.north and box.west <= spot.lon <= box.east]
    best: tuple[Hotspot, float] | None = None
    for hotspot in candidates:
        distance = haversine_m(lat, lon, hotspot.lat, hotspot.lon)
        if distance <= radius_m and (best is None or distance < best[1]):
            best = (hotspot, distance)
    return best


def active_hotspots() -> list[Hotspot]:
    cached = _hotspots.get("active")
    if cached is not None and time.monotonic() - cached[0] < HOTSPOT_CACHE_S:
        return cached[1]
    spots = list(Hotspot.objects.active())
    _hotspots["active"] = (time.monotonic(), spots)
    return spots


def forget_hotspots(**kwargs) -> None:
    """Drop the cached hotspots (connected to Hotspot's save and delete signals)."""
    _hotspots.clear()


def hotspots_geojson(hotspots) -> dict:
    """Hotspots as GeoJSON points for the staff map."""
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [spot.lon, spot.lat]},
        "properties": {
            "id": spot.pk, "name": spot.name, "type": str(spot.get_place_type_display()),
            "risk": spot.risk_level, "risk_label": str(spot.get_risk_level_display()),
            "district": spot.district.name,
        },
    } for spot in hotspots]}
