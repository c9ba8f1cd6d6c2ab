"""The browser's WGS-84 → GCJ-02 → BD-09 conversion (songnuan/static/songnuan/coords.js) gives
what songnuan.geo.coords gives, so a marker lies where the server would put it."""

from __future__ import annotations

import random

import pytest

from songnuan.geo import coords
from songnuan.geo.distance import haversine_m
from tests.e2e.conftest import log_in
from tests.factories import PASSWORD
from tests.leads.factories import make_hotspot

# Loaded from the server as a file: the Content-Security-Policy refuses inline scripts.
COORDS_JS = "/static/songnuan/coords.js"
# 1e-9 degrees is about 0.1 mm: only the last bits of floating point may differ.
TOLERANCE_DEG = 1e-9

QINGDAO_PLACES = [
    (36.0648, 120.3135),  # 青岛站
    (36.0605, 120.3206),  # 栈桥
    (36.0617, 120.3845),  # 五四广场
    (36.1160, 120.4560),  # 张村河
    (36.2680, 120.3750),  # 青岛流亭机场
    (35.8690, 120.0450),  # 黄岛 金沙滩
]
EDGES = [
    (coords.CHINA_MIN_LAT_DEG, coords.CHINA_MIN_LON_DEG),
    (coords.CHINA_MAX_LAT_DEG, coords.CHINA_MAX_LON_DEG),
    (coords.CHINA_MIN_LAT_DEG - 1e-6, 100.0),
    (35.6812, 139.7671),  # 东京站: outside the box, no offset
    (-33.8568, 151.2153),  # Sydney
]


def _points() -> list[tuple[float, float]]:
    rng = random.Random(20261204)
    grid = [(18.0 + 1.75 * i, 74.0 + 2.5 * j) for i in range(21) for j in range(25)]
    scattered = [(rng.uniform(-60, 60), rng.uniform(-180, 180)) for _ in range(300)]
    near_qingdao = [(rng.uniform(35.5, 36.9), rng.uniform(119.5, 121.0)) for _ in range(300)]
    return QINGDAO_PLACES + EDGES + grid + scattered + near_qingdao


@pytest.mark.parametrize("crs, convert", [("gcj02", coords.wgs84_to_gcj02),
                                           ("bd09", coords.wgs84_to_bd09),
                                           ("wgs84", lambda lat, lon: (lat, lon))])
def test_the_browser_converts_like_the_server(new_page, crs, convert):
    page = new_page()
    page.goto("/healthz")
    page.add_script_tag(url=COORDS_JS)
    points = _points()
    shifted = page.evaluate(
        "([points, crs]) => points.map(p => SongnuanCoords.fromWgs84(p[0], p[1], crs))",
        [points, crs])
    worst = max(max(abs(js[0] - py[0]), abs(js[1] - py[1]))
                for js, py in zip(shifted, (convert(*p) for p in points), strict=True))
    assert worst < TOLERANCE_DEG


def test_the_shift_is_the_real_one_in_qingdao(new_page):
    """Not a vacuous match: at 青岛站 GCJ-02 moves a point hundreds of metres."""
    page = new_page()
    page.goto("/healthz")
    page.add_script_tag(url=COORDS_JS)
    lat, lon = page.evaluate("() => SongnuanCoords.fromWgs84(36.0648, 120.3135, 'gcj02')")
    assert 300 < haversine_m(36.0648, 120.3135, lat, lon) < 700


def _points_on(page, holder: str) -> dict[int, tuple[float, float]]:
    """The positions of the point markers of a map, by the id in their GeoJSON properties."""
    return {p["id"]: (p["lat"], p["lon"]) for p in page.evaluate("""holder => {
        const out = [];
        document.getElementById(holder).leafletMap.eachLayer(layer => {
            if (!layer.feature || layer.feature.geometry.type !== 'Point') { return; }
            const at = layer.getLatLng();
            out.push({id: layer.feature.properties.id, lat: at.lat, lon: at.lng});
        });
        return out;
    }""", holder)}


def test_the_hotspot_and_network_maps_put_markers_where_bd09_tiles_draw_them(cast, new_page,
                                                                             settings):
    settings.MAP_TILE_URL = "/tiles/{z}/{x}/{y}"  # no tile folder: every tile is a quiet 404
    settings.MAP_TILE_CRS = "bd09"
    spot = make_hotspot(name="青岛站东广场地下通道", lat=36.0648, lon=120.3135)
    page = new_page()
    log_in(page, cast.city_admin.username, PASSWORD)

    page.goto("/outreach/hotspots/")
    page.wait_for_function("() => document.getElementById('hotspot-map').leafletMap")
    lat, lon = _points_on(page, "hotspot-map")[spot.pk]
    assert haversine_m(lat, lon, *coords.wgs84_to_bd09(spot.lat, spot.lon)) < 5

    page.goto("/network/map/")
    page.wait_for_selector("#network-map[data-loaded]")
    site = cast.shinan_substation
    lat, lon = _points_on(page, "network-map")[site.pk]
    assert haversine_m(lat, lon, *coords.wgs84_to_bd09(site.lat, site.lon)) < 5
    assert haversine_m(lat, lon, site.lat, site.lon) > 1000
