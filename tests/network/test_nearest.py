"""Nearest sites: ordering by true distance, with WGS-84, GCJ-02 and BD-09 positions."""

from __future__ import annotations

import pytest

from songnuan.network import geography, services
from songnuan.network.models import SiteLevel
from songnuan.refusals import Refused
from tests.factories import make_site

ORIGIN = (36.0750, 120.3450)  # 市南区, 3.5 km west of the cast's sites (WGS-84)


@pytest.fixture
def ring(cast):
    """Relief points 300 m, 800 m, 1.5 km, 4 km and 12 km north-east of the origin."""
    sites = {}
    for metres in (4000, 300, 12000, 1500, 800):
        d_lat = metres / 111_195 / 1.4142
        d_lon = d_lat / 0.8083
        sites[metres] = make_site(f"距离{metres}", level=SiteLevel.RELIEF_POINT,
                                  parent=cast.shinan_substation,
                                  lat=ORIGIN[0] + d_lat, lon=ORIGIN[1] + d_lon)
    return sites


@pytest.mark.parametrize("system", ["wgs84", "gcj02", "bd09"])
def test_sites_come_closest_first_whatever_the_coordinate_system(ring, system):
    lat, lon = geography.from_wgs84(*ORIGIN, system)
    found = services.nearest(lat, lon, system, limit=5,
                             queryset=services.public_sites().filter(name__startswith="距离"))
    assert [item.site.name for item in found] == ["距离300", "距离800", "距离1500", "距离4000",
                                                 "距离12000"]
    assert found[0].distance_m == pytest.approx(300, abs=5)
    assert found[-1].distance_m == pytest.approx(12000, rel=0.01)


def test_the_search_widens_until_it_has_enough(ring):
    found = services.nearest(*ORIGIN, limit=50,
                             queryset=services.public_sites().filter(name__startswith="距离"))
    assert len(found) == 5


def test_open_only_skips_closed_sites_and_keeps_the_order(ring):
    ring[800].status = "closed"
    ring[800].save()
    found = services.nearest(*ORIGIN, open_only=True, limit=3,
                             queryset=services.public_sites().filter(name__startswith="距离"))
    assert [item.site.name for item in found] == ["距离300", "距离1500", "距离4000"]
    assert all(item.open_now for item in found)


def test_a_position_outside_qingdao_is_refused(cast):
    with pytest.raises(Refused) as caught:
        services.nearest(31.23, 121.47)
    assert caught.value.field == "lat"  # Shanghai


class TestTheApi:
    URL = "/api/v1/sites/nearest"

    def test_it_answers_without_login_in_distance_order(self, client, ring):
        lat, lon = geography.from_wgs84(*ORIGIN, "bd09")
        response = client.get(self.URL, {"lat": lat, "lon": lon, "coord": "bd09", "limit": 3})
        assert response.status_code == 200
        results = response.json()["results"]
        assert [row["name"] for row in results][:2] == ["距离300", "距离800"]
        distances = [row["distance_m"] for row in results]
        assert distances == sorted(distances)
        assert {"id", "name", "level", "distance_m", "open_now"} <= set(results[0])

    def test_open_now_filters_to_open_sites(self, client, ring):
        ring[300].status = "closed"
        ring[300].save()
        results = client.get(self.URL, {"lat": ORIGIN[0], "lon": ORIGIN[1], "open_now": 1,
                                        "limit": 2}).json()["results"]
        assert "距离300" not in [row["name"] for row in results]
        assert all(row["open_now"] for row in results)

    @pytest.mark.parametrize(("params", "field"), [
        ({"lat": 120.38, "lon": 36.07}, "lat"),
        ({"lat": 39.9, "lon": 116.4}, "lat"),
        ({"lat": 36.07, "lon": 120.38, "coord": "utm"}, "coord"),
        ({"lat": "north", "lon": 120.38}, "lat"),
        ({"lat": 36.07, "lon": 120.38, "limit": 500}, "limit"),
    ])
    def test_bad_input_is_a_field_error_not_a_crash(self, client, cast, params, field):
        response = client.get(self.URL, params)
        assert response.status_code == 422
        assert field in [error["field"].split(".")[-1] for error in response.json()["errors"]]
