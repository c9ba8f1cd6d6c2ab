"""A family reports on a phone; an unidentified man is admitted; the officer finds the report
among his candidates, confirms it, the announcement comes down and he goes home."""

from __future__ import annotations

from playwright.sync_api import expect

from songnuan.notify.models import Outbox
from songnuan.tracing.models import CaseStatus, TracingCase
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.tracing.factories import admit_unidentified


def test_a_family_report_leads_to_a_reunion(cast, new_page, live_server):
    phone = new_page(PHONE, locale="zh-CN")
    phone.goto(f"{live_server.url}/xunqin/report/")
    phone.fill("#id_reporter_phone", "13800000001")
    phone.get_by_role("button", name="获取验证码").click()
    expect(phone.get_by_role("status")).to_be_visible()
    code = "".join(ch for ch in Outbox.objects.latest("id").text if ch.isdigit())[:6]
    phone.fill("#id_code", code)
    phone.fill("#id_reporter_name", "张丽")
    phone.fill("#id_reporter_relation", "女儿")
    phone.fill("#id_name", "张卫东")
    phone.select_option("#id_sex", "M")
    phone.fill("#id_birth_year", "1968")
    phone.fill("#id_height_cm", "170")
    phone.fill("#id_native_place", "山东菏泽")
    phone.fill("#id_dialect", "山东口音")
    phone.fill("#id_features", "左手小指缺失；右脸颊有黑痣")
    phone.select_option("#id_district", str(cast.laoshan_substation.district_id))
    screenshot(phone, "tracing-public-report-phone")
    phone.get_by_role("button", name="提交登记").click()
    expect(phone.get_by_role("heading", name="登记已收到")).to_be_visible()
    reference = phone.locator("strong").first.inner_text()
    screenshot(phone, "tracing-public-report-done-phone")

    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)

    desk = new_page(DESKTOP)
    log_in(desk, "laoshan.tracing", PASSWORD)
    desk.goto(f"{live_server.url}/tracing/cases/{case.pk}/")
    first = desk.locator("article.candidate").first
    assert first.get_attribute("data-report") == reference
    assert "特征" in first.locator(".why").inner_text() or first.locator(".why li").count()
    desk.fill("#id_found_place", "崂山区沙子口")
    desk.get_by_role("button", name="发布寻亲公告").click()
    assert desk.get_by_test_id("announcement-state").inner_text() == "公开中"
    screenshot(desk, "tracing-case-desktop")

    phone.goto(f"{live_server.url}/xunqin/?q=沙子口")
    expect(phone.locator("article.announcement")).to_have_count(1)
    screenshot(phone, "tracing-announcements-phone")

    first = desk.locator("article.candidate").first
    first.locator("select[name=decision]").select_option("confirmed")
    first.locator("input[name=reason]").fill("女儿视频辨认，特征一致")
    first.get_by_role("button", name="提交决定").click()
    assert desk.get_by_test_id("case-status").inner_text() == "已查明身份"
    assert "已撤下" in desk.get_by_test_id("announcement-state").inner_text()

    phone.goto(f"{live_server.url}/xunqin/?q=沙子口")
    expect(phone.locator("article.announcement")).to_have_count(0)

    desk.get_by_text("家属到站接回").click()
    desk.select_option("#id_home_travel_mode", "family")
    desk.get_by_role("button", name="办理返乡").click()
    assert "关闭" in desk.get_by_test_id("case-status").inner_text()
    screenshot(desk, "tracing-case-closed-desktop")
    case = TracingCase.objects.get(pk=case.pk)
    assert case.status == CaseStatus.CLOSED
    assert case.stay.outcome == "returned_home"
