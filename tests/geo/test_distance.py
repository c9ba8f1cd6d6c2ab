"""Great-circle distances, bounding boxes and ranking by distance."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from songnuan.geo.distance import (
    EARTH_RADIUS_M,
    BoundingBox,
    bounding_box,
    haversine_m,
    rank_by_distance,
)

ZHANQIAO = (36.0622, 120.3156)
MAY_FOURTH_SQUARE = (36.0615, 120.3810)
LICANG_CENTRE = (36.1453, 120.4325)


def destination(lat: float, lon: float, bearing_deg: float, distance_m: float) -> tuple:
    """The point reached from (lat, lon) along a great circle (the standard spherical formula)."""
    delta = distance_m / EARTH_RADIUS_M
    phi, lam, theta = math.radians(lat), math.radians(lon), math.radians(bearing_deg)
    phi2 = math.asin(
        math.sin(phi) * math.cos(delta) + math.cos(phi) * math.sin(delta) * math.cos(theta)
    )
    lam2 = lam + math.atan2(
        math.sin(theta) * math.sin(delta) * math.cos(phi),
        math.cos(delta) - math.sin(phi) * math.sin(phi2),
    )
    return math.degrees(phi2), (math.degrees(lam2) + 540.0) % 360.0 - 180.0


def test_nashville_to_los_angeles_matches_the_rosetta_code_example():
    # Rosetta Code's "Haversine formula" task: 2886.44444283798 km with R = 6371.0 km; the
    # distance scales with the radius.
    expected_m = 2886.44444283798e3 * EARTH_RADIUS_M / 6371.0e3
    assert haversine_m(36.12, -86.67, 33.94, -118.40) == pytest.approx(expected_m, rel=1e-9)


def test_a_degree_of_latitude_is_about_111_km():
    assert haversine_m(36.0, 120.0, 37.0, 120.0) == pytest.approx(111_195, abs=1)


def test_antipodes_are_half_the_circumference_apart():
    assert haversine_m(0.0, 0.0, 0.0, 180.0) == pytest.approx(math.pi * EARTH_RADIUS_M)


def test_zhanqiao_is_under_six_km_from_may_fourth_square_and_symmetric():
    there = haversine_m(*ZHANQIAO, *MAY_FOURTH_SQUARE)
    back = haversine_m(*MAY_FOURTH_SQUARE, *ZHANQIAO)
    assert there == back
    assert 5_800 < there < 6_000
    assert haversine_m(*ZHANQIAO, *ZHANQIAO) == 0.0


@given(
    st.floats(min_value=-80.0, max_value=80.0),
    st.floats(min_value=-179.0, max_value=179.0),
    st.floats(min_value=1.0, max_value=200_000.0),
    st.floats(min_value=0.0, max_value=360.0),
)
@example(63.5, 0.0, 1.0, 0.0)  # once lost to rounding on the north edge
def test_the_bounding_box_holds_the_whole_circle(lat, lon, radius_m, bearing):
    box = bounding_box(lat, lon, radius_m)
    edge_lat, edge_lon = destination(lat, lon, bearing, radius_m * (1 - 1e-9))
    assert box.contains(edge_lat, edge_lon)


def test_the_bounding_box_is_tight_in_latitude():
    box = bounding_box(*ZHANQIAO, 1_000)
    assert box.north - box.south == pytest.approx(2 * 1_000 / 111_195.08, rel=1e-6)
    assert box.east - box.west > box.north - box.south  # a degree of longitude is shorter


def test_near_a_pole_or_across_the_antimeridian_the_box_spans_all_longitudes():
    assert bounding_box(89.99, 10.0, 5_000)[1::2] == (-180.0, 180.0)
    assert bounding_box(0.0, 179.99, 5_000)[1::2] == (-180.0, 180.0)


def test_a_negative_radius_is_refused():
    with pytest.raises(ValueError):
        bounding_box(*ZHANQIAO, -1)


def test_bounding_box_fields_read_as_compass_directions():
    box = BoundingBox(south=1.0, west=2.0, north=3.0, east=4.0)
    assert box.contains(2.0, 3.0)
    assert not box.contains(3.5, 3.0)


def test_ranking_orders_items_nearest_first_with_their_distances():
    sites = {"licang": LICANG_CENTRE, "may4": MAY_FOURTH_SQUARE, "pier": ZHANQIAO}
    ranked = rank_by_distance(*ZHANQIAO, sites, position=sites.__getitem__)
    assert [r.item for r in ranked] == ["pier", "may4", "licang"]
    assert ranked[1].distance_m == pytest.approx(haversine_m(*ZHANQIAO, *MAY_FOURTH_SQUARE))


def test_ranking_honours_limit_and_maximum_distance():
    points = [destination(*ZHANQIAO, 45.0, d) for d in (3_000, 100, 2_000, 50_000, 700)]
    nearest_two = rank_by_distance(*ZHANQIAO, points, limit=2)
    assert [round(r.distance_m) for r in nearest_two] == [100, 700]
    within = rank_by_distance(*ZHANQIAO, points, max_distance_m=2_500)
    assert [round(r.distance_m) for r in within] == [100, 700, 2_000]


def test_ranking_keeps_input_order_for_ties():
    same = [ZHANQIAO, ZHANQIAO, ZHANQIAO]
    ranked = rank_by_distance(*MAY_FOURTH_SQUARE, list(enumerate(same)), position=lambda p: p[1])
    assert [r.item[0] for r in ranked] == [0, 1, 2]


@given(
    st.lists(
        st.tuples(
            st.floats(min_value=35.5, max_value=37.2), st.floats(min_value=119.4, max_value=121.0)
        ),
        max_size=40,
    ),
    st.integers(min_value=1, max_value=10),
)
def test_ranking_agrees_with_sorting_by_haversine(points, limit):
    ranked = rank_by_distance(*ZHANQIAO, points, limit=limit)
    expected = sorted(haversine_m(*ZHANQIAO, *p) for p in points)[:limit]
    assert [r.distance_m for r in ranked] == pytest.approx(expected, abs=1e-6)
