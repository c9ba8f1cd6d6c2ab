"""Escorted return home (送返): a plan, the escort's departure, the receiving side's code."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from songnuan.notify.models import Outbox
from songnuan.people.models import Status
from songnuan.refusals import Refused
from songnuan.tracing import matching, returns
from songnuan.tracing.models import (
    CaseStatus,
    Decision,
    FollowUp,
    ReturnPlan,
    ReturnStatus,
)
from tests.tracing.factories import admit_unidentified, make_report

pytestmark = pytest.mark.django_db

DEPARTS = timezone.make_aware(datetime.datetime(2026, 12, 10, 8, 30))


def identified(cast):
    report = make_report(district=cast.laoshan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    matching.decide(case.candidates.get(report=report), decision=Decision.CONFIRMED,
                    reason="女儿张丽到站确认", by=cast.laoshan_tracing)
    case.refresh_from_db()
    return case


def plan_data(cast, **changes) -> dict:
    data = {"destination": "山东省菏泽市牡丹区吕陵镇",
            "route": "青岛北站 → 菏泽东站（高铁），再乘客车到吕陵镇",
            "travel_mode": "escort", "ticket_kind": "train", "ticket_number": "G1836",
            "departs_at": DEPARTS, "arrives_at": DEPARTS + datetime.timedelta(hours=4, minutes=40),
            "escort_user": cast.laoshan_station, "escort": "", "escort_phone": "",
            "receiver_kind": "bureau", "receiver_org": "菏泽市救助管理站",
            "receiver_name": "李建华", "receiver_phone": "13905301234",
            "supplies": "棉衣一件、干粮两份", "money_yuan": Decimal("100")}
    data.update(changes)
    return data


def departed(cast):
    plan = returns.plan_return(identified(cast), plan_data(cast), by=cast.laoshan_tracing)
    return returns.confirm_departure(plan, by=cast.laoshan_station, now=DEPARTS)


def test_a_return_is_planned_only_for_an_identified_person(cast):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    with pytest.raises(Refused, match="确认"):
        returns.plan_return(case, plan_data(cast), by=cast.laoshan_tracing)
    assert not ReturnPlan.objects.exists()


def test_a_plan_refuses_an_arrival_before_the_departure_and_writes_nothing(cast):
    case = identified(cast)
    with pytest.raises(Refused) as refused:
        returns.plan_return(case, plan_data(cast, arrives_at=DEPARTS), by=cast.laoshan_tracing)
    assert refused.value.field == "arrives_at"
    with pytest.raises(Refused) as refused:
        returns.plan_return(case, plan_data(cast, receiver_org=""), by=cast.laoshan_tracing)
    assert refused.value.field == "receiver_org"
    assert not ReturnPlan.objects.exists()


def test_the_plan_names_the_escort_from_the_staff_chosen(cast):
    plan = returns.plan_return(identified(cast), plan_data(cast), by=cast.laoshan_tracing)
    assert plan.escort == str(cast.laoshan_station) and plan.status == ReturnStatus.PLANNED
    with pytest.raises(Refused, match="已有"):
        returns.plan_return(plan.case, plan_data(cast), by=cast.laoshan_tracing)


def test_departure_discharges_the_stay_home_and_texts_the_receiver_a_link(cast):
    plan, code = departed(cast)
    plan.case.refresh_from_db()
    plan.case.stay.refresh_from_db()
    assert plan.status == ReturnStatus.DEPARTED and len(code) == 6 and code not in plan.code_hash
    assert plan.case.status == CaseStatus.CLOSED
    assert plan.case.stay.outcome == "returned_home"
    assert plan.case.person.status == Status.RETURNED_HOME
    text = Outbox.objects.get(phone="13905301234", purpose="return_link").text
    assert f"/songfan/{plan.link_token}/" in text and code not in text
    with pytest.raises(Refused):
        returns.confirm_departure(plan, by=cast.laoshan_station)


def test_the_right_code_confirms_the_arrival_and_schedules_the_follow_ups(cast):
    plan, code = departed(cast)
    at = plan.arrives_at + datetime.timedelta(minutes=20)
    plan = returns.confirm_arrival(plan.link_token, code, received_by="李建华", now=at)
    assert plan.status == ReturnStatus.ARRIVED and plan.arrived_at == at
    assert plan.received_by_name == "李建华" and plan.code_hash == ""
    months = list(FollowUp.objects.filter(case=plan.case).values_list("months", flat=True))
    assert months == [1, 3]


def test_a_wrong_code_is_refused_counted_and_writes_no_arrival(cast, settings):
    plan, code = departed(cast)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(Refused, match="不对") as refused:
        returns.confirm_arrival(plan.link_token, wrong, received_by="李建华", now=DEPARTS)
    assert refused.value.field == "code"
    plan.refresh_from_db()
    assert plan.status == ReturnStatus.DEPARTED and plan.code_attempts == 1
    assert plan.arrived_at is None and not FollowUp.objects.exists()


def test_enough_wrong_codes_lock_the_code_until_a_new_one_is_issued(cast, settings):
    plan, code = departed(cast)
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(settings.TRACING_RETURN_CODE_MAX_ATTEMPTS):
        with pytest.raises(Refused):
            returns.confirm_arrival(plan.link_token, wrong, received_by="李建华", now=DEPARTS)
    with pytest.raises(Refused, match="次数"):
        returns.confirm_arrival(plan.link_token, code, received_by="李建华", now=DEPARTS)
    fresh = returns.reissue_code(plan, by=cast.laoshan_tracing)
    plan = returns.confirm_arrival(plan.link_token, fresh, received_by="李建华", now=DEPARTS)
    assert plan.status == ReturnStatus.ARRIVED


def test_an_expired_code_is_refused_and_nothing_is_written(cast, settings):
    plan, code = departed(cast)
    late = plan.arrives_at + datetime.timedelta(
        hours=settings.TRACING_RETURN_CODE_GRACE_HOURS, minutes=1)
    with pytest.raises(Refused, match="过期"):
        returns.confirm_arrival(plan.link_token, code, received_by="李建华", now=late)
    plan.refresh_from_db()
    assert plan.status == ReturnStatus.DEPARTED and plan.code_attempts == 0


def test_a_used_code_cannot_confirm_again(cast):
    plan, code = departed(cast)
    returns.confirm_arrival(plan.link_token, code, received_by="李建华", now=DEPARTS)
    with pytest.raises(Refused, match="已确认"):
        returns.confirm_arrival(plan.link_token, code, received_by="别人", now=DEPARTS)
    plan.refresh_from_db()
    assert plan.received_by_name == "李建华"


def test_the_code_is_refused_before_the_departure(cast):
    plan = returns.plan_return(identified(cast), plan_data(cast), by=cast.laoshan_tracing)
    with pytest.raises(Refused):
        returns.confirm_arrival(plan.link_token, "123456", received_by="李建华")
    assert ReturnPlan.objects.get().status == ReturnStatus.PLANNED


# --- Pages ---------------------------------------------------------------------------------

def test_the_receiving_station_sees_what_it_needs_and_nothing_more(cast, client):
    plan, code = departed(cast)
    page = client.get(f"/songfan/{plan.link_token}/").content.decode()
    assert "G1836" in page and "崂山区救助管理分站" in page
    assert plan.case.person.display_name in page
    assert "13800000001" not in page  # the family's phone from the report stays inside
    assert "左手" not in page  # nor the person's marks and file
    assert client.get("/songfan/not-a-token/").status_code == 404


def test_the_receiving_page_keeps_its_input_on_a_wrong_code(cast, client):
    plan, code = departed(cast)
    wrong = "000000" if code != "000000" else "111111"
    answer = client.post(f"/songfan/{plan.link_token}/",
                         {"code": wrong, "received_by": "菏泽站李建华", "note": "已接到"})
    page = answer.content.decode()
    assert answer.status_code == 422 and "菏泽站李建华" in page and "已接到" in page
    answer = client.post(f"/songfan/{plan.link_token}/",
                         {"code": code, "received_by": "菏泽站李建华"})
    assert answer.status_code == 302
    assert "菏泽站李建华" in client.get(f"/songfan/{plan.link_token}/").content.decode()


def test_the_plan_form_keeps_its_input_on_error(cast, client):
    case = identified(cast)
    client.force_login(cast.laoshan_tracing)
    data = {"destination": "山东省菏泽市牡丹区", "route": "青岛北站 → 菏泽东站",
            "travel_mode": "escort", "ticket_kind": "train", "ticket_number": "G1836",
            "departs_at": "2026-12-10T08:30", "arrives_at": "2026-12-10T07:00",
            "escort": "张丽", "receiver_kind": "family", "receiver_name": "张丽",
            "receiver_phone": "13800000001", "money_yuan": "50"}
    answer = client.post(f"/tracing/cases/{case.pk}/return/", data)
    page = answer.content.decode()
    assert answer.status_code == 422 and "G1836" in page and "青岛北站 → 菏泽东站" in page
    assert not ReturnPlan.objects.exists()
    data["arrives_at"] = "2026-12-10T13:10"
    answer = client.post(f"/tracing/cases/{case.pk}/return/", data)
    plan = ReturnPlan.objects.get()
    assert answer.status_code == 302 and answer["Location"] == plan.get_absolute_url()


def test_the_escort_confirms_the_departure_and_sees_the_code_once(cast, client):
    plan = returns.plan_return(identified(cast), plan_data(cast), by=cast.laoshan_tracing)
    client.force_login(cast.laoshan_station)
    client.post(f"/tracing/returns/{plan.pk}/depart/")
    page = client.get(plan.get_absolute_url()).content.decode()
    assert 'data-testid="arrival-code"' in page and plan.link_token in page
    assert 'data-testid="arrival-code"' not in client.get(plan.get_absolute_url()).content.decode()
    client.force_login(cast.shinan_station)
    assert client.get(plan.get_absolute_url()).status_code == 404
