"""The point → district lookup on places everyone in Qingdao knows."""

from __future__ import annotations

import json
import random

import pytest

from songnuan.geo import districts
from songnuan.geo.districts import (
    QINGDAO_DISTRICTS,
    district_at,
    is_in_qingdao,
    looks_swapped,
    random_point_in,
)

PLACES = [
    ("栈桥", 36.0605, 120.3170, "市南区"),
    ("五四广场", 36.0615, 120.3845, "市南区"),
    ("台东步行街", 36.0870, 120.3510, "市北区"),
    ("崂山太清宫", 36.1390, 120.6700, "崂山区"),
    ("北九水", 36.2010, 120.6000, "崂山区"),
    ("青岛北站", 36.1700, 120.3720, "李沧区"),
    ("流亭（城阳）", 36.2660, 120.3820, "城阳区"),
    ("即墨古城", 36.3850, 120.4580, "即墨区"),
    ("胶州少海", 36.2690, 120.0180, "胶州市"),
    ("平度市政府", 36.7770, 119.9880, "平度市"),
    ("莱西月湖", 36.8800, 120.5250, "莱西市"),
    ("金沙滩", 35.9560, 120.2450, "黄岛区"),
]


@pytest.mark.parametrize(("place", "lat", "lon", "expected"), PLACES)
def test_well_known_places_fall_in_their_district(place, lat, lon, expected):
    found = district_at(lat, lon)
    assert found is not None and found.name == expected, place


@pytest.mark.parametrize(("code", "name", "name_en", "lat", "lon"), QINGDAO_DISTRICTS)
def test_every_district_seat_lies_in_its_own_district(code, name, name_en, lat, lon):
    assert district_at(lat, lon).code == code


def test_a_pier_just_off_the_coarse_coastline_still_belongs_to_its_district():
    assert district_at(36.0558, 120.3165).name == "市南区"  # the end of 栈桥 pier
    assert district_at(36.0558, 120.3165, tolerance_m=0) is None


def test_the_sea_and_other_cities_are_not_qingdao():
    assert district_at(36.00, 120.60) is None  # Yellow Sea off 崂山
    assert district_at(37.4636, 121.4479) is None  # 烟台
    assert not is_in_qingdao(39.9087, 116.3975)  # 北京


def test_swapped_latitude_and_longitude_are_recognised():
    assert looks_swapped(120.3170, 36.0605)
    assert not looks_swapped(36.0605, 120.3170)
    assert not looks_swapped(39.9087, 116.3975)


def test_random_points_stay_inside_their_district():
    rng = random.Random(7)
    for code, *_ in QINGDAO_DISTRICTS:
        for _ in range(5):
            assert district_at(*random_point_in(code, rng)).code == code


def test_another_boundary_file_can_replace_the_package(tmp_path):
    square = {"type": "Polygon", "coordinates": [[[120, 36], [121, 36], [121, 37], [120, 37],
                                                  [120, 36]]]}
    features = [{"type": "Feature", "geometry": square, "properties": {"code": code}}
                for code, *_ in QINGDAO_DISTRICTS]
    path = tmp_path / "districts.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    districts.use_boundaries(path)
    try:
        assert district_at(36.5, 120.5).code == "370202"  # the first listed wins
    finally:
        districts.use_boundaries(None)
    assert district_at(36.5, 120.5).name != "市南区"
