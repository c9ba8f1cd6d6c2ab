"""The hotspot registry: district from the coordinates, nearest hotspot, scoped pages and API."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from songnuan.outreach.models import Hotspot, PlaceType
from songnuan.places.sources import nearest
from tests.leads.factories import LAOSHAN_ZHANGCUN, SHINAN_STATION_SQUARE, make_hotspot


def test_the_district_is_found_from_the_coordinates(db):
    spot = Hotspot(name="张村河桥洞", place_type=PlaceType.BRIDGE_CULVERT,
                   lat=LAOSHAN_ZHANGCUN[0], lon=LAOSHAN_ZHANGCUN[1])
    spot.full_clean()
    assert spot.district.code == "370212"


def test_a_point_outside_qingdao_is_refused(db):
    spot = Hotspot(name="北京站", place_type=PlaceType.STATION, lat=39.90, lon=116.42)
    with pytest.raises(ValidationError) as refused:
        spot.full_clean()
    assert "lat" in refused.value.message_dict


def test_under_protocol_needs_at_least_the_normal_patrols(db):
    spot = Hotspot(name="桥洞", place_type=PlaceType.BRIDGE_CULVERT, lat=LAOSHAN_ZHANGCUN[0],
                   lon=LAOSHAN_ZHANGCUN[1], patrols_per_night=3, patrols_per_night_protocol=1)
    with pytest.raises(ValidationError):
        spot.full_clean()
    assert Hotspot(patrols_per_night=1, patrols_per_night_protocol=3).required_patrols(True) == 3


def test_the_nearest_hotspot_within_the_radius(db):
    near = make_hotspot("近处", lat=SHINAN_STATION_SQUARE[0] + 0.0005)
    make_hotspot("远处", lat=SHINAN_STATION_SQUARE[0] + 0.0015)
    spot, distance = nearest("hotspot", *SHINAN_STATION_SQUARE, radius_m=500)
    assert spot == near and 50 < distance < 60
    assert nearest("hotspot", *SHINAN_STATION_SQUARE, radius_m=30) is None


def test_inactive_hotspots_are_not_near_anything(db):
    spot = make_hotspot()
    spot.is_active = False
    spot.save()
    assert nearest("hotspot", *SHINAN_STATION_SQUARE, radius_m=500) is None


def test_the_list_and_map_are_scoped(cast, client):
    shinan = make_hotspot("青岛站地下通道")
    laoshan = make_hotspot("张村河桥洞", *LAOSHAN_ZHANGCUN)
    client.force_login(cast.shinan_patroller)
    page = client.get("/outreach/hotspots/").content.decode()
    assert shinan.name in page and laoshan.name not in page
    assert client.get(f"/outreach/hotspots/{laoshan.pk}/").status_code == 404
    assert client.get(f"/outreach/hotspots/{shinan.pk}/").status_code == 200


def test_the_api_finds_the_nearest_in_chinese_map_coordinates(cast, api_for):
    from songnuan.geo.coords import from_wgs84

    spot = make_hotspot()
    lat, lon = from_wgs84(*SHINAN_STATION_SQUARE, "gcj02")
    response = api_for(cast.shinan_dispatcher).get(
        f"/api/v1/hotspots/nearest?lat={lat}&lon={lon}&coord=gcj02&radius_m=100")
    assert response.status_code == 200
    assert response.json()["hotspot"]["id"] == spot.pk and response.json()["distance_m"] < 1
    outsider = api_for(cast.laoshan_dispatcher).get(
        f"/api/v1/hotspots/nearest?lat={lat}&lon={lon}&coord=gcj02")
    assert outsider.json()["hotspot"] is None
    assert api_for(cast.shinan_dispatcher).get(
        "/api/v1/hotspots/nearest?lat=95&lon=120").status_code == 422


def test_the_demo_hotspots_lie_in_their_districts(db):
    import random

    from songnuan.demo import outreach as demo

    class Ctx:
        rng = random.Random(1)
        shared: dict = {}

    demo.populate(Ctx())
    assert Hotspot.objects.count() == len(demo.HOTSPOTS)
    assert Hotspot.objects.values("district").distinct().count() == 10
