"""The person file shows every street encounter and what the person was handed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.outreach import dispatch
from songnuan.outreach.dispatch import PersonMet
from songnuan.outreach.models import EncounterOutcome
from songnuan.people.models import Person
from tests.outreach.factories import assigned_task, encounter_input, make_squad
from tests.supplies.factories import item, stocked

pytestmark = pytest.mark.django_db
TABLE = 'class="list responsive encounters"'


def refused_with_a_coat(cast) -> Person:
    squad = make_squad("市南区救助一队")
    stocked(squad, "coat", 2)
    task = assigned_task(squad, cast.shinan_dispatcher, place="中山路地下通道")
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, contact_card_left=True,
        people=[PersonMet(sex="M", age_estimate=61, self_name="老韩",
                          supplies={item("coat").pk: 1})]), by=cast.shinan_patroller)
    return Person.objects.get(self_name="老韩")


def test_the_file_lists_the_encounter_with_squad_outcome_supplies_and_follow_up(
        cast, client_for):
    person = refused_with_a_coat(cast)
    page = client_for(cast.shinan_dispatcher).get(
        reverse("people:detail", args=[person.pk])).content.decode()
    section = page[page.index(TABLE):]
    section = section[:section.index("</table>")]
    assert "市南区救助一队" in section and "中山路地下通道" in section
    assert "拒绝" in section or "Refused help" in section
    assert '<span class="issued">军绿棉大衣 ×1</span>' in section
    assert "tag-warn" in section  # the follow-up, still scheduled


def test_the_timeline_has_the_encounter_and_the_supplies_given(cast, client_for):
    person = refused_with_a_coat(cast)
    page = client_for(cast.shinan_dispatcher).get(
        reverse("people:detail", args=[person.pk])).content.decode()
    timeline = page[page.index('class="timeline"'):]
    assert "event-encounter" in timeline and "event-supplies" in timeline
    assert "军绿棉大衣 ×1" in timeline


def test_the_hospital_is_hidden_without_the_sensitive_permission(cast, client_for):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.HOSPITAL, hospital="青岛市精神卫生中心",
        people=[PersonMet(sex="M", self_name="小赵")]), by=cast.shinan_patroller)
    person = Person.objects.get(self_name="小赵")
    url = reverse("people:detail", args=[person.pk])
    assert "青岛市精神卫生中心" not in client_for(cast.shinan_dispatcher).get(url).content.decode()
    assert "青岛市精神卫生中心" in client_for(cast.shinan_admin).get(url).content.decode()


def test_someone_without_outreach_access_sees_no_encounter_table(cast, client_for):
    person = refused_with_a_coat(cast)
    page = client_for(cast.shinan_tracing).get(
        reverse("people:detail", args=[person.pk])).content.decode()
    assert TABLE not in page
