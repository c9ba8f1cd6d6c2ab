"""The audit log page and its XLSX export speak in labels, names and local time."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from songnuan.accounts import audit
from songnuan.accounts.models import AuditEvent
from songnuan.leads import services as leads
from songnuan.leads.models import LeadStatus
from songnuan.outreach import dispatch
from songnuan.outreach.dispatch import PersonMet
from songnuan.outreach.models import EncounterOutcome, EncounterPerson
from tests.leads.factories import report
from tests.outreach.factories import assigned_task, encounter_input, make_squad

pytestmark = pytest.mark.django_db


def lead_on_scene_then_resolved(cast):
    lead = report(description="栈桥西侧回廊一位老人")
    with audit.acting_as(cast.shinan_dispatcher):
        for status in (LeadStatus.ASSIGNED, LeadStatus.EN_ROUTE, LeadStatus.ON_SCENE):
            leads.set_status(lead, status, by=cast.shinan_dispatcher)
        leads.set_status(lead, LeadStatus.RESOLVED, by=cast.shinan_dispatcher,
                         outcome="helped_to_site")
    return lead


def audit_page(client_for, cast, **filters) -> str:
    response = client_for(cast.city_admin).get(reverse("accounts:audit_log"), filters)
    assert response.status_code == 200
    return response.content.decode()


def test_choice_values_read_as_their_labels(cast, client_for):
    lead = lead_on_scene_then_resolved(cast)
    page = audit_page(client_for, cast, object_type="leads.lead", action="update")
    assert "已到现场 → 已处置" in page
    assert "on_scene → resolved" not in page
    assert lead.tracking_code in page


def test_a_row_without_a_name_of_its_own_is_named_by_what_it_belongs_to(cast, client_for):
    task = assigned_task(make_squad("市南区救助一队"), cast.shinan_dispatcher,
                         place="中山路地下通道")
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M", age_estimate=61,
                                                    self_name="老韩")]),
        by=cast.shinan_patroller)
    met = EncounterPerson.objects.get()
    page = audit_page(client_for, cast, object_type="outreach.encounterperson")
    assert f"EncounterPerson object ({met.pk})" not in page
    assert "现场遇到的人员" in page and str(met.person) in page and "拒绝救助" in page


def test_references_read_as_names_and_times_as_local_time(cast, client_for):
    when = datetime.datetime(2026, 12, 3, 14, 5, tzinfo=datetime.UTC)  # 22:05 in Qingdao
    with audit.acting_as(cast.city_admin):
        cast.shinan_point.status_reason = "暖气检修"
        cast.shinan_point.parent = cast.laoshan_substation
        cast.shinan_point.save()
    audit.record("update", cast.shinan_point, changes={"updated_at": [None, when.isoformat()]})
    page = audit_page(client_for, cast, object_type="network.site", action="update")
    assert "市南区救助管理分站 → 崂山区救助管理分站" in page
    assert "2026-12-03 22:05:00" in page
    assert "2026-12-03 14:05" not in page and "2026-12-03T14:05" not in page  # not in UTC
    event = AuditEvent.objects.filter(object_type="network.site").first()
    assert timezone.localtime(event.at).strftime("%Y-%m-%d %H:%M:%S") in page


def test_the_filtered_log_exports_to_xlsx_in_the_same_words(cast, client_for):
    lead_on_scene_then_resolved(cast)
    response = client_for(cast.city_admin).get(reverse("accounts:audit_export"),
                                               {"object_type": "leads.lead",
                                                "action": "update"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml")
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("时间", "用户", "操作", "对象类型", "对象", "变更内容", "IP 地址")
    body = rows[1:]
    assert body and all(row[2] == "更新" and row[3] == "线索" for row in body)
    assert any("已到现场 → 已处置" in (row[5] or "") for row in body)
    assert {row[1] for row in body} == {cast.shinan_dispatcher.username}
    assert AuditEvent.objects.filter(action="export", actor=cast.city_admin).exists()


def test_only_city_administrators_export_the_log(cast, client_for):
    url = reverse("accounts:audit_export")
    assert client_for(cast.shinan_admin).get(url).status_code == 403
    assert client_for(cast.city_admin).get(url).status_code == 200
