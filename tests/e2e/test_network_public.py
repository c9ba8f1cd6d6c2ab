"""The public "where can I get warm" page on a phone: location granted, and refused."""

from __future__ import annotations

from playwright.sync_api import expect

from songnuan.network.models import SiteLevel
from tests.e2e.conftest import PHONE, screenshot
from tests.factories import make_site

HERE = {"latitude": 36.0750, "longitude": 120.3450}  # 市南区, west of the cast's sites


def build_network(cast):
    near = make_site("琴岛驿家·测试近处", level=SiteLevel.RELIEF_POINT,
                     parent=cast.shinan_substation, lat=36.0770, lon=120.3470,
                     host_type="police_room", is_qindao_yijia=True,
                     services=["warm_room", "hot_food"], seats=8)
    make_site("琴岛驿家·测试已关闭", level=SiteLevel.RELIEF_POINT,
              parent=cast.shinan_substation, lat=36.0755, lon=120.3455, status="closed")
    farther = make_site("琴岛驿家·测试远处", level=SiteLevel.RELIEF_POINT,
                        parent=cast.shinan_substation, lat=36.0900, lon=120.3600)
    return near, farther


def test_with_location_granted_the_nearest_open_sites_come_first(cast, new_page):
    near, farther = build_network(cast)
    page = new_page(PHONE, geolocation=HERE, permissions=["geolocation"])
    page.goto("/warm/")
    assert page.locator(".hotline").inner_text().endswith("0532-12345")
    screenshot(page, "warm-start-phone")
    page.get_by_role("button", name="查找最近的开放地点").click()
    page.wait_for_selector("#results .card")
    names = page.locator("#results .card h3").all_inner_texts()
    assert names[:2] == [near.name, farther.name]
    assert "琴岛驿家·测试已关闭" not in names
    first = page.locator("#results .card").first
    assert "正在开放" in first.inner_text() and "米" in first.inner_text()
    assert first.get_by_role("link", name="拨打电话").get_attribute("href") == "tel:0532-80000000"
    screenshot(page, "warm-results-phone")
    first.locator("h3 a").click()
    page.wait_for_url(f"**/warm/sites/{near.pk}/**")
    expect(page.get_by_role("heading", name=near.name)).to_be_visible()
    assert page.get_by_role("link", name="高德地图").get_attribute("href").startswith(
        "https://uri.amap.com/marker")
    expect(page.locator("a[href='tel:0532-12345']")).to_have_count(2)  # top and bottom
    screenshot(page, "warm-site-phone")


def test_with_location_refused_the_district_fallback_works(cast, new_page):
    build_network(cast)
    page = new_page(PHONE)  # no geolocation permission
    page.goto("/warm/")
    page.get_by_role("button", name="查找最近的开放地点").click()
    status = page.locator("#locate-status")
    status.wait_for(state="visible")
    page.wait_for_function(
        "() => document.getElementById('locate-status').textContent.includes('区')")
    assert "无法获取您的位置" in status.inner_text()
    page.select_option("#id_district", label="崂山区")
    page.get_by_role("button", name="搜索").click()
    page.wait_for_selector("#results .card")
    assert "崂山区" in page.locator("#results-heading").inner_text()
    first = page.locator("#results .card h3").first.inner_text()
    assert first in {"崂山区救助管理分站", "琴岛驿家·沙子口"}
    screenshot(page, "warm-fallback-phone")
