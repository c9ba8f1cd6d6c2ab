"""During the stay and at its end: logs, support plans, referrals, limits, discharge."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.test import override_settings
from django.utils import timezone

from songnuan.network.occupancy import beds_in_use
from songnuan.people.models import Category, Status
from songnuan.refusals import Refused
from songnuan.shelter import admission, alerts, daily, stays
from songnuan.shelter.admission import AdmissionInput, admit
from songnuan.shelter.daily import RollCallEntry
from songnuan.shelter.discharge import DischargeInput, discharge
from songnuan.shelter.models import (
    Alert,
    AlertKind,
    LogKind,
    Outcome,
    Stay,
    StayStatus,
    TravelMode,
)
from tests.people.factories import make_person
from tests.shelter.factories import lay_out_station

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 11, 29, 9, 0))


@pytest.fixture
def station(cast):
    lay_out_station(cast.laoshan_substation)
    return cast.laoshan_substation


def admitted(cast, station, *, days_ago=0, **person_fields):
    person = make_person(person_fields.pop("name", "王建国"), **person_fields)
    return admit(person, station, AdmissionInput(categories=person_fields.get("cats", [])),
                 by=cast.laoshan_station, now=NOW - datetime.timedelta(days=days_ago))


def test_the_stay_limit_defaults_to_ten_days_and_warns_two_days_ahead(cast, station):
    fresh = admitted(cast, station, name="甲")
    ending = admitted(cast, station, name="乙", days_ago=9)
    over = admitted(cast, station, name="丙", days_ago=11)
    assert fresh.limit_days == 10
    stays = Stay.objects.all()
    assert alerts.stays_ending(stays, NOW) == [ending]
    assert alerts.stays_over(stays, NOW) == [over]
    assert over.is_over_limit(NOW) and not ending.is_over_limit(NOW)


@override_settings(SHELTER_STAY_LIMIT_DAYS=5)
def test_the_stay_limit_is_a_setting(cast, station):
    assert admitted(cast, station, name="甲").limit_days == 5


def test_the_periodic_check_raises_each_alert_once_a_day(cast, station):
    admitted(cast, station, name="乙", days_ago=9)
    admitted(cast, station, name="丙", days_ago=11)
    assert alerts.raise_alerts(NOW) == 2 + 1  # two stays, and their one zone not disinfected
    assert alerts.raise_alerts(NOW + datetime.timedelta(hours=1)) == 0
    kinds = set(Alert.objects.values_list("kind", flat=True))
    assert kinds == {AlertKind.STAY_ENDING, AlertKind.STAY_OVER, AlertKind.NOT_DISINFECTED}


def test_an_extension_with_a_reason_moves_the_limit(cast, station):
    stay = admitted(cast, station, days_ago=11)
    with pytest.raises(Refused):
        stays.extend_stay(stay, days=5, reason="")
    stay = stays.extend_stay(stay, days=5, reason="等待家属来接")
    assert not stay.is_over_limit(NOW)


def test_a_zone_disinfected_today_raises_no_alert(cast, station):
    stay = admitted(cast, station)
    zones = alerts.zones_not_disinfected(station.zones.all(), timezone.localdate(NOW))
    assert list(zones) == [stay.zone]
    daily.record_disinfection(stay.zone, by=cast.laoshan_station, agent="含氯消毒液",
                                 at=NOW)
    assert not alerts.zones_not_disinfected(station.zones.all(), timezone.localdate(NOW))


def test_a_roll_call_records_presence_and_temperatures(cast, station):
    first, second = admitted(cast, station, name="甲"), admitted(cast, station, name="乙")
    daily.record_roll_call(station, [RollCallEntry(first, True, Decimal("36.7")),
                                        RollCallEntry(second, False)], by=cast.laoshan_station)
    assert first.logs.filter(kind=LogKind.ROLL_CALL, present=True).exists()
    assert first.logs.get(kind=LogKind.HEALTH).temperature_c == Decimal("36.7")
    assert second.logs.get(kind=LogKind.ROLL_CALL).present is False


def test_support_plans_follow_the_categories(cast, station):
    person = make_person("韩梅", sex="F", age=33)
    stay = admit(person, station, AdmissionInput(
        categories=[Category.DOMESTIC_VIOLENCE, Category.ROBBED]), by=cast.laoshan_station)
    actions = set(stay.support_actions.values_list("action", flat=True))
    assert actions == {"womens_federation", "safety_measures", "police_report", "travel_help"}


def test_a_referral_follows_its_status_until_closed(cast, station):
    stay = admitted(cast, station)
    referral = stays.refer(stay, kind="psychiatric", organisation="青岛市精神卫生中心",
                              reason="疑似精神障碍", with_police=True, with_health=True,
                              by=cast.laoshan_station)
    stays.update_referral(referral, status="accepted", note="已接收评估")
    stays.update_referral(referral, status="completed")
    with pytest.raises(Refused):
        stays.update_referral(referral, status="accepted")


def test_a_return_home_frees_the_bed_and_closes_the_stay(cast, station):
    stay = admitted(cast, station)
    assert beds_in_use([station.pk])[station.pk] == 1
    stay = discharge(stay, DischargeInput(
        outcome=Outcome.RETURNED_HOME, destination="河南省周口市川汇区",
        travel_mode=TravelMode.FAMILY,
        family_contact="王小梅（女儿）", family_phone="13903940000"), by=cast.laoshan_station)
    assert stay.status == StayStatus.CLOSED
    assert beds_in_use([station.pk])[station.pk] == 0
    stay.person.refresh_from_db()
    assert stay.person.status == Status.RETURNED_HOME
    assert stay.person.current_site is None


@pytest.mark.parametrize(("data", "field"), [
    (DischargeInput(outcome=Outcome.RETURNED_HOME, travel_mode=TravelMode.TICKET), "destination"),
    (DischargeInput(outcome=Outcome.RETURNED_HOME, destination="周口"), "travel_mode"),
    (DischargeInput(outcome=Outcome.RETURNED_HOME, destination="周口",
                    travel_mode=TravelMode.FAMILY), "family_contact"),
    (DischargeInput(outcome=Outcome.HOSPITAL), "destination"),
    (DischargeInput(outcome=Outcome.TRANSFERRED), "destination"),
    (DischargeInput(outcome=Outcome.SETTLED), "destination"),
    (DischargeInput(outcome=Outcome.LEFT), "notes"),
    (DischargeInput(), "outcome"),
])
def test_a_discharge_without_its_required_fields_is_refused_and_changes_nothing(
        cast, station, data, field):
    stay = admitted(cast, station)
    with pytest.raises(Refused) as refused:
        discharge(stay, data, by=cast.laoshan_station)
    assert refused.value.field == field
    stay.refresh_from_db()
    assert stay.is_open and stay.person.status == Status.IN_STATION


def test_a_closed_stay_cannot_be_edited(cast, station):
    stay = admitted(cast, station)
    discharge(stay, DischargeInput(outcome=Outcome.LEFT, notes="早饭后自行离站"),
              by=cast.laoshan_station)
    stay.refresh_from_db()
    for attempt in (
        lambda: daily.record_note(stay, "补记", by=cast.laoshan_station),
        lambda: stays.extend_stay(stay, days=3, reason="补"),
        lambda: stays.refer(stay, kind="police", organisation="派出所", reason="补",
                               by=cast.laoshan_station),
        lambda: discharge(stay, DischargeInput(outcome=Outcome.LEFT, notes="再次"),
                          by=cast.laoshan_station),
    ):
        with pytest.raises(Refused) as refused:
            attempt()
        assert "closed" in str(refused.value)


def test_an_expected_arrival_is_admitted_once(cast, station):
    person = make_person("赵铁柱")
    arrival = admission.expect_arrival(station, person=person, coming_from="崂山区巡查一组",
                                      source="outreach.encounter:7")
    assert admission.expect_arrival(station, person=person, source="outreach.encounter:7") == \
        arrival
    stay = admit(person, station, AdmissionInput(route="escorted"), by=cast.laoshan_station,
                 arrival=arrival)
    arrival.refresh_from_db()
    assert arrival.status == "admitted" and stay.arrival == arrival


def test_a_warming_visit_needs_no_person_file_and_can_be_linked_later(cast):
    from songnuan.network.occupancy import seats_in_use

    point = cast.laoshan_point
    visit = daily.record_visit(point, by=cast.laoshan_relief, description="男，约50岁",
                                  people_count=2)
    assert visit.person is None
    assert seats_in_use([point.pk])[point.pk] == 2
    person = make_person("隋大勇", site=point)
    daily.link_visit(visit, person)
    daily.end_visit(visit)
    assert seats_in_use([point.pk])[point.pk] == 0
    assert person.relief_visits.get() == visit
