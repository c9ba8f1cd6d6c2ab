"""The camera register: places in any of the three coordinate systems, scoped by district,
masks checked, owners' secrets shown once and stored encrypted, silent cameras flagged."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from songnuan.cameras import services
from songnuan.cameras.models import Camera, CameraOwner
from songnuan.geo.coords import from_wgs84
from songnuan.refusals import Refused
from tests.cameras.factories import laoshan_camera, make_camera, make_owner
from tests.leads.factories import LAOSHAN_ZHANGCUN, SHINAN_STATION_SQUARE, make_hotspot

pytestmark = pytest.mark.django_db


def form_data(owner, lat, lon, coord="wgs84", **fields) -> dict:
    data = {"code": "SN-ZQ-009", "name": "青岛站南广场 9号", "owner": owner.pk, "lat": lat,
            "lon": lon, "coord": coord, "feed_kind": "vendor_push", "active_from": "18:00",
            "active_until": "07:30", "masks": "0.6, 0, 0.4, 0.3\n0，0.8，0.2，0.2",
            "silent_after_minutes": 45, "is_active": "on"}
    data.update(fields)
    return data


def test_a_district_admin_registers_a_camera_given_in_baidu_coordinates(cast, client_for):
    owner, _secret = make_owner()
    hotspot = make_hotspot()
    lat, lon = from_wgs84(*SHINAN_STATION_SQUARE, "bd09")
    response = client_for(cast.shinan_admin).post("/cameras/new/", form_data(owner, lat, lon,
                                                                             "bd09"))
    assert response.status_code == 302
    camera = Camera.objects.get()
    assert abs(camera.lat - SHINAN_STATION_SQUARE[0]) < 1e-5
    assert abs(camera.lon - SHINAN_STATION_SQUARE[1]) < 1e-5
    assert camera.district.code == "370202" and camera.coord_system == "bd09"
    assert camera.hotspot == hotspot  # the nearest, when none was chosen
    assert camera.masks == [[0.6, 0.0, 0.4, 0.3], [0.0, 0.8, 0.2, 0.2]]
    assert camera.active_until == datetime.time(7, 30)


def test_a_camera_outside_the_admins_district_is_refused_and_the_form_kept(cast, client_for):
    owner, _secret = make_owner()
    response = client_for(cast.shinan_admin).post(
        "/cameras/new/", form_data(owner, *LAOSHAN_ZHANGCUN, name="张村河桥下"))
    assert response.status_code == 422
    assert "张村河桥下" in response.content.decode()
    assert "所辖" in response.context["form"].errors["lat"][0]
    assert not Camera.objects.exists()


def test_a_mask_outside_the_picture_is_refused(cast, client_for):
    owner, _secret = make_owner()
    response = client_for(cast.shinan_admin).post(
        "/cameras/new/", form_data(owner, *SHINAN_STATION_SQUARE, masks="0.8, 0, 0.4, 0.3"))
    assert response.status_code == 422
    assert response.context["form"].errors["masks"]
    with pytest.raises(Refused):
        services.parse_masks("a, b, c")


def test_each_district_sees_its_own_cameras(cast, client_for):
    owner, _secret = make_owner()
    shinan_camera = make_camera(owner)
    laoshan_camera(owner)
    shinan = client_for(cast.shinan_dispatcher).get("/cameras/").content.decode()
    assert "青岛站东广场地下通道 3号" in shinan and "张村河桥下" not in shinan
    assert client_for(cast.laoshan_admin).get(f"/cameras/{shinan_camera.pk}/").status_code == 404
    assert client_for(cast.shinan_admin).get(f"/cameras/{shinan_camera.pk}/").status_code == 200
    assert client_for(cast.shinan_viewer).get("/cameras/").status_code == 403
    city = client_for(cast.city_admin).get("/cameras/").content.decode()
    assert "张村河桥下" in city


def test_an_owners_secret_is_shown_once_and_stored_encrypted(cast, client_for):
    response = client_for(cast.city_admin).post("/cameras/owners/", {
        "name": "青岛市公安局交通警察支队", "kind": "public_security"})
    owner = CameraOwner.objects.get()
    secret = response.context["secret"]["value"]
    assert secret in response.content.decode()
    assert secret not in owner.secret_encrypted and owner.secret() == secret
    again = client_for(cast.city_admin).get("/cameras/owners/").content.decode()
    assert secret not in again and owner.key_id in again
    assert client_for(cast.shinan_dispatcher).get("/cameras/owners/").status_code == 403


def test_a_camera_silent_too_long_in_its_hours_is_flagged(cast):
    owner, _secret = make_owner()
    camera = make_camera(owner)
    camera.active_from, camera.active_until = datetime.time(0, 0), datetime.time(23, 59, 59)
    camera.last_picture_at = timezone.now() - datetime.timedelta(minutes=90)
    assert camera.is_silent()
    camera.last_picture_at = timezone.now() - datetime.timedelta(minutes=10)
    assert not camera.is_silent()
    camera.active_from, camera.active_until = datetime.time(22, 0), datetime.time(6, 0)
    assert camera.is_active_at(datetime.time(3, 0)) and not camera.is_active_at(datetime.time(12))
