from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from songnuan.geo.distance import bounding_box, haversine_m, nearest


def test_a_degree_of_latitude_is_about_111_km():
    assert haversine_m(36.0, 120.0, 37.0, 120.0) == pytest.approx(111_195, rel=1e-3)


def test_zhanqiao_to_the_may_fourth_square_is_about_six_kilometres():
    # 栈桥 (36.0605, 120.3170) to 五四广场 (36.0615, 120.3845)
    assert haversine_m(36.0605, 120.3170, 36.0615, 120.3845) == pytest.approx(6_070, rel=0.02)


@given(st.floats(-60, 60), st.floats(-179, 179), st.floats(10, 50_000),
       st.floats(0, 360), st.floats(0, 1))
def test_the_bounding_box_holds_every_point_of_the_circle(lat, lon, radius, bearing, fraction):
    import math

    d = radius * fraction
    north = d * math.cos(math.radians(bearing))
    east = d * math.sin(math.radians(bearing))
    p_lat = lat + north / 111_195
    p_lon = lon + east / (111_195 * math.cos(math.radians(p_lat)))
    if haversine_m(lat, lon, p_lat, p_lon) <= radius:
        assert bounding_box(lat, lon, radius).contains(p_lat, p_lon)


def test_nearest_orders_by_distance_and_limits():
    points = {"far": (36.30, 120.40), "near": (36.07, 120.38), "mid": (36.15, 120.43)}
    ranked = nearest(36.066, 120.382, points.items(), lambda item: item[1], limit=2)
    assert [name for _, (name, _) in ranked] == ["near", "mid"]
