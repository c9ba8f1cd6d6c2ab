"""An ID number gives nothing away through the person's other plaintext columns: its region and
birth date (14 of its 18 digits) live only in the encrypted number, the birth year beside it."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from songnuan.people.models import Category, Person
from songnuan.people.services import save_person
from songnuan.refusals import Refused
from songnuan.tracing.records import person_records
from tests.people.factories import id_number, make_person

pytestmark = pytest.mark.django_db


def plaintext_of(person: Person) -> str:
    """Every column of the row as the database holds it, but the encrypted number itself."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM people_person WHERE id = %s", [person.pk])
        names = [column[0] for column in cursor.description]
        row = dict(zip(names, cursor.fetchone(), strict=True))
    row.pop("id_number_cipher")
    return " ".join(str(value) for value in row.values())


def test_the_row_keeps_neither_the_region_nor_the_birth_date_of_the_number(cast):
    number = id_number("370212", "19580512")
    person = make_person("刘德明", id_number=number, site=cast.shinan_substation)
    plain = plaintext_of(person)
    for secret in ("370212", "19580512", "1958-05-12", "崂山区", number):
        assert secret not in plain
    stored = Person.objects.get(pk=person.pk)
    assert stored.birth_date is None and stored.birth_year == 1958
    assert stored.id_birth_date() == datetime.date(1958, 5, 12)
    assert stored.id_region() == "山东省青岛市崂山区"


def test_the_age_is_still_exact_from_the_encrypted_number(cast):
    minor = make_person("王小明", id_number=id_number("370202", "20081210"))
    assert minor.age_on(datetime.date(2026, 12, 9)) == 17
    assert minor.age_on(datetime.date(2026, 12, 10)) == 18
    minor.refresh_from_db()
    assert minor.has_exact_birth
    save_person(minor, day=datetime.date(2026, 12, 4))
    assert Category.MINOR in minor.categories


def test_a_birth_date_typed_beside_the_number_is_checked_and_not_kept(cast):
    number = id_number("370202", "19800101")
    person = make_person("赵刚", id_number=number)
    person.birth_date = datetime.date(1980, 1, 1)
    save_person(person)
    assert Person.objects.get(pk=person.pk).birth_date is None
    person.birth_date = datetime.date(1981, 1, 1)
    with pytest.raises(Refused) as refused:
        save_person(person)
    assert refused.value.field == "birth_date"


def test_a_birth_date_without_a_number_is_kept(cast):
    person = make_person("孙桂兰", sex="F", birth_date=datetime.date(1950, 3, 2))
    assert Person.objects.get(pk=person.pk).birth_date == datetime.date(1950, 3, 2)


def test_family_tracing_still_matches_on_the_birth_year(cast):
    person = make_person("刘德明", id_number=id_number("370212", "19580512"))
    [record] = person_records([person], datetime.date(2026, 12, 4))
    assert record.birth_year == 1958 and record.age_estimate is None


def test_the_file_shows_region_and_birth_date_only_to_sensitive_staff(cast, client_for):
    person = make_person("刘德明", id_number=id_number("370212", "19580512"),
                         site=cast.shinan_substation)
    url = reverse("people:detail", args=[person.pk])
    station_page = client_for(cast.shinan_station).get(url).content.decode()
    assert "崂山区" in station_page and "1958-05-12" in station_page
    viewer = client_for(cast.shinan_viewer).get(url)
    assert viewer.status_code == 200
    page = viewer.content.decode()
    assert "崂山区" not in page and "1958-05-12" not in page and "1958" in page


def test_the_api_gives_the_date_and_region_to_sensitive_staff_only(cast, api_for):
    person = make_person("刘德明", id_number=id_number("370212", "19580512"),
                         site=cast.shinan_substation)
    shown = api_for(cast.shinan_station).get(f"/api/v1/people/{person.pk}").json()
    assert shown["birth_date"] == "1958-05-12" and shown["id_region"] == "山东省青岛市崂山区"
    hidden = api_for(cast.shinan_viewer).get(f"/api/v1/people/{person.pk}").json()
    assert hidden["birth_date"] is None and hidden["id_region"] is None
    assert hidden["birth_year"] == 1958

