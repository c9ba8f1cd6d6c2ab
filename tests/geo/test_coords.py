"""WGS-84 ⇄ GCJ-02 ⇄ BD-09 against published reference pairs and as round trips."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from songnuan.geo.coords import (
    CoordError,
    CoordSystem,
    bd09_to_gcj02,
    bd09_to_wgs84,
    from_wgs84,
    gcj02_to_bd09,
    gcj02_to_wgs84,
    to_wgs84,
    wgs84_to_bd09,
    wgs84_to_gcj02,
)
from songnuan.geo.distance import haversine_m

# (wgs_lat, wgs_lon, gcj_lat, gcj_lon) from googollee/eviltransform, python/test.py (TESTS):
# Shanghai, Shenzhen and Beijing.
EVILTRANSFORM_PAIRS = [
    (31.1774276, 121.5272106, 31.17530398364597, 121.531541859215),
    (22.543847, 113.912316, 22.540796131694766, 113.9171764808363),
    (39.911954, 116.377817, 39.91334545536069, 116.38404722455657),
]

# wandergis/coordtransform, test/app.js: every function applied to (lon 116.404, lat 39.915).
COORDTRANSFORM_INPUT = (39.915, 116.404)
COORDTRANSFORM_WGS_TO_GCJ = (39.91640428150164, 116.41024449916938)
COORDTRANSFORM_GCJ_TO_BD = (39.92133699351021, 116.41036949371029)
# Baidu's one-step inverse: ours refines it, which moves it by about 4 cm (4e-7 degrees).
COORDTRANSFORM_BD_TO_GCJ = (39.90865673957631, 116.39762729119315)

# Glatzel/pyxis crypto test constants (the later revision, after its formulas were corrected):
# one point near Jiaxing in all three systems.
PYXIS_WGS = (30.6107779, 121.0917077)
PYXIS_GCJ = (30.608604368560773, 121.09626927850977)
PYXIS_BD = (30.61484575976839, 121.10271724622564)

QINGDAO_ZHANQIAO = (36.0622, 120.3156)

inside_china = st.tuples(
    st.floats(min_value=18.0, max_value=53.0), st.floats(min_value=74.0, max_value=134.0)
)


def metres_between(a: tuple[float, float], b: tuple[float, float]) -> float:
    return haversine_m(a[0], a[1], b[0], b[1])


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVILTRANSFORM_PAIRS)
def test_it_matches_eviltransforms_forward_pairs(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    assert wgs84_to_gcj02(wgs_lat, wgs_lon) == pytest.approx((gcj_lat, gcj_lon), abs=1e-9)


@pytest.mark.parametrize(("wgs_lat", "wgs_lon", "gcj_lat", "gcj_lon"), EVILTRANSFORM_PAIRS)
def test_it_inverts_gcj02_to_within_a_centimetre(wgs_lat, wgs_lon, gcj_lat, gcj_lon):
    assert metres_between(gcj02_to_wgs84(gcj_lat, gcj_lon), (wgs_lat, wgs_lon)) < 0.01


def test_it_matches_coordtransforms_published_results():
    assert wgs84_to_gcj02(*COORDTRANSFORM_INPUT) == pytest.approx(COORDTRANSFORM_WGS_TO_GCJ)
    assert gcj02_to_bd09(*COORDTRANSFORM_INPUT) == pytest.approx(COORDTRANSFORM_GCJ_TO_BD)
    assert bd09_to_gcj02(*COORDTRANSFORM_INPUT) == pytest.approx(COORDTRANSFORM_BD_TO_GCJ, abs=1e-6)


def test_it_matches_pyxis_in_all_three_systems():
    assert wgs84_to_gcj02(*PYXIS_WGS) == pytest.approx(PYXIS_GCJ, abs=1e-9)
    assert wgs84_to_bd09(*PYXIS_WGS) == pytest.approx(PYXIS_BD, abs=1e-9)
    assert metres_between(bd09_to_wgs84(*PYXIS_BD), PYXIS_WGS) < 0.01
    assert metres_between(gcj02_to_wgs84(*PYXIS_GCJ), PYXIS_WGS) < 0.01


def test_the_gcj02_offset_in_qingdao_is_hundreds_of_metres():
    shifted = wgs84_to_gcj02(*QINGDAO_ZHANQIAO)
    assert 300 < metres_between(shifted, QINGDAO_ZHANQIAO) < 700


def test_the_exact_inverse_beats_the_one_step_approximation():
    gcj = wgs84_to_gcj02(*QINGDAO_ZHANQIAO)
    one_step = (2 * gcj[0] - wgs84_to_gcj02(*gcj)[0], 2 * gcj[1] - wgs84_to_gcj02(*gcj)[1])
    assert metres_between(gcj02_to_wgs84(*gcj), QINGDAO_ZHANQIAO) < 0.001
    assert metres_between(one_step, QINGDAO_ZHANQIAO) > 0.01


@given(inside_china)
def test_wgs_to_gcj_and_back_stays_within_half_a_metre(point):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(*point))
    assert metres_between(back, point) < 0.5


@given(inside_china)
def test_wgs_to_bd_and_back_stays_within_half_a_metre(point):
    back = bd09_to_wgs84(*wgs84_to_bd09(*point))
    assert metres_between(back, point) < 0.5


@given(inside_china, st.sampled_from(list(CoordSystem)))
def test_from_wgs84_and_to_wgs84_are_inverses(point, system):
    assert metres_between(to_wgs84(*from_wgs84(*point, system), system), point) < 0.5


@pytest.mark.parametrize("point", [(35.6812, 139.7671), (51.5007, -0.1246), (-33.8568, 151.2153)])
def test_gcj02_is_the_identity_outside_china(point):
    assert wgs84_to_gcj02(*point) == point
    assert gcj02_to_wgs84(*point) == point
    assert to_wgs84(*point, "gcj02") == point


def test_wgs84_input_is_returned_unchanged():
    assert to_wgs84(36.0622, 120.3156, CoordSystem.WGS84) == (36.0622, 120.3156)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("wgs84", CoordSystem.WGS84),
        ("GCJ-02", CoordSystem.GCJ02),
        (" bd_09 ", CoordSystem.BD09),
        (CoordSystem.BD09, CoordSystem.BD09),
    ],
)
def test_it_reads_common_spellings_of_a_system(name, expected):
    assert CoordSystem.parse(name) is expected


def test_an_unknown_system_is_a_value_error_with_a_sentence_to_translate():
    with pytest.raises(CoordError) as caught:
        to_wgs84(36.06, 120.31, "mercator")
    assert isinstance(caught.value, ValueError)
    assert str(caught.value) == "Unknown coordinate system “mercator”: use wgs84, gcj02 or bd09."
    assert caught.value.template.format(**caught.value.params) == str(caught.value)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (91.0, 120.0, "Latitude must be between -90 and 90 degrees."),
        (36.0, 181.0, "Longitude must be between -180 and 180 degrees."),
        (math.nan, 120.0, "Latitude and longitude must be numbers."),
        ("north", 120.0, "Latitude and longitude must be numbers."),
    ],
)
def test_it_refuses_positions_no_place_can_have(lat, lon, message):
    with pytest.raises(CoordError, match=message):
        to_wgs84(lat, lon, "wgs84")
