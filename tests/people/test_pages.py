"""The person file through HTTP: sensitive fields hidden without the permission, reads logged."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.accounts.models import AuditEvent
from songnuan.people.models import Person
from tests.people.factories import id_number, make_person

pytestmark = pytest.mark.django_db


def sensitive_reads(person):
    return AuditEvent.objects.filter(action="read_sensitive", object_type="people.person",
                                     object_id=str(person.pk))


def test_station_staff_see_the_id_number_and_the_read_is_logged(cast, client):
    number = id_number("370212", "19681109")
    person = make_person("曲长顺", id_number=number, site=cast.laoshan_substation,
                         mental_state="情绪低落")
    client.force_login(cast.laoshan_station)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert number in page and "情绪低落" in page
    read = sensitive_reads(person).get()
    assert read.actor == cast.laoshan_station
    assert "id_number" in read.changes["fields"]


def test_a_viewer_without_the_permission_sees_neither_the_number_nor_a_log(cast, client):
    number = id_number("370212", "19681109")
    person = make_person("曲长顺", id_number=number, district=cast.laoshan_substation.district,
                         mental_state="情绪低落")
    client.force_login(cast.laoshan_viewer)
    page = client.get(reverse("people:detail", args=[person.pk])).content.decode()
    assert number not in page and "情绪低落" not in page
    assert "needs the sensitive-data permission" in page or "敏感" in page
    assert not sensitive_reads(person).exists()


def test_the_api_hides_the_number_without_the_permission(cast, api_for):
    number = id_number("370212", "19681109")
    person = make_person("曲长顺", id_number=number, district=cast.laoshan_substation.district)
    hidden = api_for(cast.laoshan_viewer).get(f"/api/v1/people/{person.pk}").json()
    assert hidden["id_number"] is None and hidden["has_id_number"]
    shown = api_for(cast.laoshan_admin).get(f"/api/v1/people/{person.pk}").json()
    assert shown["id_number"] == number
    listed = api_for(cast.laoshan_admin).get("/api/v1/people").json()
    assert number not in repr(listed)  # lists never decrypt


def test_an_invalid_id_number_is_shown_at_the_field_and_nothing_is_saved(cast, client):
    client.force_login(cast.laoshan_station)
    good = id_number()
    response = client.post(reverse("people:add"), {
        "name": "吕大海", "sex": "M", "status": "on_street", "age_estimate": 50,
        "id_number": good[:17] + ("0" if good[17] != "0" else "1"),
        "district": cast.laoshan_substation.district_id,
    })
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    assert not Person.objects.filter(name="吕大海").exists()


def test_the_api_refuses_an_invalid_id_number_with_a_field_message(cast, api_for):
    person = make_person("吕大海", site=cast.laoshan_substation)
    response = api_for(cast.laoshan_admin).patch(f"/api/v1/people/{person.pk}",
                                                 {"id_number": "370212196811090000"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "id_number"


def test_station_staff_find_a_person_by_exact_id_number(cast, client):
    number = id_number("370212", "19681109")
    person = make_person("曲长顺", id_number=number, site=cast.laoshan_substation)
    client.force_login(cast.laoshan_station)
    response = client.get(reverse("people:list"), {"q": number})
    assert response.status_code == 302 and response.url == person.get_absolute_url()


def test_station_staff_see_people_who_stayed_in_their_station_but_not_others(cast, client):
    mine = make_person("本站人员", site=cast.laoshan_substation)
    theirs = make_person("市南人员", site=cast.shinan_substation)
    client.force_login(cast.laoshan_station)
    names = client.get(reverse("people:list")).content.decode()
    assert "本站人员" in names and "市南人员" not in names
    assert client.get(reverse("people:detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("people:detail", args=[mine.pk])).status_code == 200


def test_merge_and_undo_through_the_pages(cast, client):
    first = make_person("孙德胜", site=cast.laoshan_substation, age=60)
    second = make_person("孙德胜", site=cast.laoshan_substation, age=60)
    client.force_login(cast.laoshan_station)
    page = client.get(reverse("people:detail", args=[first.pk])).content.decode()
    assert f"with={second.pk}" in page  # suggested as a duplicate
    response = client.post(reverse("people:merge", args=[first.pk]),
                           {"other": second.pk, "reason": "同一人"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert second.merged_into == first
    merge = first.merges_received.get()
    client.post(reverse("people:undo_merge", args=[merge.pk]))
    second.refresh_from_db()
    assert second.merged_into is None
