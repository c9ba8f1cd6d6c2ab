"""A citizen reports from a phone with their location and a photo, gets a tracking code, and
watches the status page change as staff act on the lead."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from songnuan.geo.coords import gcj02_to_wgs84
from songnuan.geo.distance import haversine_m
from songnuan.leads.models import Lead, LeadPhoto
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.leads.factories import SHINAN_STATION_SQUARE, jpeg_with_gps, make_hotspot

LAT, LON = SHINAN_STATION_SQUARE


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def test_a_phone_report_with_location_and_photo_follows_staff_action(cast, new_page):
    make_hotspot()
    page = new_page(PHONE, geolocation={"latitude": LAT, "longitude": LON},
                    permissions=["geolocation"])
    page.goto("/report/")
    expect(page.get_by_role("heading", name="报告寒冷中需要帮助的人")).to_be_visible()
    screenshot(page, "leads-report-form-phone")
    page.get_by_role("button", name="使用我的位置").click()
    page.wait_for_selector("#loc-status.ok")
    page.get_by_text("躺在地上").click()
    page.get_by_text("老年人").click()
    photo = jpeg_with_gps()
    page.set_input_files("input[name=photos]", files=[{
        "name": "scene.jpg", "mimeType": "image/jpeg", "buffer": photo.read()}])
    page.fill("input[name=reporter_phone]", "13812345678")
    page.fill("textarea[name=description]", "通道口有位老人躺着，穿得很少")
    page.get_by_role("button", name="提交报告").click()
    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().strip()
    lead = Lead.objects.get(tracking_code=code)
    assert lead.district.code == "370202" and lead.hotspot is not None
    assert LeadPhoto.objects.filter(lead=lead).count() == 1
    assert page.locator("#stage-headline").inner_text() == "已收到"
    screenshot(page, "leads-report-status-received-phone")

    staff = new_page(DESKTOP)
    log_in(staff, cast.shinan_dispatcher.username, PASSWORD)
    staff.goto("/leads/")
    staff.get_by_role("link", name=code).click()
    assert "+3 躺在地上" in staff.locator("#priority-reasons").inner_text()
    expect(staff.locator(".photos img")).to_have_count(1)
    screenshot(staff, "leads-detail-desktop")
    staff.select_option("select[name=status]", "en_route")
    staff.fill("input[name=note]", "巡查一队出发")
    staff.get_by_role("button", name="更改状态").click()
    staff.wait_for_selector("text=状态已更改。")

    page.reload()
    assert page.locator("#stage-headline").inner_text() == "救助队正在赶往现场"
    screenshot(page, "leads-report-status-on-the-way-phone")

    staff.select_option("select[name=status]", "resolved")
    staff.select_option("select[name=outcome]", "helped_to_site")
    staff.get_by_role("button", name="更改状态").click()
    staff.wait_for_selector("text=状态已更改。")
    page.reload()
    assert page.locator("#stage-headline").inner_text() == "已护送至救助站"


def test_the_report_page_asks_for_a_place_when_there_is_no_location(db, new_page):
    page = new_page(PHONE)
    page.goto("/report/")
    page.get_by_role("button", name="提交报告").click()
    expect(page.get_by_text("请告诉我们地点")).to_be_visible()
    screenshot(page, "leads-report-missing-location-phone")
    assert not Lead.objects.exists()


def test_a_place_picked_on_gcj02_tiles_is_stored_where_it_really_is(cast, new_page, settings):
    # AMap-style tiles are drawn in GCJ-02: the pin's numbers are GCJ-02, not WGS-84.
    settings.MAP_TILE_URL = "/tiles/{z}/{x}/{y}"
    settings.MAP_TILE_CRS = "gcj02"
    page = new_page(PHONE)
    page.goto("/report/")
    page.locator("#pick-on-map").click()
    holder = page.locator("#pin-map")
    expect(holder.locator(".leaflet-container, .leaflet-pane").first).to_be_attached()
    size = holder.bounding_box()
    holder.click(position={"x": size["width"] / 2, "y": size["height"] / 2})
    expect(page.locator("[name=coord]")).to_have_value("gcj02")
    picked = (float(page.locator("[name=lat]").input_value()),
              float(page.locator("[name=lon]").input_value()))
    page.fill("textarea[name=description]", "桥洞下有人躺着")
    page.click("#send")
    page.wait_for_selector("#tracking-code")
    lead = Lead.objects.get()
    expected = gcj02_to_wgs84(*picked)
    assert lead.lat == pytest.approx(expected[0], abs=1e-6)
    assert lead.lon == pytest.approx(expected[1], abs=1e-6)
    assert haversine_m(*picked, lead.lat, lead.lon) > 300  # the shift is real in Qingdao
