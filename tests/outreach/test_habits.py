"""The portrait's usual places and times, and the refusals that raise a person's risk."""

from __future__ import annotations

import datetime
import json
import re
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from songnuan.outreach import dispatch, habits
from songnuan.outreach.dispatch import PersonMet
from songnuan.outreach.models import EncounterOutcome
from songnuan.people.models import Flag, Person, RiskLevel
from tests.outreach.factories import assigned_task, encounter_input, make_squad

BEIJING = ZoneInfo("Asia/Shanghai")
TAIDONG = (36.0867, 120.3815)  # 台东步行街
STATION = (36.0640, 120.3127)  # 青岛站


def met(lat, lon, place, hour, day=10):
    return SimpleNamespace(lat=lat, lon=lon, place=place,
                           at=datetime.datetime(2026, 12, day, hour, 30, tzinfo=BEIJING))


def test_encounters_a_few_hundred_metres_apart_are_one_place_named_as_most_often():
    places = habits.usual_places([
        met(*STATION, "青岛站广场", 20, day=1),
        met(*TAIDONG, "台东步行街", 21, day=2),
        met(TAIDONG[0] + 0.001, TAIDONG[1], "台东步行街东口", 22, day=3),  # ~110 m north
        met(TAIDONG[0] - 0.0015, TAIDONG[1], "台东步行街", 23, day=4),
    ])
    assert [(p.name, p.times) for p in places] == [("台东步行街", 3), ("青岛站广场", 1)]
    assert places[0].last_at.day == 4


def test_a_place_beyond_the_radius_is_another_place():
    far = TAIDONG[0] + habits.PLACE_RADIUS_M * 1.2 / 111_320
    places = habits.usual_places([met(*TAIDONG, "台东", 20), met(far, TAIDONG[1], "威海路", 21)])
    assert len(places) == 2


@pytest.mark.parametrize(("hour", "band"), [
    (7, 0), (17, 0), (18, 1), (21, 1), (22, 2), (23, 2), (0, 2), (1, 2), (2, 3), (5, 3)])
def test_each_hour_falls_in_one_band_of_the_night(hour, band, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    counts = habits.band_counts([met(*TAIDONG, "", hour).at])
    assert [count for _label, count in counts] == [int(i == band) for i in range(4)]


def refuse(cast, squad, place="台东步行街地下通道", **person):
    at = STATION if place == "青岛站" else (TAIDONG[0] + 0.0005, TAIDONG[1])
    task = assigned_task(squad, cast.shinan_dispatcher, place=place, lat=at[0], lon=at[1])
    return dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M", **person)]),
        by=cast.shinan_patroller).people.get().person


@pytest.mark.django_db
def test_a_second_refusal_flags_the_person_and_raises_the_risk(cast):
    squad = make_squad("市北区救助一队")
    person = refuse(cast, squad, place="青岛站", age_estimate=58, self_name="老宋")
    assert Flag.REFUSES_HELP not in person.flags
    first_level = person.risk_level
    # Met again the next night at the other end of the district: a new report, a new trip.
    task = assigned_task(squad, cast.shinan_dispatcher, place="台东步行街", lat=TAIDONG[0],
                         lon=TAIDONG[1])
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M", person_id=person.pk)]),
        by=cast.shinan_patroller)
    person.refresh_from_db()
    assert Flag.REFUSES_HELP in person.flags
    assert "refuses_help" in person.risk_reasons
    assert RiskLevel.values.index(person.risk_level) >= RiskLevel.values.index(first_level)


@pytest.mark.django_db
def test_an_eighty_year_old_met_on_the_street_is_high_risk(cast):
    person = refuse(cast, make_squad(), age_estimate=80, self_name="王大爷")
    assert person.risk_level in (RiskLevel.HIGH, RiskLevel.CRITICAL)
    assert {"very_old", "sleeping_rough"} <= set(person.risk_reasons)


@pytest.mark.django_db
def test_the_person_file_shows_usual_places_times_and_a_map(cast, client_for, settings):
    # Met again on another night: the second report does not join the first incident.
    settings.LEADS_DEDUP_WINDOW_MINUTES = 0
    squad = make_squad("市南区救助一队")
    person = refuse(cast, squad, age_estimate=66, self_name="老韩")
    task = assigned_task(squad, cast.shinan_dispatcher, place="台东步行街地下通道",
                         lat=TAIDONG[0], lon=TAIDONG[1])
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M", person_id=person.pk)]),
        by=cast.shinan_patroller)
    page = client_for(cast.shinan_dispatcher).get(
        reverse("people:detail", args=[person.pk])).content.decode()
    section = page[page.index('class="panel habits"'):]
    section = section[:section.index("</section>")]
    assert "台东步行街地下通道" in section and "2 times" in section
    assert "Refused help 2 times." in section
    data = json.loads(re.search(r'id="habits-data"[^>]*>(.*?)</script>', section).group(1))
    assert len(data["places"]) == 1 and data["places"][0][2] == 2


@pytest.mark.django_db
def test_a_person_nobody_met_on_the_street_has_no_habits_section(cast, client_for):
    person = Person.objects.create(name="李明", sex="M")
    page = client_for(cast.shinan_admin).get(
        reverse("people:detail", args=[person.pk])).content.decode()
    assert 'class="panel habits"' not in page
