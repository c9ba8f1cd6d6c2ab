"""The cameras on the maps: their health in the register's map data, and a layer offered on
outreach's hotspot map to those who may see cameras (registered by this app, unknown to
outreach)."""

from __future__ import annotations

import json

import pytest
from django.utils import timezone

from songnuan.cameras.models import Camera
from tests.cameras.factories import laoshan_camera, make_camera, make_owner
from tests.leads.factories import make_hotspot

pytestmark = pytest.mark.django_db


def test_the_map_data_colours_each_camera_by_its_health(cast, client_for):
    owner, _secret = make_owner()
    looking = make_camera(owner)
    Camera.objects.filter(pk=looking.pk).update(last_picture_at=timezone.now())
    failing = make_camera(owner, code="SN-2", name="坏抓拍")
    Camera.objects.filter(pk=failing.pk).update(fetch_problem="未能连接摄像头。")
    off = make_camera(owner, code="SN-3", name="停用")
    Camera.objects.filter(pk=off.pk).update(is_active=False)
    laoshan_camera(owner)
    data = client_for(cast.shinan_dispatcher).get("/cameras/map.json").json()
    health = {f["properties"]["name"]: (f["properties"]["health"], f["properties"]["health_label"])
              for f in data["features"] if f["properties"]["kind"] == "camera"}
    assert health == {looking.name: ("ok", ""),
                      "坏抓拍": ("fetch_problem", "未能抓拍: 未能连接摄像头。"),
                      "停用": ("inactive", "已停用")}


def map_data(page) -> dict:
    return json.loads(page.content.decode().split(
        '<script id="hotspot-data" type="application/json">')[1].split("</script>")[0])


def test_the_hotspot_map_offers_the_camera_layer_to_those_who_may_see_cameras(cast, client_for):
    make_hotspot()
    dispatcher = client_for(cast.shinan_dispatcher).get("/outreach/hotspots/")
    assert map_data(dispatcher)["layers"] == [
        {"key": "cameras", "label": "摄像头", "url": "/cameras/map.json"}]
    assert "cameras/layer.js" in dispatcher.content.decode()
    viewer = client_for(cast.shinan_viewer).get("/outreach/hotspots/")
    assert viewer.status_code == 200
    assert map_data(viewer)["layers"] == []
    assert "cameras/layer.js" not in viewer.content.decode()
