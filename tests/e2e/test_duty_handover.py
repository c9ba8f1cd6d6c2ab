"""A desk officer writes the handover at the change of shift; the next shift's officer reads it
on a phone and acknowledges it."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from songnuan.duty.models import DutyRole, Handover
from tests.duty.factories import make_shift
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import LAOSHAN, PASSWORD, district


def test_the_next_shift_acknowledges_the_desk_officers_handover(cast, new_page):
    laoshan = district(LAOSHAN)
    change = timezone.now().replace(second=0, microsecond=0) - datetime.timedelta(minutes=10)
    make_shift(cast.laoshan_dispatcher, district=laoshan, role=DutyRole.OFFICER,
               starts_at=change - datetime.timedelta(hours=12), length=12)
    make_shift(cast.laoshan_station, district=laoshan, role=DutyRole.OFFICER,
               starts_at=change, length=12)

    desk = new_page(DESKTOP)
    log_in(desk, cast.laoshan_dispatcher.username, PASSWORD)
    desk.goto("/duty/handovers/")
    desk.get_by_text("填写交接班记录").click()
    desk.fill("textarea[name=open_leads]", "QD1234 张村河桥洞两人，已派崂山一队，待复查")
    desk.fill("textarea[name=people_in_field]", "崂山一队（刘洋）在沙子口巡查")
    desk.fill("textarea[name=supplies_short]", "棉被仅剩 6 条")
    desk.fill("textarea[name=watch]", "今夜寒潮蓝色预警，桥洞点位每两小时巡查一次")
    desk.get_by_role("button", name="交班").click()
    expect(desk.locator(".messages")).to_contain_text("待下一班签收")
    expect(desk.locator(".handover").first).to_contain_text("棉被仅剩 6 条")
    screenshot(desk, "handover-written-desktop")

    phone = new_page(PHONE)
    log_in(phone, cast.laoshan_station.username, PASSWORD)
    phone.goto("/duty/handovers/")
    note = phone.locator(".handover").first
    expect(note).to_contain_text("张村河桥洞两人")
    note.get_by_role("button", name="已阅，签收").click()
    expect(phone.locator(".handover").first).to_contain_text("张丽")
    screenshot(phone, "handover-acknowledged-phone")
    assert Handover.objects.get().acknowledged_by == cast.laoshan_station
