"""Staff network pages in the browser: the list, a site, the map and the capacity board."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD


def test_a_district_admin_finds_a_site_and_checks_people_in(cast, new_page):
    cast.shinan_point.seats = 10
    cast.shinan_point.save()
    page = new_page(PHONE)
    log_in(page, cast.shinan_admin.username, PASSWORD)
    page.goto("/network/sites/")
    screenshot(page, "network-list-phone")
    page.get_by_role("link", name="琴岛驿家·八大关").click()
    page.fill("input[name=count]", "3")
    page.get_by_role("button", name="登记进入").click()
    expect(page.get_by_text("现有 3 人在此取暖")).to_be_visible()
    screenshot(page, "network-site-phone")
    page.get_by_role("link", name="编辑").click()
    page.fill("#id_hours_text", "周一 25:00-08:00")
    page.uncheck("#id_is_24h")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#field-hours_text .errorlist")).to_be_visible()
    screenshot(page, "network-edit-error-phone")


def test_the_city_admin_sees_the_map_and_the_board(cast, new_page):
    page = new_page(DESKTOP)
    log_in(page, "admin", PASSWORD)
    page.goto("/network/map/")
    page.wait_for_selector("#network-map[data-loaded]")
    # ten district outlines, five sites and four parent links, drawn on one canvas
    assert int(page.locator("#network-map").get_attribute("data-loaded")) == 19
    expect(page.locator("#network-map canvas")).to_have_count(1)
    expect(page.get_by_text("离线地图")).to_be_visible()
    screenshot(page, "network-map-desktop")
    page.goto("/network/board/")
    expect(page.get_by_role("heading", name="容量看板")).to_be_visible()
    screenshot(page, "network-board-desktop")
    page.goto("/network/sites/")
    screenshot(page, "network-list-desktop")
