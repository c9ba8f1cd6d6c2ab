"""The leader on duty learns of an overdue lead: the unread count in the menu, the inbox, the
acknowledgement; and the district's week roster on a desktop."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from songnuan.duty.models import Alert, DutyRole
from songnuan.leads.models import Lead
from songnuan.outreach.alerts import alert_overdue_leads
from tests.duty.factories import make_shift, on_duty_around_now
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import LAOSHAN, PASSWORD, district
from tests.leads.factories import LAOSHAN_ZHANGCUN, report


def test_the_leader_on_duty_sees_and_acknowledges_an_overdue_lead_on_a_phone(cast, new_page):
    on_duty_around_now(cast.laoshan_admin, district=district(LAOSHAN))
    lead = report(*LAOSHAN_ZHANGCUN, place="张村河桥洞")
    Lead.objects.filter(pk=lead.pk).update(
        received_at=timezone.now() - datetime.timedelta(minutes=40))
    assert alert_overdue_leads() == 1

    page = new_page(PHONE)
    log_in(page, cast.laoshan_admin.username, PASSWORD)
    expect(page.locator(".menu summary .badge")).to_be_visible()
    expect(page.locator(".menu summary .badge")).to_have_text("1")
    screenshot(page, "duty-unread-badge-phone")
    page.locator(".menu summary").click()
    expect(page.locator(".menu nav .badge")).to_have_text("1")
    screenshot(page, "duty-unread-menu-phone")
    page.get_by_role("link", name="我的提醒").click()
    card = page.locator(".alert").first
    expect(card).to_contain_text(lead.tracking_code)
    expect(card).to_contain_text("张村河桥洞")
    expect(card).to_contain_text("线索超时")
    expect(page.locator(".menu summary .badge")).to_have_count(0)  # opened: read
    screenshot(page, "duty-inbox-phone")
    card.get_by_role("button", name="签收").click()
    expect(page.locator(".messages")).to_contain_text("提醒已签收")
    expect(page.locator(".alert").first).to_contain_text("已于")
    assert Alert.objects.get(recipient=cast.laoshan_admin).acknowledged_at is not None
    screenshot(page, "duty-inbox-acknowledged-phone")


def test_the_district_roster_shows_the_week_on_a_desktop(cast, new_page):
    laoshan = district(LAOSHAN)
    monday = timezone.make_aware(datetime.datetime.combine(
        timezone.localdate() - datetime.timedelta(days=timezone.localdate().weekday()),
        datetime.time(8)))
    # The leader's day runs from 08:00 to 08:00: last Sunday's covers Monday before 08:00.
    make_shift(cast.laoshan_admin, district=laoshan, starts_at=monday - datetime.timedelta(days=1))
    for day in range(7):
        start = monday + datetime.timedelta(days=day)
        make_shift(cast.laoshan_admin, district=laoshan, starts_at=start)
        if day % 2 == 0:
            make_shift(cast.laoshan_dispatcher, district=laoshan, role=DutyRole.OFFICER,
                       starts_at=start, length=12)
    page = new_page(DESKTOP)
    log_in(page, cast.laoshan_admin.username, PASSWORD)
    page.goto("/duty/")
    expect(page.locator("h1")).to_contain_text("崂山区")
    expect(page.locator("table.roster tbody tr")).to_have_count(7)
    expect(page.locator(".now")).to_contain_text("王芳")
    screenshot(page, "duty-roster-desktop")
    page.get_by_role("link", name="添加班次", exact=True).click()
    page.select_option("select[name=role]", "officer")
    page.select_option("select[name=user]", str(cast.laoshan_station.pk))
    page.fill("input[name=starts_at]", f"{monday:%Y-%m-%d}T10:00")
    page.fill("input[name=ends_at]", f"{monday:%Y-%m-%d}T22:00")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".errorlist")).to_contain_text("同一岗位不能重叠排班")
    screenshot(page, "duty-shift-refused-desktop")
    phone = new_page(PHONE)
    log_in(phone, cast.laoshan_admin.username, PASSWORD)
    phone.goto("/duty/")
    expect(phone.locator("table.roster tbody tr")).to_have_count(7)
    screenshot(phone, "duty-roster-phone")
