"""A member of the public on a phone, starting from the front door: get warm (a warm room ranked
above a nearer guidance point), report someone, and follow the report by typing its code."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from songnuan.leads.models import Lead
from songnuan.network.models import Service, SiteLevel
from tests.e2e.conftest import DESKTOP, PHONE, screenshot
from tests.factories import make_site
from tests.leads.factories import jpeg_with_gps

# The south square of 青岛站; a guidance point 280 m north, the district station 460 m north.
SQUARE = {"latitude": 36.0638, "longitude": 120.3130}
METRES_PER_DEG_LAT = 111_195


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def north(metres: float) -> dict:
    return {"lat": SQUARE["latitude"] + metres / METRES_PER_DEG_LAT, "lon": SQUARE["longitude"]}


def square_and_station(cast):
    guidance = make_site("求助引导点·青岛站南广场", level=SiteLevel.GUIDANCE_POINT,
                         parent=cast.shinan_substation, services=[Service.GUIDANCE],
                         **north(280))
    station = make_site("市南区第二救助分站", level=SiteLevel.SUB_STATION, parent=cast.central,
                        services=[Service.WARM_ROOM, Service.HOT_FOOD, Service.BEDS],
                        beds=30, seats=10, **north(460))
    return guidance, station


def test_from_the_front_door_a_phone_user_finds_the_warm_room_before_the_guidance_point(
        cast, new_page):
    guidance, station = square_and_station(cast)
    page = new_page(PHONE, geolocation=SQUARE, permissions=["geolocation"])
    page.goto("/")
    expect(page.get_by_role("heading", name="今晚很冷？救助全天免费。")).to_be_visible()
    screenshot(page, "front-door-phone")
    page.get_by_role("link", name="现在去取暖").click()
    page.wait_for_url("**/warm/")
    page.get_by_role("button", name="查找最近的开放地点").click()
    page.wait_for_selector("#results .card")
    names = page.locator("#results .card h3").all_inner_texts()
    assert names.index(station.name) < names.index(guidance.name)
    station_card = page.locator(f"#results .card[data-site='{station.pk}']")
    text = station_card.inner_text()
    assert "取暖室" in text and "今晚有床位（空 30 张）" in text and "热食" in text
    assert "步行约 8 分钟" in text
    assert "仅指路：没有取暖室" in page.locator(
        f"#results .card[data-site='{guidance.pk}']").inner_text()
    screenshot(page, "warm-need-order-phone")


def test_from_the_front_door_a_phone_user_reports_someone_then_tracks_the_report(
        cast, new_page):
    page = new_page(PHONE, geolocation=SQUARE, permissions=["geolocation"])
    page.goto("/")
    page.locator(".front-action.report").click()
    page.wait_for_url("**/report/")
    page.get_by_role("button", name="使用我的位置").click()
    page.wait_for_selector("#loc-status.ok")
    expect(page.locator("#loc-status")).to_contain_text("已获取位置（误差约")
    page.get_by_text("老年人").click()
    expect(page.locator(".file-pick-button")).to_have_text("选择照片")
    expect(page.locator(".file-pick-status")).to_have_text("尚未选择")
    page.set_input_files("input[name=photos]", files=[{
        "name": "scene.jpg", "mimeType": "image/jpeg", "buffer": jpeg_with_gps().read()}])
    expect(page.locator(".file-pick-status")).to_have_text("scene.jpg")
    screenshot(page, "report-file-picker-phone")
    page.fill("textarea[name=description]", "南广场长椅上有位老人，穿得很少")
    page.get_by_role("button", name="提交报告").click()
    page.wait_for_selector("#tracking-code")
    code = page.locator("#tracking-code").inner_text().strip()
    assert Lead.objects.filter(tracking_code=code).exists()

    tracker = new_page(PHONE)
    tracker.goto("/")
    tracker.fill("#id_code", "ABC")
    tracker.get_by_role("button", name="查询").click()
    tracker.wait_for_url("**/track/?code=ABC")
    expect(tracker.locator(".track-form .field-error")).to_contain_text(
        "查询码由 8 位字母和数字组成")
    expect(tracker.locator("#id_code")).to_have_value("ABC")
    screenshot(tracker, "track-bad-code-phone")
    tracker.fill("#id_code", code.lower())
    tracker.get_by_role("button", name="查询").click()
    tracker.wait_for_url(f"**/report/{code}/")
    assert tracker.locator("#tracking-code").inner_text().strip() == code
    expect(tracker.locator(".pub-nav a[aria-current=page]")).to_have_text("查进度")
    screenshot(tracker, "track-status-phone")


@pytest.mark.parametrize(("device_name", "device"), [("phone", PHONE), ("desktop", DESKTOP)])
def test_the_new_public_pages_on_phone_and_desktop(cast, new_page, device_name, device):
    square_and_station(cast)
    page = new_page(device)
    for name, url in (("front-door", "/"), ("track", "/track/"),
                      ("track-unknown", "/track/?code=ZZZZZZZZ"),
                      ("warm-results", f"/warm/?lat={SQUARE['latitude']}"
                                       f"&lon={SQUARE['longitude']}&coord=wgs84"),
                      ("report", "/report/"), ("xunqin-report", "/xunqin/report/"),
                      ("not-found", "/no-such-page/")):
        page.goto(url)
        expect(page.locator(".pub-nav a")).to_have_count(4)
        screenshot(page, f"public-{name}-{device_name}")
