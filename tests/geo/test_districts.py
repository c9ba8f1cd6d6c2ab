"""The point → district lookup on places everyone in Qingdao knows, and its data plumbing."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
import shapely

from songnuan.geo import districts as district_module
from songnuan.geo.coords import wgs84_to_gcj02
from songnuan.geo.districts import (
    DistrictDataError,
    city_bbox,
    district_at,
    district_by_code,
    districts,
    is_in_city,
    load_districts,
    looks_swapped,
    random_point_in,
    use_boundaries,
)

# WGS-84, approximate (within a few hundred metres), which is enough to tell districts apart.
PLACES = [
    ("栈桥 Zhanqiao pier", 36.0622, 120.3156, "370202"),
    ("五四广场 May Fourth Square", 36.0615, 120.3810, "370202"),
    ("台东 Taidong", 36.0868, 120.3500, "370203"),
    ("崂山 summit area", 36.1670, 120.6170, "370212"),
    ("崂山太清宫, on the shore", 36.1380, 120.6680, "370212"),
    ("青岛北站 Qingdao North station", 36.1694, 120.3747, "370213"),
    ("流亭 Liuting, the old airport", 36.2661, 120.3744, "370214"),
    ("胶东国际机场 Jiaodong airport", 36.3620, 120.0880, "370281"),
    ("即墨古城 Jimo old town", 36.3870, 120.4480, "370215"),
    ("胶州 centre", 36.2645, 120.0333, "370281"),
    ("平度 centre", 36.7769, 119.9883, "370283"),
    ("莱西 centre", 36.8876, 120.5178, "370285"),
    ("金沙滩 Golden Beach, 黄岛", 35.9650, 120.2450, "370211"),
]

NOT_QINGDAO = [
    ("the Yellow Sea south-east of 崂山", 35.9500, 120.4500),
    ("the Yellow Sea off 市南区", 36.0000, 120.5000),
    ("烟台 Yantai", 37.4638, 121.4479),
    ("潍坊 Weifang", 36.7069, 119.1619),
    ("日照 Rizhao", 35.4164, 119.5269),
    ("上海 Shanghai", 31.2304, 121.4737),
]

EXPECTED_TABLE = {
    "370202": ("市南区", "Shinan"),
    "370203": ("市北区", "Shibei"),
    "370211": ("黄岛区", "Huangdao"),
    "370212": ("崂山区", "Laoshan"),
    "370213": ("李沧区", "Licang"),
    "370214": ("城阳区", "Chengyang"),
    "370215": ("即墨区", "Jimo"),
    "370281": ("胶州市", "Jiaozhou"),
    "370283": ("平度市", "Pingdu"),
    "370285": ("莱西市", "Laixi"),
}


@pytest.fixture
def restore_default_boundaries():
    yield
    use_boundaries(None)


def square_feature(code: str, name: str, south: float, west: float, size: float) -> dict:
    ring = [
        [west, south],
        [west + size, south],
        [west + size, south + size],
        [west, south + size],
        [west, south],
    ]
    return {
        "type": "Feature",
        "properties": {"code": code, "name": name},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }


def write_collection(path: Path, *features: dict) -> str:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": list(features)}))
    return str(path)


@pytest.mark.parametrize(("place", "lat", "lon", "code"), PLACES)
def test_well_known_places_fall_in_their_district(place, lat, lon, code):
    found = district_at(lat, lon)
    assert found is not None, place
    assert found.code == code, place


@pytest.mark.parametrize(("place", "lat", "lon"), NOT_QINGDAO)
def test_the_sea_and_other_cities_are_in_no_district(place, lat, lon):
    assert district_at(lat, lon) is None, place
    assert not is_in_city(lat, lon), place


def test_a_shore_point_outside_the_coarse_coast_counts_only_with_the_tolerance():
    taiqing = (36.1380, 120.6680)
    assert district_at(*taiqing, tolerance_m=0) is None
    assert district_at(*taiqing).code == "370212"


def test_the_default_city_has_all_ten_districts_in_chinese_and_english():
    assert {d.code: (d.name, d.name_en) for d in districts()} == EXPECTED_TABLE


@pytest.mark.parametrize("code", sorted(EXPECTED_TABLE))
def test_every_district_centre_lies_in_its_own_polygon(code):
    district = district_by_code(code)
    assert district.contains(*district.centre)
    assert district_at(*district.centre, tolerance_m=0) == district


def test_every_polygon_lies_inside_the_city_box():
    for district in districts():
        west, south, east, north = district.boundary.bounds
        assert city_bbox().contains(south, west) and city_bbox().contains(north, east)


def test_it_recognises_swapped_latitude_and_longitude():
    assert looks_swapped(120.3156, 36.0622)
    assert not looks_swapped(36.0622, 120.3156)
    assert not looks_swapped(121.4479, 37.4638)  # Yantai swapped is still not Qingdao


def test_a_gcj02_position_read_as_wgs84_still_lands_in_the_right_district():
    # The offset is a few hundred metres: the lookup is not where the conversion matters most.
    assert district_at(*wgs84_to_gcj02(36.1694, 120.3747)).code == "370213"


def test_random_points_are_inside_their_district_and_repeatable():
    first = [random_point_in("370202", random.Random(7)) for _ in range(2)]
    assert first[0] == first[1]
    rng = random.Random(11)
    for code in EXPECTED_TABLE:
        lat, lon = random_point_in(code, rng)
        assert district_by_code(code).contains(lat, lon)


def test_an_unknown_district_code_is_refused_with_a_sentence():
    with pytest.raises(DistrictDataError, match="Unknown district code “370299”."):
        district_by_code("370299")


def test_codes_with_the_country_prefix_are_accepted():
    assert district_by_code("156370203").code == "370203"


def test_the_fast_lookup_agrees_with_plain_shapely_everywhere():
    rng = random.Random(2024)
    loaded = districts()
    for _ in range(3000):
        lat = rng.uniform(city_bbox().south, city_bbox().north)
        lon = rng.uniform(city_bbox().west, city_bbox().east)
        strict = [d for d in loaded if shapely.contains_xy(d.boundary, lon, lat)]
        assert district_at(lat, lon, tolerance_m=0) == (strict[0] if strict else None)


def test_a_geojson_file_replaces_the_bundled_boundaries(tmp_path, restore_default_boundaries):
    path = write_collection(
        tmp_path / "districts.geojson",
        square_feature("156370202", "市南区（测试）", 36.0, 120.3, 0.1),
        square_feature("990001", "Test district", 10.0, 10.0, 1.0),
    )
    custom = load_districts(path)
    assert [d.code for d in custom.districts] == ["370202", "990001"]
    assert custom.district_at(10.5, 10.5).name == "Test district"
    use_boundaries(path)
    assert district_at(36.05, 120.35).name == "市南区（测试）"
    assert district_at(36.05, 120.35).name_en == "Shinan"
    assert district_at(36.3895, 120.4473) is None  # 即墨 is not in this file
    use_boundaries(None)
    assert district_at(36.3895, 120.4473).code == "370215"


def test_an_unusable_file_is_reported(tmp_path):
    with pytest.raises(DistrictDataError, match="is not a GeoJSON FeatureCollection"):
        load_districts(str(tmp_path / "missing.geojson"))
    empty = write_collection(tmp_path / "empty.geojson")
    with pytest.raises(DistrictDataError, match="has no usable district polygons"):
        load_districts(empty)


def test_district_outlines_export_as_geojson_features():
    feature = district_by_code("370212").geojson()
    assert feature["type"] == "Feature"
    assert feature["properties"] == {"code": "370212", "name": "崂山区", "name_en": "Laoshan"}
    assert feature["geometry"]["type"] in {"Polygon", "MultiPolygon"}


def test_the_geo_package_does_not_import_django():
    package = Path(district_module.__file__).parent
    for module in package.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert "import django" not in source and "from django" not in source, module.name
