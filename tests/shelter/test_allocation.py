"""Zoned accommodation: the rules refuse wrong placements unless a manager overrides them."""

from __future__ import annotations

from decimal import Decimal

import pytest

from songnuan.people.models import Category, Status
from songnuan.refusals import Refused
from songnuan.shelter.admission import AdmissionInput, admit
from songnuan.shelter.allocation import Placement, Screening, condition_for, violations
from songnuan.shelter.beds import suggest_bed
from songnuan.shelter.models import AgeGroup, Condition, Stay, ZoneSex
from tests.people.factories import make_person
from tests.shelter.factories import lay_out_station, make_zone

pytestmark = pytest.mark.django_db
FEVER = 37.3


def zone(sex="", age=AgeGroup.ADULT, condition=Condition.GENERAL):
    return type("Zone", (), {"sex": sex, "age_group": age, "condition": condition})()


def test_a_fever_or_infectious_symptoms_call_for_isolation():
    assert condition_for(Screening(temperature_c=Decimal("38.2")), FEVER) == Condition.ISOLATION
    assert condition_for(Screening(infectious_symptoms=True), FEVER) == Condition.ISOLATION
    assert condition_for(Screening(mental_illness_signs=True), FEVER) == Condition.MENTAL
    assert condition_for(Screening(frostbite=True), FEVER) == Condition.MEDICAL
    assert condition_for(Screening(temperature_c=Decimal("36.5")), FEVER) == Condition.GENERAL


@pytest.mark.parametrize(("placed", "into", "why"), [
    (Placement("M", AgeGroup.ADULT, Condition.GENERAL), zone(ZoneSex.WOMEN), "women's zone"),
    (Placement("F", AgeGroup.ADULT, Condition.GENERAL), zone(ZoneSex.MEN), "men's zone"),
    (Placement("M", AgeGroup.MINOR, Condition.GENERAL), zone(ZoneSex.MEN), "minor"),
    (Placement("M", AgeGroup.ADULT, Condition.GENERAL), zone(age=AgeGroup.MINOR), "minors'"),
    (Placement("M", AgeGroup.ADULT, Condition.ISOLATION), zone(), "isolation"),
    (Placement("M", AgeGroup.ADULT, Condition.GENERAL), zone(condition=Condition.ISOLATION),
     "isolation"),
    (Placement("", AgeGroup.ADULT, Condition.GENERAL), zone(ZoneSex.MEN), "sex"),
])
def test_the_rules_name_what_a_placement_breaks(placed, into, why):
    broken = violations(into, placed)
    assert broken and why in " ".join(broken)


def test_the_elderly_may_share_an_adult_zone_but_adults_do_not_take_elderly_places():
    assert not violations(zone(ZoneSex.MEN), Placement("M", AgeGroup.ELDERLY, Condition.GENERAL))
    assert violations(zone(age=AgeGroup.ELDERLY), Placement("M", AgeGroup.ADULT, "general"))


def test_it_suggests_a_bed_in_the_zone_that_fits_best(cast):
    zones = lay_out_station(cast.laoshan_substation)
    station = cast.laoshan_substation
    assert suggest_bed(station, Placement("F", AgeGroup.ADULT, "general")).zone == zones["女宾区"]
    assert suggest_bed(station, Placement("M", AgeGroup.ELDERLY, "general")).zone == \
        zones["老年区"]
    assert suggest_bed(station, Placement("M", AgeGroup.MINOR, "general")).zone == \
        zones["未成年人区"]
    assert suggest_bed(station, Placement("F", AgeGroup.ADULT, "isolation")).zone == \
        zones["隔离区"]


def test_admission_assigns_the_suggested_bed_and_moves_the_person_in(cast):
    zones = lay_out_station(cast.laoshan_substation)
    person = make_person("马秀英", sex="F", age=52)
    stay = admit(person, cast.laoshan_substation, AdmissionInput(temperature_c=Decimal("36.6")),
                 by=cast.laoshan_station)
    assert stay.bed.zone == zones["女宾区"]
    person.refresh_from_db()
    assert person.status == Status.IN_STATION
    assert person.current_site == cast.laoshan_substation
    assert person.district == cast.laoshan_substation.district


def test_it_refuses_a_minor_in_an_adult_zone(cast):
    zones = lay_out_station(cast.laoshan_substation)
    boy = make_person("小军", age=14)
    adult_bed = zones["男宾区"].beds.first()
    with pytest.raises(Refused) as refused:
        admit(boy, cast.laoshan_substation, AdmissionInput(bed=adult_bed),
              by=cast.laoshan_station)
    assert "minor" in str(refused.value.message)
    assert not Stay.objects.exists()


def test_it_refuses_a_man_in_a_womens_zone(cast):
    zones = lay_out_station(cast.laoshan_substation)
    with pytest.raises(Refused) as refused:
        admit(make_person("张大山"), cast.laoshan_substation,
              AdmissionInput(bed=zones["女宾区"].beds.first()), by=cast.laoshan_station)
    assert "women's zone" in str(refused.value.message)


def test_it_refuses_a_feverish_person_outside_isolation(cast):
    zones = lay_out_station(cast.laoshan_substation)
    with pytest.raises(Refused) as refused:
        admit(make_person("李福"), cast.laoshan_substation,
              AdmissionInput(temperature_c=Decimal("38.4"), bed=zones["男宾区"].beds.first()),
              by=cast.laoshan_station)
    assert "isolation" in str(refused.value.message)


def test_a_manager_overrides_the_rules_with_a_reason(cast):
    zones = lay_out_station(cast.laoshan_substation)
    boy = make_person("小军", age=17)
    bed = zones["男宾区"].beds.first()
    with pytest.raises(Refused) as refused:
        admit(boy, cast.laoshan_substation, AdmissionInput(bed=bed), by=cast.laoshan_admin)
    assert refused.value.field == "override_reason"
    stay = admit(boy, cast.laoshan_substation,
                 AdmissionInput(bed=bed, override_reason="与父亲同住，父亲在男宾区"),
                 by=cast.laoshan_admin)
    assert stay.override_reason == "与父亲同住，父亲在男宾区"
    assert stay.override_by == cast.laoshan_admin


def test_station_staff_cannot_override_even_with_a_reason(cast):
    zones = lay_out_station(cast.laoshan_substation)
    with pytest.raises(Refused) as refused:
        admit(make_person("小军", age=12), cast.laoshan_substation,
              AdmissionInput(bed=zones["男宾区"].beds.first(), override_reason="方便"),
              by=cast.laoshan_station)
    assert "manager" in str(refused.value.message)


def test_an_admission_to_a_full_station_is_refused_and_writes_nothing(cast):
    make_zone(cast.laoshan_substation, beds=1)
    admit(make_person("甲"), cast.laoshan_substation, AdmissionInput(), by=cast.laoshan_station)
    latecomer = make_person("乙")
    with pytest.raises(Refused) as refused:
        admit(latecomer, cast.laoshan_substation, AdmissionInput(categories=[Category.ROBBED]),
              by=cast.laoshan_station)
    assert "full" in str(refused.value)
    latecomer.refresh_from_db()
    assert latecomer.status == Status.ON_STREET and latecomer.categories == []
    assert Stay.objects.count() == 1


def test_a_taken_bed_cannot_be_given_twice(cast):
    zone_ = make_zone(cast.laoshan_substation, beds=2)
    bed = zone_.beds.first()
    admit(make_person("甲"), cast.laoshan_substation, AdmissionInput(bed=bed),
          by=cast.laoshan_station)
    with pytest.raises(Refused) as refused:
        admit(make_person("乙"), cast.laoshan_substation, AdmissionInput(bed=bed),
              by=cast.laoshan_station)
    assert "taken" in str(refused.value.message)


def test_a_person_already_in_a_station_cannot_be_admitted_again(cast):
    lay_out_station(cast.laoshan_substation)
    person = make_person("王强")
    admit(person, cast.laoshan_substation, AdmissionInput(), by=cast.laoshan_station)
    with pytest.raises(Refused):
        admit(person, cast.laoshan_substation, AdmissionInput(), by=cast.laoshan_station)
