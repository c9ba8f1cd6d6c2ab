"""The duty desk in a browser: a district administrator sees a roster gap in red on the coverage
page; a patroller on a phone opens who is on duty now and finds the number to tap; the leader on
duty ticks the plan a protocol level change opened."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from songnuan.duty.models import DutyRole
from songnuan.incidents import plans
from songnuan.incidents.models import EmergencyPlan
from songnuan.weather.overrides import set_override
from tests.duty.factories import make_shift
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD, SHINAN, district


def _midnight_today() -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time()))


def test_a_district_administrator_sees_a_roster_gap_in_red(cast, new_page):
    shinan = district(SHINAN)
    start = _midnight_today()
    # Day and night shifts for a week, except the leader's night from tomorrow 20:00.
    hole = start + datetime.timedelta(hours=44)
    for n in range(15):
        at = start - datetime.timedelta(hours=4) + datetime.timedelta(hours=12 * n)
        if at != hole:
            make_shift(cast.shinan_admin, district=shinan, starts_at=at, length=12)
        make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER, starts_at=at,
                   length=12)

    for device, name in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = new_page(device)
        log_in(page, cast.shinan_admin.username, PASSWORD)
        page.goto("/duty/coverage/")
        section = page.locator("section.coverage").first
        expect(section).to_contain_text("市南区")
        expect(section.locator(".gaps li")).to_have_count(1)
        expect(section.locator(".gaps li")).to_contain_text("20:00")
        expect(section.locator(".gaps li")).to_contain_text("08:00 无带班领导")
        gap_cells = section.locator("td.gap")
        expect(gap_cells).to_have_count(12)
        colour = gap_cells.first.evaluate("cell => getComputedStyle(cell).backgroundColor")
        assert colour == "rgb(197, 34, 31)"
        expect(page.locator("section.coverage")).to_have_count(1)
        screenshot(page, f"duty-coverage-{name}")


def test_a_patroller_on_a_phone_finds_the_desk_to_call(cast, new_page):
    shinan = district(SHINAN)
    now = timezone.now()
    cast.shinan_admin.phone = "13800138001"
    cast.shinan_admin.save()
    cast.shinan_dispatcher.phone = "13800138002"
    cast.shinan_dispatcher.save()
    make_shift(cast.shinan_admin, district=shinan, starts_at=now - datetime.timedelta(hours=3),
               length=12)
    make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER,
               starts_at=now - datetime.timedelta(hours=3), length=12)

    page = new_page(PHONE)
    log_in(page, cast.shinan_patroller.username, PASSWORD)
    page.goto("/duty/now/")
    expect(page.locator("h1")).to_have_text("当前值班")
    call = page.get_by_role("link", name="拨打 王芳")
    expect(call).to_have_attribute("href", "tel:13800138001")
    box = call.bounding_box()
    assert box is not None and box["height"] >= 44
    expect(page.get_by_role("link", name="拨打 李伟")).to_have_attribute("href",
                                                                       "tel:13800138002")
    expect(page.locator("body")).not_to_contain_text("崂山区")
    screenshot(page, "duty-now-phone")

    desk = new_page(DESKTOP)
    log_in(desk, cast.city_admin.username, PASSWORD)
    desk.goto("/duty/now/")
    expect(desk.locator(".desk", has_text="市南区").get_by_role("link", name="拨打 王芳")
           ).to_have_attribute("href", "tel:13800138001")
    expect(desk.locator(".desk", has_text="崂山区")).to_contain_text("值班表上无人")
    screenshot(desk, "duty-now-desktop")


def test_the_leader_on_duty_works_through_the_plan_a_level_change_opened(cast, new_page):
    shinan = district(SHINAN)
    now = timezone.now()
    make_shift(cast.shinan_admin, district=shinan, starts_at=now - datetime.timedelta(hours=3),
               length=12)
    plan = EmergencyPlan(title="寒潮橙色响应预案", protocol_level=2, owner=cast.city_admin)
    plans.save_version(plan, text="", items=["通知各救助队加密巡查", "开放全部临时救助点"],
                       note="", by=cast.city_admin)
    set_override(shinan, 2, "栈桥一带多人露宿，提前启动", now + datetime.timedelta(hours=12),
                 by=cast.city_admin)

    for device, name in ((PHONE, "phone"), (DESKTOP, "desktop")):
        page = new_page(device)
        log_in(page, cast.shinan_admin.username, PASSWORD)
        page.goto("/duty/alerts/")
        alert = page.locator(".alert", has_text="寒潮橙色响应预案")
        alert.get_by_role("link", name="查看详情").click()
        expect(page.locator("h1")).to_contain_text("寒潮橙色响应预案")
        if device is PHONE:
            page.get_by_role("button", name="已完成：通知各救助队加密巡查").click()
        expect(page.locator(".checklist li.done")).to_contain_text("王芳")
        screenshot(page, f"level-checklist-{name}")
