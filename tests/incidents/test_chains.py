"""Reporting chains: who is told at once, who only when nobody acknowledged in time, and how
the deadlines follow the incident's type and severity."""

from __future__ import annotations

from django.test import override_settings

from songnuan.duty.models import Alert, Topic
from songnuan.incidents import escalation
from songnuan.incidents.chains import chain_for
from songnuan.incidents.models import ChainLevel, Kind, Level
from tests.incidents.factories import REPORTED, laoshan_roster, minutes, report


def told(incident, order):
    return set(Alert.objects.filter(key=f"incident:{incident.pk}:step:{order}")
               .values_list("recipient__username", flat=True))


def test_a_death_is_told_to_the_district_and_the_city_at_once(cast):
    laoshan_roster(cast)
    incident = report(cast.laoshan_patroller, kind=Kind.DEATH, level=Level.GENERAL)
    district, city, bureau = incident.steps.order_by("order")
    assert (district.level, district.due_at) == (ChainLevel.DISTRICT, REPORTED + minutes(15))
    assert (city.level, city.due_at) == (ChainLevel.CITY, REPORTED + minutes(60))
    assert told(incident, 0) == {"laoshan.admin"}
    assert told(incident, 1) == {"centre.dispatcher", "admin"}
    assert bureau.sent_at is None and bureau.notify_at == REPORTED + minutes(60)
    assert incident.written_report_due_at == REPORTED + minutes(24 * 60)
    alert = Alert.objects.get(key=f"incident:{incident.pk}:step:0")
    assert alert.topic == Topic.INCIDENT
    assert "张村河桥洞" in alert.text and "死亡" in alert.text
    assert alert.url == incident.get_absolute_url()


def test_a_general_frostbite_goes_to_the_district_alone_with_half_an_hour(cast):
    laoshan_roster(cast)
    incident = report(cast.laoshan_patroller, level=Level.GENERAL)
    district, city = incident.steps.order_by("order")
    assert district.due_at == REPORTED + minutes(30)
    assert city.always is False and city.sent_at is None
    assert city.notify_at == REPORTED + minutes(30)
    assert incident.written_report_due_at is None


def test_a_district_with_nobody_on_duty_falls_back_to_the_city_duty_officer(cast):
    laoshan_roster(cast)
    incident = report(cast.shinan_patroller, place="中山路", district=cast.shinan_admin.district)
    assert told(incident, 0) == {"centre.dispatcher"}


@override_settings(INCIDENT_CHAINS={"fire_gas": {"*": {
    "steps": [("district", 5, True), ("bureau", 20, False)], "written_report_hours": 6}}})
def test_a_deployment_sets_its_own_chain_per_type(cast):
    chain = chain_for(Kind.FIRE_GAS, Level.GENERAL)
    assert [(step.level, step.minutes, step.always) for step in chain.steps] == [
        ("district", 5, True), ("bureau", 20, False)]
    assert chain_for(Kind.VIOLENCE, Level.GENERAL).steps[0].minutes == 30
    laoshan_roster(cast)
    incident = report(cast.laoshan_patroller, kind=Kind.FIRE_GAS, level=Level.MAJOR)
    first, second = incident.steps.order_by("order")
    assert first.due_at == REPORTED + minutes(5)
    assert second.notify_at == REPORTED + minutes(5)
    assert incident.written_report_due_at == REPORTED + minutes(6 * 60)
    assert escalation.send_due_steps(REPORTED + minutes(6)) == 1
