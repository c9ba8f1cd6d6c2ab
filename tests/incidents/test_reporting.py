"""Reporting an incident: refused field by field, placed from the task, the site, the phone or
typed words, once per client request, and shown on the person file."""

from __future__ import annotations

import pytest

from songnuan.incidents import services
from songnuan.incidents.models import Incident, Kind, Level
from songnuan.people.timeline import timeline_for
from songnuan.refusals import Conflict, Refused
from tests.factories import LAOSHAN, district
from tests.incidents.factories import REPORTED, laoshan_roster, minutes, report
from tests.leads.factories import LAOSHAN_ZHANGCUN
from tests.outreach.factories import assigned_task, make_squad
from tests.people.factories import make_person


def attempt(by, **fields):
    data = services.IncidentInput(client_request_id="req-1", **fields)
    return services.report(data, by=by, now=REPORTED)


@pytest.mark.parametrize(("fields", "field"), [
    ({"place": "张村河桥洞"}, "kind"),
    ({"kind": Kind.FIRE_GAS, "level": "apocalyptic", "place": "张村河桥洞"}, "level"),
    ({"kind": Kind.FIRE_GAS}, "place"),
    ({"kind": Kind.FIRE_GAS, "lat": 36.1}, "place"),
    ({"kind": Kind.FIRE_GAS, "lat": 31.23, "lon": 121.47}, "place"),  # 上海, outside the city
])
def test_an_incident_without_type_or_place_is_refused_at_that_field(cast, fields, field):
    with pytest.raises(Refused) as refused:
        attempt(cast.laoshan_patroller, **fields)
    assert refused.value.field == field
    assert not Incident.objects.exists()


def test_a_city_wide_reporter_must_name_the_district_of_a_typed_place(cast):
    with pytest.raises(Refused) as refused:
        attempt(cast.centre_dispatcher, kind=Kind.VIOLENCE, place="某处")
    assert refused.value.field == "district"


def test_the_phone_position_gives_place_and_district(cast):
    incident, created = attempt(cast.shinan_patroller, kind=Kind.COLD_INJURY,
                                lat=LAOSHAN_ZHANGCUN[0], lon=LAOSHAN_ZHANGCUN[1])
    assert created
    assert incident.district == district(LAOSHAN)
    assert incident.place.startswith("手机定位") or incident.place.startswith("Phone position")


def test_a_task_gives_its_place_and_district(cast):
    squad = make_squad(district_code=LAOSHAN, at=LAOSHAN_ZHANGCUN,
                       members=[cast.laoshan_patroller])
    task = assigned_task(squad, cast.laoshan_dispatcher, lat=LAOSHAN_ZHANGCUN[0],
                         lon=LAOSHAN_ZHANGCUN[1])
    incident, _created = attempt(cast.laoshan_patroller, kind=Kind.COLD_INJURY, task=task)
    assert incident.district == task.district
    assert incident.place == (task.place or str(task.district))
    assert incident.task == task


def test_the_same_report_sent_twice_is_one_incident(cast):
    laoshan_roster(cast)
    first, created = attempt(cast.laoshan_patroller, kind=Kind.DEATH, place="张村河桥洞")
    again, created_again = attempt(cast.laoshan_patroller, kind=Kind.DEATH, place="张村河桥洞")
    assert (created, created_again) == (True, False)
    assert first == again
    assert Incident.objects.count() == 1
    assert first.steps.count() == 3


def test_the_people_involved_see_it_on_their_file(cast):
    person = make_person("李老汉", district=district(LAOSHAN))
    incident = report(cast.laoshan_patroller, people=[person], level=Level.SERIOUS)
    [event] = [e for e in timeline_for(person) if e.kind == "incident"]
    assert event.url == incident.get_absolute_url()
    assert "张村河桥洞" in event.detail


def test_closing_needs_each_part_of_the_review_and_happens_once(cast):
    incident = report(cast.laoshan_patroller)
    with pytest.raises(Refused) as refused:
        services.close(incident, cause="低温", lessons="", measures="加密巡查",
                       by=cast.laoshan_admin)
    assert refused.value.field == "lessons"
    incident.refresh_from_db()
    assert not incident.is_closed
    services.close(incident, cause="低温", lessons="间隔过长", measures="加密巡查",
                   by=cast.laoshan_admin, now=REPORTED + minutes(90))
    with pytest.raises(Conflict):
        services.close(incident, cause="再次", lessons="再次", measures="再次",
                       by=cast.laoshan_admin)
    incident.refresh_from_db()
    assert incident.closed_at == REPORTED + minutes(90)
    assert incident.review_cause == "低温"
