"""Assignment, reassignment, the squad's steps and the encounter outcomes, in the services."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from songnuan.leads.models import LeadStatus, Outcome
from songnuan.network.models import SiteStatus
from songnuan.outreach import dispatch, night_plan
from songnuan.outreach.dispatch import PersonMet
from songnuan.outreach.models import (
    EncounterOutcome,
    FollowUp,
    FollowUpStatus,
    Task,
    TaskKind,
    TaskStatus,
)
from songnuan.people.models import Person, Status
from songnuan.refusals import Refused
from songnuan.shelter.models import Arrival
from songnuan.supplies import services
from tests.leads.factories import report
from tests.outreach.factories import assigned_task, encounter_input, make_squad
from tests.supplies.factories import item, stocked

pytestmark = pytest.mark.django_db

NEAR = (36.0700, 120.3200)
FAR = (36.1000, 120.3800)


def test_the_suggestion_prefers_the_nearest_squad_on_shift(cast):
    near = make_squad("近队", at=NEAR)
    make_squad("远队", at=FAR)
    make_squad("下班队", at=(36.0650, 120.3136), on_shift=False)
    lead = report()
    ranked = night_plan.current_plan().suggestions(lead.pk)
    assert ranked[0]["squad_id"] == near.pk
    assert "下班队" not in [s["squad"] for s in ranked]
    assert ranked[0]["eta_min"] < ranked[1]["eta_min"]


def test_assigning_moves_the_lead_on_through_its_status_service(cast):
    squad = make_squad()
    task = assigned_task(squad, cast.shinan_dispatcher)
    task.lead.refresh_from_db()
    assert task.lead.status == LeadStatus.ASSIGNED
    assert task.lead.history.filter(to_status=LeadStatus.ASSIGNED,
                                    by=cast.shinan_dispatcher).exists()


def test_it_refuses_to_assign_a_closed_lead(cast):
    squad = make_squad()
    lead = report()
    from songnuan.leads import services as leads
    leads.mark_invalid(lead, reason="重复拨打", by=cast.shinan_dispatcher)
    with pytest.raises(Refused, match="closed"):
        dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher)
    assert not Task.objects.exists()


def test_it_refuses_a_squad_off_shift(cast):
    squad = make_squad(on_shift=False)
    with pytest.raises(Refused, match="not on shift"):
        dispatch.assign_lead(report(), squad, by=cast.shinan_dispatcher)


def test_it_refuses_a_squad_whose_shift_has_ended(cast):
    squad = make_squad()
    squad.shifts.update(ends_at=timezone.now() - datetime.timedelta(minutes=1))
    with pytest.raises(Refused, match="not on shift"):
        dispatch.assign_lead(report(), squad, by=cast.shinan_dispatcher)


def test_a_second_assignment_of_the_same_lead_is_told_who_has_it(cast):
    first, second = make_squad("一队"), make_squad("二队")
    task = assigned_task(first, cast.shinan_dispatcher)
    with pytest.raises(Refused, match="一队"):
        dispatch.assign_lead(task.lead, second, by=cast.centre_dispatcher)
    assert Task.objects.filter(lead=task.lead).count() == 1


def test_a_full_squad_is_refused(cast):
    squad = make_squad(capacity=1)
    assigned_task(squad, cast.shinan_dispatcher)
    with pytest.raises(Refused, match="open tasks"):
        dispatch.assign_lead(report(lat=36.07, lon=120.33), squad, by=cast.shinan_dispatcher)


def test_reassigning_cancels_the_first_task_and_keeps_the_lead_assigned(cast):
    first, second = make_squad("一队"), make_squad("二队")
    task = assigned_task(first, cast.shinan_dispatcher)
    dispatch.accept(task, by=cast.shinan_patroller)
    new = dispatch.reassign(task, second, by=cast.shinan_dispatcher)
    task.refresh_from_db()
    new.lead.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert new.squad == second and new.status == TaskStatus.ASSIGNED
    assert new.lead.status == LeadStatus.ASSIGNED


def test_accept_and_arrive_are_idempotent_and_move_the_lead(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    dispatch.accept(task, by=cast.shinan_patroller)
    dispatch.accept(task, by=cast.shinan_patroller)
    dispatch.arrive(task, by=cast.shinan_patroller)
    arrived = dispatch.arrive(task, by=cast.shinan_patroller)
    arrived.lead.refresh_from_db()
    assert arrived.status == TaskStatus.ARRIVED
    assert arrived.lead.status == LeadStatus.ON_SCENE
    assert arrived.lead.history.filter(to_status=LeadStatus.ON_SCENE).count() == 1


def test_an_escort_resolves_the_lead_and_the_site_expects_the_person(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    dispatch.arrive(task, by=cast.shinan_patroller)
    encounter = dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.ESCORTED, site_id=cast.shinan_substation.pk,
        people=[PersonMet(sex="M", age_estimate=60, self_name="老王")]),
        by=cast.shinan_patroller)
    task.lead.refresh_from_db()
    assert task.lead.status == LeadStatus.RESOLVED
    assert task.lead.outcome == Outcome.HELPED_TO_SITE
    person = encounter.people.get().person
    assert person.self_name == "老王"
    assert Arrival.objects.filter(site=cast.shinan_substation, person=person).exists()


def test_a_retried_encounter_is_recorded_once(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    data = encounter_input(EncounterOutcome.NOT_FOUND)
    first = dispatch.record_encounter(task, data, by=cast.shinan_patroller)
    again = dispatch.record_encounter(task, data, by=cast.shinan_patroller)
    assert first.pk == again.pk
    assert task.encounters.count() == 1


def test_an_encounter_without_an_outcome_is_refused(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    with pytest.raises(Refused, match="what happened"):
        dispatch.record_encounter(task, encounter_input(""), by=cast.shinan_patroller)
    assert not task.encounters.exists()


def test_an_escort_to_a_closed_site_is_refused_with_the_nearest_open_one(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    cast.shinan_point.status = SiteStatus.CLOSED
    cast.shinan_point.save()
    with pytest.raises(Refused) as refused:
        dispatch.record_encounter(task, encounter_input(
            EncounterOutcome.ESCORTED, site_id=cast.shinan_point.pk,
            people=[PersonMet(sex="F")]), by=cast.shinan_patroller)
    assert "closed" in refused.value.message
    assert "Nearest open" in refused.value.message
    assert refused.value.suggestion is not None
    assert refused.value.suggestion != cast.shinan_point
    assert not Person.objects.exists(), "nothing is written when an escort is refused"


def test_an_escort_to_a_full_site_is_refused(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    site = cast.shinan_point
    site.seats = 1
    site.save()
    from songnuan.network import services as network
    network.check_in(site, 1)
    with pytest.raises(Refused, match="full"):
        dispatch.record_encounter(task, encounter_input(
            EncounterOutcome.ESCORTED, site_id=site.pk, people=[PersonMet(sex="M")]),
            by=cast.shinan_patroller)


def test_a_refusal_issues_supplies_and_schedules_a_follow_up_at_the_place(cast, settings):
    settings.OUTREACH_FOLLOW_UP_HOURS = 24
    settings.WEATHER_FALLBACK_LEVEL = 0
    squad = make_squad()
    stocked(squad, "coat", 4)
    stocked(squad, "food", 10)
    task = assigned_task(squad, cast.shinan_dispatcher)
    encounter = dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M", age_estimate=50, supplies={
            item("coat").pk: 1, item("food").pk: 2})], contact_card_left=True),
        by=cast.shinan_patroller)
    assert encounter.shortfalls == []
    assert sorted((m.stock.item.name, m.change) for m in encounter.supply_movements.all()) == [
        ("八宝粥", -2), ("军绿棉大衣", -1)]
    assert services.stock_of(squad, item("coat")).quantity == 3
    follow_up = FollowUp.objects.get()
    assert follow_up.person == encounter.people.get().person
    assert (follow_up.lat, follow_up.lon) == (task.lat, task.lon)
    assert follow_up.due_at - encounter.at == datetime.timedelta(hours=24)
    assert follow_up.person.status == Status.ON_STREET


def test_under_the_protocol_the_follow_up_comes_sooner(cast, settings):
    settings.OUTREACH_FOLLOW_UP_HOURS = 24
    settings.WEATHER_FALLBACK_LEVEL = 2
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    encounter = dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M")]), by=cast.shinan_patroller)
    assert FollowUp.objects.get().due_at - encounter.at < datetime.timedelta(hours=24)


def test_a_follow_up_is_dispatched_like_a_lead_and_closed_by_its_encounter(cast):
    squad = make_squad()
    task = assigned_task(squad, cast.shinan_dispatcher)
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M")]), by=cast.shinan_patroller)
    follow_up = FollowUp.objects.get()
    revisit = dispatch.assign_follow_up(follow_up, squad, by=cast.shinan_dispatcher)
    assert revisit.kind == TaskKind.FOLLOW_UP
    dispatch.record_encounter(revisit, encounter_input(
        EncounterOutcome.ESCORTED, site_id=cast.shinan_substation.pk,
        people=[PersonMet(person_id=follow_up.person_id)]), by=cast.shinan_patroller)
    follow_up.refresh_from_db()
    assert follow_up.status == FollowUpStatus.DONE
    assert follow_up.person.outreach_encounters.count() == 2


def test_two_people_met_each_get_their_own_outcome(cast, settings):
    settings.WEATHER_FALLBACK_LEVEL = 0
    squad = make_squad()
    stocked(squad, "coat", 2)
    task = assigned_task(squad, cast.shinan_dispatcher)
    known = Person.objects.create(self_name="老周", sex="M", age_estimate=66,
                                  district=cast.shinan_substation.district)
    encounter = dispatch.record_encounter(task, encounter_input(
        "", site_id=cast.shinan_substation.pk, people=[
            PersonMet(person_id=known.pk, outcome=EncounterOutcome.ESCORTED),
            PersonMet(sex="F", age_estimate=58, self_name="王大姐",
                      outcome=EncounterOutcome.REFUSED, supplies={item("coat").pk: 1})]),
        by=cast.shinan_patroller)
    assert encounter.outcome == EncounterOutcome.ESCORTED  # the weightiest decides the lead
    outcomes = {met.person.self_name: met.outcome for met in encounter.people.all()}
    assert outcomes == {"老周": EncounterOutcome.ESCORTED, "王大姐": EncounterOutcome.REFUSED}
    assert Arrival.objects.get().person == known
    refuser = Person.objects.get(self_name="王大姐")
    assert FollowUp.objects.get().person == refuser
    assert refuser.supply_movements.get().change == -1
    assert not known.supply_movements.exists()


def test_a_short_stock_still_records_the_encounter_and_says_what_was_missing(cast):
    squad = make_squad()
    stocked(squad, "quilt", 1)
    task = assigned_task(squad, cast.shinan_dispatcher)
    encounter = dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M", supplies={item("quilt").pk: 3,
                                                                        item("coat").pk: 1})]),
        by=cast.shinan_patroller)
    assert [(s.item.name, s.wanted, s.issued) for s in encounter.shortfalls] == [
        ("加厚棉被", 3, 1), ("军绿棉大衣", 1, 0)]
    assert encounter.supply_movements.get().change == -1
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_a_retried_encounter_issues_its_supplies_once(cast):
    squad = make_squad()
    stocked(squad, "food", 6)
    task = assigned_task(squad, cast.shinan_dispatcher)
    data = encounter_input(EncounterOutcome.REFUSED,
                           people=[PersonMet(sex="M", supplies={item("food").pk: 2})])
    for _ in range(3):
        dispatch.record_encounter(task, data, by=cast.shinan_patroller)
    assert services.stock_of(squad, item("food")).quantity == 4


def test_unknown_items_or_odd_quantities_are_refused_before_anything_is_written(cast):
    squad = make_squad()
    stocked(squad, "coat", 3)
    task = assigned_task(squad, cast.shinan_dispatcher)
    for supplies in ({999999: 1}, {item("coat").pk: -1}, {item("coat").pk: 500}):
        with pytest.raises(Refused) as refused:
            dispatch.record_encounter(task, encounter_input(
                EncounterOutcome.REFUSED, people=[PersonMet(sex="M", supplies=supplies)]),
                by=cast.shinan_patroller)
        assert refused.value.field == "supplies"
    assert services.stock_of(squad, item("coat")).quantity == 3
    assert not Person.objects.exists()


def test_a_person_met_needs_an_outcome_of_their_own_or_the_encounters(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    with pytest.raises(Refused) as refused:
        dispatch.record_encounter(task, encounter_input(
            EncounterOutcome.NOT_FOUND, people=[PersonMet(sex="M")]), by=cast.shinan_patroller)
    assert refused.value.field == "outcome"


def test_a_squad_escorting_someone_is_busy_until_the_hand_over_at_the_site(cast):
    squad = make_squad()
    task = assigned_task(squad, cast.shinan_dispatcher)
    dispatch.arrive(task, by=cast.shinan_patroller)
    site = cast.shinan_substation
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.ESCORTED, site_id=site.pk, people=[PersonMet(sex="M")]),
        by=cast.shinan_patroller)
    now = timezone.now()
    states, _names = night_plan.squad_states(now, {})
    state = states[squad.pk]
    # The task is closed, but the squad still drives to the site and hands over there.
    assert (state.lat, state.lon) == (round(site.lat, 5), round(site.lon, 5))
    assert state.free_s >= 9 * 60
    later = now + datetime.timedelta(hours=2)
    assert night_plan.escorts_under_way([squad.pk], later) == {}


def test_a_squad_that_found_nobody_is_free_where_it_stands(cast):
    squad = make_squad()
    task = assigned_task(squad, cast.shinan_dispatcher)
    dispatch.arrive(task, by=cast.shinan_patroller)
    dispatch.record_encounter(task, encounter_input(EncounterOutcome.NOT_FOUND),
                              by=cast.shinan_patroller)
    assert night_plan.escorts_under_way([squad.pk], timezone.now()) == {}
