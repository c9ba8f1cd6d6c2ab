"""Incident pages: the register scoped by district, the few-tap report that keeps its input,
acknowledgement, the review that closes, the export and the plans."""

from __future__ import annotations

import csv
import io

from django.urls import reverse

from songnuan.duty.models import Alert
from songnuan.incidents import escalation
from songnuan.incidents.models import EmergencyPlan, Incident, Kind, Status
from tests.factories import LAOSHAN, SHINAN, district
from tests.incidents.factories import laoshan_roster, report
from tests.leads.factories import LAOSHAN_ZHANGCUN
from tests.outreach.factories import assigned_task, make_squad

REGISTER = reverse("incidents:register")


def test_the_register_shows_each_district_its_own_incidents(cast, client_for):
    laoshan = report(cast.laoshan_patroller, place="张村河桥洞")
    shinan = report(cast.shinan_patroller, place="中山路地下通道", district=district(SHINAN))
    page = client_for(cast.laoshan_viewer).get(REGISTER).content.decode()
    assert "张村河桥洞" in page and "中山路地下通道" not in page
    page = client_for(cast.city_admin).get(REGISTER).content.decode()
    assert "张村河桥洞" in page and "中山路地下通道" in page
    client = client_for(cast.shinan_viewer)
    assert client.get(laoshan.get_absolute_url()).status_code == 404
    assert client.get(shinan.get_absolute_url()).status_code == 200


def test_a_reporter_keeps_seeing_what_they_reported_in_another_district(cast, client_for):
    incident = report(cast.shinan_patroller, place="张村河桥洞")
    assert incident.district == district(LAOSHAN)
    assert client_for(cast.shinan_patroller).get(incident.get_absolute_url()).status_code == 200
    assert client_for(cast.shinan_viewer).get(incident.get_absolute_url()).status_code == 404


def test_the_register_filters_and_exports_what_it_shows(cast, client_for):
    report(cast.laoshan_patroller, kind=Kind.DEATH, place="张村河桥洞")
    report(cast.laoshan_patroller, kind=Kind.FIRE_GAS, place="沙子口仓库")
    client = client_for(cast.laoshan_admin)
    page = client.get(REGISTER, {"kind": Kind.FIRE_GAS}).content.decode()
    assert "沙子口仓库" in page and "张村河桥洞" not in page
    export = client.get(REGISTER, {"kind": Kind.DEATH, "export": "csv"})
    rows = list(csv.reader(io.StringIO(export.content.decode("utf-8-sig"))))
    assert len(rows) == 2 and rows[1][4] == "张村河桥洞"


def test_the_report_from_a_task_keeps_its_input_when_refused(cast, client_for):
    squad = make_squad(district_code=LAOSHAN, at=LAOSHAN_ZHANGCUN,
                       members=[cast.laoshan_patroller])
    task = assigned_task(squad, cast.laoshan_dispatcher, lat=LAOSHAN_ZHANGCUN[0],
                         lon=LAOSHAN_ZHANGCUN[1])
    client = client_for(cast.laoshan_patroller)
    form = client.get(reverse("incidents:report"), {"task": task.pk})
    assert form.status_code == 200
    response = client.post(reverse("incidents:report"), {
        "client_request_id": "abc", "task": task.pk, "level": "serious",
        "actions_taken": "已拨打120，裹上棉被"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "请选择事件类型" in page and "已拨打120，裹上棉被" in page
    assert not Incident.objects.exists()
    response = client.post(reverse("incidents:report"), {
        "client_request_id": "abc", "task": task.pk, "level": "serious",
        "kind": Kind.COLD_INJURY, "actions_taken": "已拨打120，裹上棉被"})
    incident = Incident.objects.get()
    assert response.url == incident.get_absolute_url()
    assert incident.task == task


def test_someone_elses_task_cannot_be_reported_from(cast, client_for):
    squad = make_squad(district_code=LAOSHAN, at=LAOSHAN_ZHANGCUN,
                       members=[cast.laoshan_patroller])
    task = assigned_task(squad, cast.laoshan_dispatcher, lat=LAOSHAN_ZHANGCUN[0],
                         lon=LAOSHAN_ZHANGCUN[1])
    response = client_for(cast.shinan_patroller).get(reverse("incidents:report"),
                                                      {"task": task.pk})
    assert response.status_code == 404


def test_the_leader_on_duty_acknowledges_on_the_page_and_a_manager_closes_it(cast, client_for):
    laoshan_roster(cast)
    incident = report(cast.laoshan_patroller)
    client = client_for(cast.laoshan_admin)
    assert "签收" in client.get(incident.get_absolute_url()).content.decode()
    client.post(reverse("incidents:acknowledge", args=[incident.pk]))
    incident.refresh_from_db()
    assert incident.status == Status.ACKNOWLEDGED
    assert Alert.objects.get(recipient=cast.laoshan_admin).acknowledged_at is not None
    refused = client.post(reverse("incidents:close", args=[incident.pk]),
                          {"cause": "夜间低温", "lessons": "", "measures": "加密巡查"})
    assert refused.status_code == 422
    assert "夜间低温" in refused.content.decode()
    client.post(reverse("incidents:close", args=[incident.pk]),
                {"cause": "夜间低温", "lessons": "巡查间隔过长", "measures": "加密巡查"})
    incident.refresh_from_db()
    assert incident.status == Status.CLOSED


def test_only_a_manager_in_scope_closes(cast, client_for):
    incident = report(cast.laoshan_patroller)
    review = {"cause": "x", "lessons": "y", "measures": "z"}
    url = reverse("incidents:close", args=[incident.pk])
    assert client_for(cast.laoshan_patroller).post(url, review).status_code == 403
    assert client_for(cast.shinan_admin).post(url, review).status_code == 404
    assert not Incident.objects.get(pk=incident.pk).is_closed


def test_a_district_writes_its_plan_and_a_new_version(cast, client_for):
    client = client_for(cast.laoshan_admin)
    refused = client.post(reverse("incidents:plan_add"), {
        "title": "冻伤处置预案", "kind": Kind.COLD_INJURY, "items": "拨打120"})
    assert refused.status_code == 200 and "全市预案由市级编写" in refused.content.decode()
    client.post(reverse("incidents:plan_add"), {
        "title": "冻伤处置预案", "kind": Kind.COLD_INJURY, "district": district(LAOSHAN).pk,
        "items": "1. 拨打120\n2. 保暖复温", "note": "初版"})
    plan = EmergencyPlan.objects.get()
    client.post(plan.get_absolute_url(), {"items": "拨打120\n保暖复温\n通知家属",
                                          "note": "增加通知家属"})
    assert plan.current().items == ["拨打120", "保暖复温", "通知家属"]
    page = client_for(cast.shinan_admin).get(plan.get_absolute_url())
    assert page.status_code == 404


def test_the_register_marks_an_incident_nobody_acknowledged_in_time(cast, client_for):
    laoshan_roster(cast)
    late = report(cast.laoshan_patroller, place="张村河桥洞")  # reported days ago
    client = client_for(cast.laoshan_admin)
    assert "未按时签收" in client.get(REGISTER).content.decode()
    client.post(reverse("incidents:acknowledge", args=[late.pk]))
    # acknowledged after its deadline: the worker tells the city and, as the limits run from
    # the report and the city's has passed too, the bureau; nobody answers them
    assert escalation.send_due_steps() == 2
    assert "未按时签收" in client.get(REGISTER).content.decode()
    client.post(reverse("incidents:close", args=[late.pk]),
                {"cause": "夜间低温", "lessons": "巡查间隔过长", "measures": "加密巡查"})
    assert "未按时签收" not in client.get(REGISTER).content.decode()
