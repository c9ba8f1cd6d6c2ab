"""The encounter form's quick search finds files by characters or by pinyin, within scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.outreach.person_search import find_people
from songnuan.people.models import Person
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


def street_file(self_name: str, cast, **fields) -> Person:
    return Person.objects.create(self_name=self_name, sex="M", age_estimate=60,
                                 district=cast.shinan_substation.district, **fields)


def test_it_finds_by_characters_full_pinyin_and_initials(cast):
    lao_li = street_file("老李", cast)
    street_file("张师傅", cast)
    pool = Person.objects.all()
    assert find_people(pool, "老李") == [lao_li]
    assert find_people(pool, "laoli") == [lao_li]
    assert find_people(pool, "LL") == [lao_li]
    assert find_people(pool, "zhangsh")[0].self_name == "张师傅"
    assert find_people(pool, "wang") == []


def test_merged_files_are_not_offered(cast):
    survivor = make_person("李建华")
    absorbed = make_person("李建华")
    Person.objects.filter(pk=absorbed.pk).update(merged_into=survivor)
    assert find_people(Person.objects.all(), "lijianhua") == [survivor]


def test_the_search_page_stays_in_the_patrollers_district(cast, client_for):
    street_file("老刘", cast)
    Person.objects.create(self_name="老刘", sex="M", district=cast.laoshan_substation.district)
    page = client_for(cast.shinan_patroller).get(
        reverse("outreach:person_search"), {"q": "laoliu", "i": "1"}).content.decode()
    assert page.count('name="p1-person"') == 1
