"""A frostbite case from the street to its review: a patroller reports it from the task on a
phone in a few taps; the district's leader on duty is alerted, acknowledges it, works through the
emergency plan's checklist and closes the case with a review; the register and the person file
show it."""

from __future__ import annotations

import uuid

from playwright.sync_api import expect

from songnuan.duty.models import Alert, DutyRole
from songnuan.incidents import plans
from songnuan.incidents.models import EmergencyPlan, Incident, Kind, Status
from songnuan.outreach import dispatch
from songnuan.outreach.models import EncounterOutcome
from tests.duty.factories import on_duty_around_now
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import LAOSHAN, PASSWORD, district
from tests.leads.factories import LAOSHAN_ZHANGCUN
from tests.outreach.factories import assigned_task, make_squad
from tests.people.factories import make_person

CHECKLIST = ["拨打120并陪同送医", "脱离寒冷环境、保暖复温", "核实身份并通知家属",
             "书面报告区民政局"]


def a_night_with_a_frostbite_case(cast):
    laoshan = district(LAOSHAN)
    on_duty_around_now(cast.laoshan_admin, district=laoshan)
    on_duty_around_now(cast.centre_dispatcher, role=DutyRole.OFFICER)
    plan = EmergencyPlan(title="冻伤、失温处置预案", kind=Kind.COLD_INJURY, owner=cast.city_admin)
    plans.save_version(plan, text="适用于全市救助现场。", items=CHECKLIST, note="初版",
                       by=cast.city_admin)
    squad = make_squad("崂山一队", district_code=LAOSHAN, at=LAOSHAN_ZHANGCUN,
                       members=[cast.laoshan_patroller])
    task = assigned_task(squad, cast.laoshan_dispatcher, lat=LAOSHAN_ZHANGCUN[0],
                         lon=LAOSHAN_ZHANGCUN[1], place="张村河桥洞")
    person = make_person("孙老汉", age=67, district=laoshan)
    dispatch.record_encounter(task, dispatch.EncounterInput(
        client_request_id=uuid.uuid4().hex, outcome=EncounterOutcome.HOSPITAL,
        hospital="崂山区人民医院", people=[dispatch.PersonMet(person_id=person.pk)]),
        by=cast.laoshan_patroller)
    return task, person


def test_a_frostbite_case_goes_from_the_patrollers_phone_to_a_closed_review(cast, new_page):
    task, person = a_night_with_a_frostbite_case(cast)

    phone = new_page(PHONE)
    log_in(phone, cast.laoshan_patroller.username, PASSWORD)
    phone.goto(f"/outreach/tasks/{task.pk}/")
    phone.get_by_role("link", name="报告突发事件").click()
    expect(phone.locator("h1")).to_have_text("报告突发事件")
    expect(phone.locator(".from-task")).to_contain_text("张村河桥洞")
    phone.get_by_role("button", name="立即报告").click()  # nothing chosen: refused, kept
    expect(phone.locator("[data-field=kind]")).to_contain_text("请选择事件类型")
    screenshot(phone, "incident-report-refused-phone")
    phone.get_by_text("冻伤、失温或重伤").click()
    phone.get_by_text("较大", exact=True).click()
    phone.get_by_text("孙老汉").click()
    phone.fill("textarea[name=actions_taken]", "已拨打120，裹上棉被，送崂山区人民医院")
    screenshot(phone, "incident-report-phone")
    phone.get_by_role("button", name="立即报告").click()
    expect(phone.locator(".messages")).to_contain_text("已通知带班领导")
    expect(phone.locator(".chain")).to_contain_text("王芳")
    screenshot(phone, "incident-reported-phone")
    incident = Incident.objects.get()
    assert (incident.kind, incident.task_id) == (Kind.COLD_INJURY, task.pk)
    assert list(incident.people.all()) == [person]

    leader = new_page(PHONE)
    log_in(leader, cast.laoshan_admin.username, PASSWORD)
    leader.goto("/duty/alerts/")
    card = leader.locator(".alert").first
    expect(card).to_contain_text("张村河桥洞")
    expect(card).to_contain_text("突发事件")
    screenshot(leader, "incident-alert-inbox-phone")
    card.get_by_role("link", name="查看详情").click()
    leader.get_by_role("button", name="签收").click()
    expect(leader.locator("#incident-status")).to_have_text("已签收")
    checklist = leader.locator(".checklist")
    expect(checklist.locator("li")).to_have_count(len(CHECKLIST))
    leader.get_by_role("button", name=f"已完成：{CHECKLIST[0]}").click()
    expect(leader.locator(".checklist li.done")).to_contain_text("王芳")
    screenshot(leader, "incident-acknowledged-checklist-phone")
    assert Alert.objects.get(recipient=cast.laoshan_admin).acknowledged_at is not None

    desk = new_page(DESKTOP)
    log_in(desk, cast.laoshan_admin.username, PASSWORD)
    desk.goto(incident.get_absolute_url())
    desk.get_by_role("button", name=f"已完成：{CHECKLIST[1]}").click()
    desk.fill("textarea[name=cause]", "夜间气温降至零下10度，当事人在桥洞露宿未及时转移")
    desk.get_by_role("button", name="结案").click()
    expect(desk.locator(".errorlist")).to_contain_text("复盘须填写教训")
    expect(desk.locator("textarea[name=cause]")).to_have_value(
        "夜间气温降至零下10度，当事人在桥洞露宿未及时转移")
    desk.fill("textarea[name=lessons]", "寒潮夜间对桥洞等重点点位巡查间隔过长")
    desk.fill("textarea[name=measures]", "寒潮期间重点点位每两小时巡查一次，发现即劝导入站")
    desk.get_by_role("button", name="结案").click()
    expect(desk.locator("#incident-status")).to_have_text("已结案")
    screenshot(desk, "incident-closed-desktop")
    assert Incident.objects.get().status == Status.CLOSED

    desk.goto("/incidents/")
    row = desk.locator("table.register tbody tr").first
    expect(row).to_contain_text("冻伤、失温或重伤")
    expect(row).to_contain_text("已结案")
    screenshot(desk, "incident-register-desktop")
    desk.goto(person.get_absolute_url())
    expect(desk.locator(".timeline")).to_contain_text("突发事件：冻伤、失温或重伤（较大）")
    screenshot(desk, "incident-on-person-file-desktop")
    leader.goto("/incidents/")
    expect(leader.locator("table.register")).to_contain_text("张村河桥洞")
    screenshot(leader, "incident-register-phone")
