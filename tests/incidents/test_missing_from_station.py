"""A person leaving a station without a discharge becomes a "missing from a station" incident,
through shelter's departure listener (incidents sits above shelter)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from songnuan.incidents.models import Incident, Kind
from songnuan.incidents.services import missing_from_station
from songnuan.refusals import Refused
from songnuan.shelter.admission import AdmissionInput, admit
from songnuan.shelter.daily import record_entry_check
from songnuan.shelter.discharge import DischargeInput, discharge
from songnuan.shelter.models import EntryCheck, Outcome, TravelMode
from tests.people.factories import make_person
from tests.shelter.factories import lay_out_station

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 11, 29, 9, 0))


@pytest.fixture
def stay(cast):
    lay_out_station(cast.laoshan_substation)
    person = make_person("王建国")
    return admit(person, cast.laoshan_substation, AdmissionInput(), by=cast.laoshan_station,
                 now=NOW)


def test_leaving_without_a_discharge_reports_exactly_one_missing_incident(cast, stay):
    discharge(stay, DischargeInput(outcome=Outcome.LEFT, notes="凌晨翻墙离站，未告知去向"),
              by=cast.laoshan_station, now=NOW + datetime.timedelta(hours=20))
    incident = Incident.objects.get()
    assert incident.kind == Kind.MISSING
    assert incident.site == cast.laoshan_substation and incident.district == stay.site.district
    assert list(incident.people.all()) == [stay.person]
    assert incident.reported_by == cast.laoshan_station
    assert "凌晨翻墙离站" in incident.description
    assert incident.occurred_at == NOW + datetime.timedelta(hours=20)
    # the listener heard again (a retried request) reports nothing new
    stay.refresh_from_db()
    assert missing_from_station(stay, cast.laoshan_station) == incident
    assert Incident.objects.count() == 1


def test_an_ordinary_discharge_reports_no_incident(cast, stay):
    discharge(stay, DischargeInput(outcome=Outcome.RETURNED_HOME, destination="山东省菏泽市",
                                   travel_mode=TravelMode.TICKET),
              by=cast.laoshan_station, now=NOW + datetime.timedelta(days=1))
    assert not Incident.objects.exists()


def test_a_refused_discharge_reports_nothing(cast, stay):
    with pytest.raises(Refused):
        discharge(stay, DischargeInput(outcome=Outcome.LEFT, notes=""), by=cast.laoshan_station)
    assert not Incident.objects.exists()


def test_the_security_check_at_entry_records_items_and_refusals(cast, stay):
    site = cast.laoshan_substation
    found = record_entry_check(site, by=cast.laoshan_station, stay=stay,
                               items_found="打火机一个、水果刀一把", items_confiscated="水果刀一把")
    assert found.stay == stay and found.items_confiscated == "水果刀一把"
    turned_away = record_entry_check(site, by=cast.laoshan_station, who="醉酒男子约40岁",
                                     refused=True, refusal_reason="醉酒闹事，已联系派出所")
    assert turned_away.refused and turned_away.stay is None
    for bad, field in (({"who": "男子", "refused": True}, "refusal_reason"),
                       ({}, "who"),
                       ({"stay": stay, "items_confiscated": "刀"}, "items_found")):
        with pytest.raises(Refused) as refused:
            record_entry_check(site, by=cast.laoshan_station, **bad)
        assert refused.value.field == field
    assert EntryCheck.objects.count() == 2


def test_the_stations_daily_log_links_the_days_incidents_to_the_register(cast, stay, client):
    now = timezone.localtime()
    left = max(now - datetime.timedelta(minutes=1), now.replace(hour=0, minute=0, second=0))
    discharge(stay, DischargeInput(outcome=Outcome.LEFT, notes="凌晨自行离站"),
              by=cast.laoshan_station, now=left)
    incident = Incident.objects.get()
    client.force_login(cast.laoshan_station)
    page = client.get(reverse("shelter:daily"),
                      {"site": cast.laoshan_substation.pk}).content.decode()
    assert "今日突发事件" in page and f'href="{incident.get_absolute_url()}"' in page
    # Another station's staff see their own day only.
    client.force_login(cast.shinan_station)
    assert incident.get_absolute_url() not in client.get(reverse("shelter:daily")).content.decode()
