"""The dispatcher's plan and service-level pages and the patroller's route, in Chinese."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from songnuan.outreach import patrols
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.leads.factories import make_hotspot, report
from tests.outreach.factories import make_squad


def test_a_dispatcher_plans_tonight_and_the_patroller_sees_the_route(cast, new_page):
    night = patrols.night_of(timezone.now())
    start, _end = patrols.night_bounds(night)
    squad = make_squad("市南夜巡队", members=[cast.shinan_patroller])
    squad.shifts.all().delete()
    squad.shifts.create(starts_at=start, ends_at=start + datetime.timedelta(hours=12))
    for name, lat, lon in (("青岛站地下通道", 36.0648, 120.3135),
                           ("五四广场通道", 36.0618, 120.3845),
                           ("八大关长椅区", 36.0540, 120.3560)):
        make_hotspot(name=name, lat=lat, lon=lon)
    report(lat=36.0700, lon=120.3300)

    dispatcher = new_page(DESKTOP)
    log_in(dispatcher, cast.shinan_dispatcher.username, PASSWORD)
    dispatcher.goto("/outreach/board/")
    dispatcher.wait_for_selector(".queue-item")
    assert "派单" in dispatcher.locator(".queue-item button[name=assign]").inner_text()
    expect(dispatcher.locator("#board-map path.leaflet-interactive, #board-map svg path")
           .first).to_be_visible()
    screenshot(dispatcher, "outreach-board-zh-desktop")
    dispatcher.goto("/outreach/plans/")
    dispatcher.select_option("select[name=district]", str(squad.district_id))
    dispatcher.fill("input[name=night]", night.isoformat())
    dispatcher.get_by_role("button", name="生成巡查计划").click()
    dispatcher.wait_for_selector("section.route")
    assert dispatcher.locator("section.route tbody tr").count() >= 3
    screenshot(dispatcher, "outreach-plan-desktop")
    dispatcher.goto("/outreach/service-levels/")
    screenshot(dispatcher, "outreach-service-levels-desktop")

    patroller = new_page(PHONE)
    log_in(patroller, cast.shinan_patroller.username, PASSWORD)
    patroller.goto("/outreach/my/")
    expect(patroller.get_by_text("今晚巡查路线")).to_be_visible()
    patroller.locator(".phone-card form button").first.click()
    patroller.wait_for_selector(".phone-card.is-done")
    screenshot(patroller, "outreach-route-phone")


def test_a_dispatcher_schedules_a_squad_and_an_overlap_is_refused_in_chinese(cast, new_page):
    squad = make_squad("市南夜巡队", members=[cast.shinan_patroller])
    for viewport, suffix in ((DESKTOP, "desktop"), (PHONE, "phone")):
        page = new_page(viewport)
        log_in(page, cast.shinan_dispatcher.username, PASSWORD)
        page.goto("/outreach/squads/")
        expect(page.get_by_role("link", name="市南夜巡队")).to_be_visible()
        expect(page.get_by_text("在班")).to_be_visible()
        screenshot(page, f"outreach-squads-{suffix}")
        page.get_by_role("link", name="市南夜巡队").click()
        expect(page.get_by_text("本周排班")).to_be_visible()
        now = timezone.localtime(squad.shifts.get().starts_at)
        page.fill("input[name=starts_at]", (now + datetime.timedelta(hours=1))
                  .strftime("%Y-%m-%dT%H:%M"))
        page.fill("input[name=ends_at]", (now + datetime.timedelta(hours=4))
                  .strftime("%Y-%m-%dT%H:%M"))
        page.get_by_role("button", name="添加班次").click()
        expect(page.locator(".errorlist")).to_contain_text("已有班次")
        screenshot(page, f"outreach-squad-detail-{suffix}")
        page.goto("/outreach/squads/new/")
        page.fill("input[name=name]", f"市南夜巡{suffix}队")
        page.select_option("select[name=district]", label="市南区")
        page.fill("input[name=base_lat]", "36.1040")
        page.fill("input[name=base_lon]", "120.4680")
        page.get_by_role("button", name="保存").click()
        expect(page.locator(".errorlist")).to_contain_text("驻点不在该救助队所属区内")
        screenshot(page, f"outreach-squad-new-{suffix}")
        page.goto("/outreach/board/")
        expect(page.locator("#board-map path").first).to_be_visible()
        screenshot(page, f"outreach-board-{suffix}")
