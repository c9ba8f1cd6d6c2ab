"""Person files: impossible dates refused, ID numbers encrypted at rest, the portrait."""

from __future__ import annotations

import datetime
import os
import tempfile

import pytest
from django.db import connection

from songnuan.accounts.models import AuditEvent
from songnuan.people import crypto
from songnuan.people.models import Category, Flag, Person, RiskLevel, Status
from songnuan.people.services import find_by_id_number, save_person
from songnuan.refusals import Refused
from tests.people.factories import id_number, make_person

pytestmark = pytest.mark.django_db


def test_the_raw_id_number_is_nowhere_in_the_database_file(transactional_db):
    # Committed, so the whole database can be copied to a file and searched byte by byte.
    number = id_number("370212", "19750315")
    person = make_person("孙德明", id_number=number)
    assert person.id_number() == number
    assert number not in person.id_number_cipher
    rows = connection.cursor().execute("SELECT * FROM people_person").fetchall() \
        if connection.vendor == "sqlite" else _pg_rows()
    assert number not in repr(rows)
    audit_log = list(AuditEvent.objects.values_list("changes", flat=True))
    assert number not in repr(audit_log)
    if connection.vendor == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "copy.sqlite3")
            connection.cursor().execute("VACUUM INTO %s", [path])
            with open(path, "rb") as handle:
                content = handle.read()
        assert b"people_person" in content  # the copy really holds the table
        assert number.encode() not in content
        assert number[:17].encode() not in content


def _pg_rows():
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person")
        return cursor.fetchall()


def test_a_person_is_found_by_exact_id_number_through_the_keyed_hash(cast):
    number = id_number("370202", "19661010")
    person = make_person("刘永福", id_number=number)
    assert person.id_number_digest == crypto.keyed_hash(number)
    assert find_by_id_number(number.lower(), Person.objects.all()) == person
    assert find_by_id_number(id_number("370202", "19661010"), Person.objects.all()) is None


def test_a_second_file_with_the_same_id_number_is_refused(cast):
    number = id_number()
    make_person("刘永福", id_number=number)
    with pytest.raises(Refused) as refused:
        make_person("刘永富", id_number=number)
    assert refused.value.field == "id_number"


def test_an_invalid_id_number_is_refused_and_nothing_is_saved(cast):
    good = id_number()
    with pytest.raises(Refused) as refused:
        make_person("赵四", id_number=good[:-1] + ("0" if good[-1] != "0" else "1"))
    assert "check character" in str(refused.value.message)
    assert not Person.objects.filter(name="赵四").exists()


def test_the_id_number_must_agree_with_the_recorded_birth_date_and_sex(cast):
    with pytest.raises(Refused) as refused:
        make_person("周桂兰", sex="F", birth_date=datetime.date(1950, 1, 1),
                    id_number=id_number(birth="19520101", sex="F"))
    assert refused.value.field == "birth_date"
    with pytest.raises(Refused) as refused:
        make_person("周桂兰", sex="F", id_number=id_number(birth="19520101", sex="M"))
    assert refused.value.field == "sex"


@pytest.mark.parametrize(("fields", "field"), [
    ({"birth_date": datetime.date(2030, 1, 1)}, "birth_date"),
    ({"birth_date": datetime.date(1880, 1, 1)}, "birth_date"),
    ({"age_estimate": 150}, "age_estimate"),
    ({"age_estimate": 40, "age_estimated_on": datetime.date(2099, 1, 1)}, "age_estimated_on"),
])
def test_impossible_ages_and_dates_are_refused(cast, fields, field):
    person = Person(name="测试", sex="M", **fields)
    with pytest.raises(Refused) as refused:
        save_person(person)
    assert refused.value.field == field
    assert person.pk is None


def test_an_estimated_age_gives_a_birth_year_and_ages_with_time(cast):
    person = save_person(Person(alias="桥洞老人", sex="M", age_estimate=70,
                                age_estimated_on=datetime.date(2020, 6, 1)))
    assert person.birth_year == 1950
    assert person.age_on(datetime.date(2026, 11, 29)) == 76
    assert Category.ELDERLY in person.categories


def test_the_portrait_weighs_categories_flags_and_age_into_a_risk_level(cast):
    calm = make_person("陈志强", age=35, status=Status.IN_STATION)
    assert calm.risk_level == RiskLevel.LOW
    frail = make_person("", alias="无名老人", age=78, flags=[Flag.FROSTBITE],
                        categories=[Category.MENTAL_ILLNESS])
    assert frail.risk_level == RiskLevel.CRITICAL
    assert frail.risk_reasons[:2] == ["mental_illness", "very_old"] or \
        set(frail.risk_reasons) >= {"mental_illness", "very_old", "frostbite", "unidentified"}
