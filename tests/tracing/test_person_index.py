"""Duplicate suggestions come from an index kept between requests and synced from the database."""

from __future__ import annotations

from django.urls import reverse

from songnuan.people import services as people
from songnuan.people.duplicates import possible_duplicates
from songnuan.people.models import Person
from songnuan.tracing.person_index import persons
from tests.people.factories import make_person


def suggested(person: Person, pool=None) -> list[str]:
    return [c.person.name for c in possible_duplicates(person, pool or Person.objects.all())]


def test_a_file_changed_after_the_index_was_built_is_compared_as_it_is_now(cast):
    site = cast.laoshan_substation
    found = make_person("刘德民", age=61, site=site, native_place="临沂")
    other = make_person("张桂兰", sex="F", age=70, site=site)
    persons.warm()
    assert "张桂兰" not in suggested(found)

    Person.objects.filter(pk=other.pk).update(name="刘德明", sex="M", age_estimate=60,
                                              native_place="山东临沂",
                                              updated_at=other.updated_at.replace(year=2030))
    assert suggested(found) == ["刘德明"]


def test_a_file_added_by_another_process_is_found_without_a_restart(cast):
    site = cast.laoshan_substation
    found = make_person("刘德民", age=61, site=site, native_place="临沂")
    persons.warm()
    make_person("刘德明", age=60, site=site, native_place="山东临沂")
    assert suggested(found) == ["刘德明"]


def test_a_merged_file_is_no_longer_suggested_and_comes_back_when_the_merge_is_undone(cast):
    site = cast.laoshan_substation
    kept = make_person("刘德明", age=60, site=site, native_place="山东临沂")
    absorbed = make_person("刘得明", age=60, site=site, native_place="山东临沂")
    third = make_person("刘德民", age=61, site=site, native_place="临沂")
    assert set(suggested(third)) == {"刘德明", "刘得明"}

    record = people.merge(kept, absorbed, by=cast.laoshan_station, reason="同一人")
    assert suggested(third) == ["刘德明"]
    people.undo_merge(record, by=cast.laoshan_station)
    assert set(suggested(third)) == {"刘德明", "刘得明"}


def test_suggestions_stay_inside_the_viewers_pool(cast):
    here = make_person("刘德民", age=61, site=cast.laoshan_substation, native_place="临沂")
    make_person("刘德明", age=60, site=cast.shinan_substation, native_place="山东临沂")
    laoshan_only = Person.objects.restrict(cast.laoshan_station, "view")
    assert suggested(here, laoshan_only) == []
    assert suggested(here) == ["刘德明"]


def test_the_person_page_asks_the_same_number_of_queries_however_many_files_there_are(
        cast, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    site = cast.laoshan_substation
    person = make_person("刘德民", age=61, site=site, native_place="临沂")
    client.force_login(cast.laoshan_station)
    url = reverse("people:detail", args=[person.pk])

    def queries() -> int:
        persons.clear()
        client.get(url)  # builds the index
        counts = []
        # The fewer of two reads: on a loaded machine one read now and then also runs a
        # one-off query of its own; an N+1 would show in both, 30 more files apart.
        for _read in range(2):
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url).status_code == 200
            counts.append(len(captured))
        return min(counts)

    few = queries()
    for n in range(30):
        make_person(f"王{'建国志强海军'[n % 6]}{n}", age=30 + n, site=site)
    assert queries() == few
