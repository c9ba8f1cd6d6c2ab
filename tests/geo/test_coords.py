"""Coordinate conversion against published reference pairs, and round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from songnuan.geo.coords import (
    CoordError,
    bd09_to_gcj02,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    parse_system,
    to_wgs84,
    wgs84_to_gcj02,
)
from songnuan.geo.distance import haversine_m

# Reference pairs from the test suite of the public `gcoord` project
# (test/unit/crs/GCJ02.spec.js): (lon 123, lat 45) in GCJ-02.
GCJ_POINT = (45.0, 123.0)
GCJ_AS_WGS = (44.99804071, 122.99395597)
GCJ_AS_BD = (45.00636899, 123.00636499)

china_lat = st.floats(min_value=18.0, max_value=53.0)
china_lon = st.floats(min_value=74.0, max_value=134.5)


def test_gcj02_to_wgs84_matches_the_published_pair():
    lat, lon = gcj02_to_wgs84(*GCJ_POINT)
    assert lat == pytest.approx(GCJ_AS_WGS[0], abs=1e-5)
    assert lon == pytest.approx(GCJ_AS_WGS[1], abs=1e-5)


def test_gcj02_to_bd09_matches_the_published_pair():
    lat, lon = gcj02_to_bd09(*GCJ_POINT)
    assert lat == pytest.approx(GCJ_AS_BD[0], abs=1e-6)
    assert lon == pytest.approx(GCJ_AS_BD[1], abs=1e-6)


def test_the_shift_in_qingdao_is_a_few_hundred_metres():
    zhanqiao = (36.0605, 120.3170)  # 栈桥
    shifted = wgs84_to_gcj02(*zhanqiao)
    assert 200 < haversine_m(*zhanqiao, *shifted) < 700


def test_points_outside_china_are_not_shifted():
    assert wgs84_to_gcj02(51.5007, -0.1246) == (51.5007, -0.1246)
    assert gcj02_to_wgs84(35.6586, 139.7454) == (35.6586, 139.7454)


@given(china_lat, china_lon)
def test_gcj02_round_trip_is_within_a_centimetre(lat, lon):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lat, lon))
    assert haversine_m(lat, lon, *back) < 0.01


@given(china_lat, china_lon)
def test_bd09_round_trip_is_within_half_a_metre(lat, lon):
    bd = from_wgs84(lat, lon, "bd09")
    assert haversine_m(lat, lon, *to_wgs84(*bd, "bd09")) < 0.5
    assert haversine_m(*bd09_to_gcj02(*gcj02_to_bd09(lat, lon)), lat, lon) < 0.5


def test_system_names_are_parsed_leniently_and_unknown_ones_refused():
    assert parse_system(" GCJ02 ") == "gcj02"
    with pytest.raises(CoordError, match="wgs84, gcj02 or bd09"):
        parse_system("mercator")


@pytest.mark.parametrize(("lat", "lon"), [(91, 120), (36, 181), (float("nan"), 120)])
def test_impossible_coordinates_are_refused(lat, lon):
    with pytest.raises(CoordError):
        to_wgs84(lat, lon, "wgs84")
