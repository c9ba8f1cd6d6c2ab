"""The way home: the officer plans the return, the escort confirms the departure on a phone,
the receiving station confirms the arrival with the code, and three months on (the reminder
job run with its clock injected) the follow-up is due in the officer's inbox; and a man never
identified is settled step by step."""

from __future__ import annotations

import datetime

from django.utils import timezone
from playwright.sync_api import expect

from songnuan.tracing import casework, followups, settlement
from songnuan.tracing.models import FollowUp, ReturnPlan, ReturnStatus, TracingCase
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.tracing.factories import admit_unidentified
from tests.tracing.test_returns import identified


def local(moment: datetime.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def test_a_return_is_planned_departs_and_is_confirmed_with_the_code(cast, new_page):
    case = identified(cast)
    TracingCase.objects.filter(pk=case.pk).update(officer=cast.laoshan_tracing)
    departs = timezone.now().replace(second=0, microsecond=0) + datetime.timedelta(hours=1)

    desk = new_page(DESKTOP)
    log_in(desk, "laoshan.tracing", PASSWORD)
    desk.goto(f"/tracing/cases/{case.pk}/")
    expect(desk.locator("#id_destination")).to_have_value("山东菏泽")
    desk.fill("#id_destination", "山东省菏泽市牡丹区吕陵镇")
    desk.fill("#id_route", "青岛北站乘高铁至菏泽东站，再乘客车到吕陵镇")
    desk.select_option("#id_ticket_kind", "train")
    desk.fill("#id_ticket_number", "G1836")
    desk.fill("#id_departs_at", local(departs))
    desk.fill("#id_arrives_at", local(departs - datetime.timedelta(hours=1)))
    desk.select_option("#id_escort_user", str(cast.laoshan_station.pk))
    desk.select_option("#id_receiver_kind", "station")
    desk.fill("#id_receiver_name", "李建华")
    desk.fill("#id_receiver_phone", "13905301234")
    desk.fill("#id_supplies", "棉衣一件、干粮两份")
    desk.fill("#id_money_yuan", "100")
    desk.get_by_role("button", name="制定送返计划").click()
    # Two mistakes at once, each under its field, and nothing typed is lost.
    expect(desk.get_by_text("到达时间必须晚于出发时间。")).to_be_visible()
    expect(desk.locator("#id_ticket_number")).to_have_value("G1836")
    screenshot(desk, "return-plan-refused-desktop")
    desk.fill("#id_arrives_at", local(departs + datetime.timedelta(hours=4, minutes=40)))
    desk.fill("#id_receiver_org", "菏泽市救助管理站")
    desk.get_by_role("button", name="制定送返计划").click()
    expect(desk.get_by_test_id("return-status")).to_have_text("已计划")
    plan = ReturnPlan.objects.get()
    screenshot(desk, "return-plan-desktop")

    escort = new_page(PHONE)
    log_in(escort, "laoshan.station", PASSWORD)
    escort.goto(f"/tracing/returns/{plan.pk}/")
    screenshot(escort, "return-escort-before-phone")
    escort.get_by_role("button", name="确认出发").click()
    expect(escort.get_by_test_id("return-status")).to_have_text("返乡途中")
    code = escort.get_by_test_id("arrival-code").locator(".code").inner_text().strip()
    link = escort.get_by_test_id("arrival-code").locator(".link a").inner_text().strip()
    screenshot(escort, "return-escort-departed-phone")

    station = new_page(PHONE)
    station.goto(link)
    expect(station.get_by_test_id("receive-brief")).to_contain_text("G1836")
    expect(station.get_by_test_id("receive-brief")).not_to_contain_text("左手")
    station.fill("#id_code", "000000" if code != "000000" else "111111")
    station.fill("#id_received_by", "菏泽市救助管理站 李建华")
    station.get_by_role("button", name="确认到达").click()
    expect(station.get_by_text("确认码不对")).to_be_visible()
    expect(station.locator("#id_received_by")).to_have_value("菏泽市救助管理站 李建华")
    screenshot(station, "return-receive-wrong-code-phone")
    station.fill("#id_code", code)
    station.get_by_role("button", name="确认到达").click()
    expect(station.get_by_test_id("receive-done")).to_contain_text("菏泽市救助管理站 李建华")
    screenshot(station, "return-received-phone")

    plan.refresh_from_db()
    assert plan.status == ReturnStatus.ARRIVED
    desk.goto(f"/tracing/cases/{case.pk}/")
    expect(desk.get_by_test_id("follow-ups").locator("tr")).to_have_count(2)
    expect(desk.get_by_test_id("follow-up-due")).to_have_count(0)

    three_months = FollowUp.objects.get(months=3).due_at + datetime.timedelta(hours=1)
    assert followups.remind(now=three_months) >= 1
    desk.goto("/duty/alerts/")
    expect(desk.locator("main")).to_contain_text("3个月的回访已逾期")
    screenshot(desk, "return-follow-up-due-desktop")
    desk.goto(f"/tracing/cases/{case.pk}/")
    screenshot(desk, "return-case-after-desktop")


def test_settlement_steps_are_recorded_in_order(cast, new_page):
    admitted = timezone.now() - datetime.timedelta(days=95)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, at=admitted)
    TracingCase.objects.filter(pk=case.pk).update(officer=cast.laoshan_tracing)
    casework.advance_cases()
    settlement.open_due_paths()

    desk = new_page(DESKTOP)
    log_in(desk, "laoshan.tracing", PASSWORD)
    desk.goto(f"/tracing/cases/{case.pk}/")
    steps = desk.get_by_test_id("settlement")
    expect(steps.locator("form")).to_have_count(1)
    steps.get_by_role("button", name="记录此步骤").click()
    expect(desk.get_by_text("请填写文书编号。")).to_be_visible()
    desk.get_by_test_id("settlement").locator("input[name=reference]").fill("崂民救〔2026〕17号")
    desk.get_by_test_id("settlement").get_by_role("button", name="记录此步骤").click()
    row = desk.locator("tr[data-step=application]")
    expect(row).to_contain_text("崂民救〔2026〕17号")
    expect(desk.locator("tr[data-step=registration] form")).to_have_count(1)
    expect(desk.locator("tr[data-step=placement]")).to_contain_text("待上一步完成")
    screenshot(desk, "settlement-desktop")
