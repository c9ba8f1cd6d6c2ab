"""Emergency plans: versions kept, the matching plan's checklist opened when an incident is
reported, each item ticked with who and when."""

from __future__ import annotations

import pytest

from songnuan.incidents import plans
from songnuan.incidents.models import Checklist, EmergencyPlan, Kind
from songnuan.refusals import Conflict, Refused
from tests.factories import LAOSHAN, district
from tests.incidents.factories import REPORTED, laoshan_roster, minutes, report


def write_plan(cast, items, *, district_code=None, kind=Kind.COLD_INJURY, title="冻伤处置预案"):
    plan = EmergencyPlan(title=title, kind=kind, owner=cast.city_admin,
                         district=district(district_code) if district_code else None)
    plans.save_version(plan, text="", items=items, note="初版", by=cast.city_admin)
    return plan


def test_checklist_lines_drop_numbering_and_marks():
    assert plans.checklist_lines("1. 拨打120\n- 保暖\n\n□ 通知家属\n2.5 公里内\n3、（1）报告") == [
        "拨打120", "保暖", "通知家属", "2.5 公里内", "（1）报告"]


def test_a_new_version_keeps_the_old_one(cast):
    plan = write_plan(cast, ["拨打120"])
    plans.save_version(plan, text="修订", items=["拨打120", "送医"], note="增加送医",
                       by=cast.laoshan_admin)
    assert [(v.number, len(v.items)) for v in plan.versions.order_by("number")] == [(1, 1),
                                                                                    (2, 2)]
    assert plan.current().number == 2
    with pytest.raises(Refused) as refused:
        plans.save_version(plan, text="", items=[], note="", by=cast.city_admin)
    assert refused.value.field == "items"


def test_reporting_opens_the_districts_own_plan_for_the_leader_on_duty(cast):
    laoshan_roster(cast)
    write_plan(cast, ["全市通用"])
    write_plan(cast, ["拨打120", "保暖复温", "通知带班领导"], district_code=LAOSHAN,
               title="崂山区冻伤处置预案")
    incident = report(cast.laoshan_patroller)
    checklist = Checklist.objects.get(incident=incident)
    assert checklist.version.plan.title == "崂山区冻伤处置预案"
    assert checklist.opened_for == cast.laoshan_admin
    assert [item.text for item in checklist.items.all()] == ["拨打120", "保暖复温", "通知带班领导"]


def test_an_incident_of_a_type_without_a_plan_opens_no_checklist(cast):
    write_plan(cast, ["拨打120"])
    incident = report(cast.laoshan_patroller, kind=Kind.FIRE_GAS)
    assert not incident.checklists.exists()


def test_each_item_is_ticked_once_with_who_and_when(cast):
    write_plan(cast, ["拨打120", "保暖复温"])
    incident = report(cast.laoshan_patroller)
    first = incident.checklists.get().items.first()
    ticked = plans.tick(first, by=cast.laoshan_admin, now=REPORTED + minutes(4))
    assert (ticked.ticked_by, ticked.ticked_at) == (cast.laoshan_admin, REPORTED + minutes(4))
    with pytest.raises(Conflict):
        plans.tick(first, by=cast.laoshan_dispatcher)
    assert incident.actions.filter(text__contains="拨打120").exists()
