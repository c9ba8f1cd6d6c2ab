"""Duplicates are suggested; staff merge them with the history kept, and can undo the merge."""

from __future__ import annotations

import datetime

import pytest

from songnuan.people.duplicates import possible_duplicates
from songnuan.people.models import Category, Person
from songnuan.people.services import merge, undo_merge
from songnuan.refusals import Refused
from songnuan.shelter.admission import AdmissionInput, admit
from songnuan.shelter.discharge import DischargeInput, discharge
from songnuan.shelter.models import Stay
from tests.people.factories import id_number, make_person
from tests.shelter.factories import lay_out_station

pytestmark = pytest.mark.django_db


def test_the_same_name_sex_and_birth_year_is_suggested_as_a_duplicate(cast):
    first = make_person("李桂芳", sex="F", birth_date=datetime.date(1961, 3, 2))
    second = make_person("李桂芳", sex="F", age=65,
                         age_estimated_on=datetime.date(2026, 11, 1))
    other = make_person("李桂芳", sex="M", birth_date=datetime.date(1961, 3, 2))
    found = possible_duplicates(first, Person.objects.all())
    assert [c.person for c in found] == [second]
    assert other not in [c.person for c in found]


def test_merging_moves_the_history_and_fills_blanks_and_undoing_gives_it_back(cast):
    lay_out_station(cast.laoshan_substation)
    number = id_number("410102", "19700505")
    kept = make_person("", alias="沙子口老王", age=55, categories=[Category.ROUGH_SLEEPER])
    merged = make_person("王保国", id_number=number, native_place="河南郑州",
                         categories=[Category.JOBLESS_MIGRANT])
    stay = admit(merged, cast.laoshan_substation, AdmissionInput(), by=cast.laoshan_station)
    discharge(stay, DischargeInput(outcome="left", notes="自行离开"), by=cast.laoshan_station)

    record = merge(kept, merged, by=cast.laoshan_station, reason="同一人：照片与口音一致")
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert merged.merged_into == kept
    assert Stay.objects.get(pk=stay.pk).person == kept
    assert kept.name == "王保国" and kept.native_place == "河南郑州"
    assert kept.id_number() == number
    assert set(kept.categories) >= {Category.ROUGH_SLEEPER, Category.JOBLESS_MIGRANT}

    undo_merge(record, by=cast.laoshan_station)
    kept.refresh_from_db()
    merged.refresh_from_db()
    assert merged.merged_into is None
    assert Stay.objects.get(pk=stay.pk).person == merged
    assert kept.name == "" and kept.native_place == "" and not kept.has_id_number
    assert Category.JOBLESS_MIGRANT not in kept.categories
    assert merged.id_number() == number
    with pytest.raises(Refused):
        undo_merge(record, by=cast.laoshan_station)


def test_files_with_different_id_numbers_are_not_merged(cast):
    first = make_person("张伟", id_number=id_number())
    second = make_person("张伟", id_number=id_number())
    with pytest.raises(Refused):
        merge(first, second, by=cast.laoshan_station, reason="同名")


def test_two_files_each_in_a_station_are_not_merged(cast):
    lay_out_station(cast.laoshan_substation)
    first, second = make_person("甲"), make_person("乙")
    for person in (first, second):
        admit(person, cast.laoshan_substation, AdmissionInput(), by=cast.laoshan_station)
    with pytest.raises(Refused) as refused:
        merge(first, second, by=cast.laoshan_station, reason="同一人")
    assert "open stay" in str(refused.value)
    assert Person.objects.get(pk=second.pk).merged_into is None
