"""Taking a task back (cancel, unassign, decline), a lead resolved elsewhere, the phone's own
times of each action, and a squad's duty status, in the services."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone, translation

from songnuan.leads import services as leads
from songnuan.leads.models import LeadStatus, Outcome
from songnuan.outreach import dispatch, reports
from songnuan.outreach.dispatch import PersonMet
from songnuan.outreach.models import (
    DutyStatus,
    Encounter,
    EncounterOutcome,
    FollowUp,
    FollowUpStatus,
    Squad,
    Task,
    TaskStatus,
)
from songnuan.refusals import Refused
from tests.outreach.factories import assigned_task, encounter_input, make_squad

pytestmark = pytest.mark.django_db
MINUTE = datetime.timedelta(minutes=1)


def _follow_up_task(cast, squad) -> Task:
    task = assigned_task(squad, cast.shinan_dispatcher)
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M", age_estimate=60)]),
        by=cast.shinan_patroller)
    return dispatch.assign_follow_up(FollowUp.objects.get(), squad, by=cast.shinan_dispatcher)


def test_cancelling_a_task_sends_its_lead_back_to_the_queue_with_the_reason(cast):
    task = assigned_task(make_squad("一队"), cast.shinan_dispatcher)
    dispatch.cancel_task(task, by=cast.shinan_dispatcher, reason="报警人来电称已自行离开")
    task.refresh_from_db()
    task.lead.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED and task.closed_at is not None
    assert task.closed_reason == "报警人来电称已自行离开"
    assert task.lead.status == LeadStatus.TRIAGED
    assert task.lead.history.last().note == "Task of 一队 cancelled: 报警人来电称已自行离开"


def test_a_lead_en_route_goes_back_to_the_queue_through_assigned(cast):
    task = assigned_task(make_squad("一队"), cast.shinan_dispatcher)
    dispatch.accept(task, by=cast.shinan_patroller)
    dispatch.unassign(task, by=cast.shinan_dispatcher, reason="车辆故障")
    task.lead.refresh_from_db()
    assert task.lead.status == LeadStatus.TRIAGED
    steps = list(task.lead.history.values_list("to_status", flat=True))
    assert steps[-2:] == [LeadStatus.ASSIGNED, LeadStatus.TRIAGED]


def test_the_squad_declines_and_its_reason_is_on_the_leads_history(cast):
    squad = make_squad("一队")
    task = assigned_task(squad, cast.shinan_dispatcher)
    dispatch.decline(task, by=cast.shinan_patroller, reason="车上已有一名受助人员")
    task.refresh_from_db()
    task.lead.refresh_from_db()
    assert task.status == TaskStatus.DECLINED
    assert task.lead.status == LeadStatus.TRIAGED
    assert task.lead.history.last().note == "Declined by 一队: 车上已有一名受助人员"
    # The lead waits for a squad again: it can be sent to another one at once.
    other = dispatch.assign_lead(task.lead, make_squad("二队"), by=cast.shinan_dispatcher)
    assert other.status == TaskStatus.ASSIGNED


def test_a_squad_on_the_scene_cannot_hand_the_task_back(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    dispatch.arrive(task, by=cast.shinan_patroller)
    for take_back in (dispatch.cancel_task, dispatch.unassign, dispatch.decline):
        with pytest.raises(Refused, match="on the scene"):
            take_back(task, by=cast.shinan_dispatcher, reason="原因")
    task.refresh_from_db()
    assert task.status == TaskStatus.ARRIVED


def test_a_closed_task_cannot_be_taken_back_twice(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    dispatch.cancel_task(task, by=cast.shinan_dispatcher, reason="误报")
    with pytest.raises(Refused, match="already closed"):
        dispatch.unassign(task, by=cast.shinan_dispatcher, reason="误报")


def test_taking_a_task_back_needs_a_reason(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    with pytest.raises(Refused) as refused:
        dispatch.decline(task, by=cast.shinan_patroller, reason="  ")
    assert refused.value.field == "reason"
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_cancelling_a_follow_up_task_cancels_the_follow_up_unassigning_keeps_it(cast):
    squad = make_squad(capacity=5)
    task = _follow_up_task(cast, squad)
    dispatch.unassign(task, by=cast.shinan_dispatcher, reason="改派")
    assert FollowUp.objects.get().status == FollowUpStatus.DUE
    again = dispatch.assign_follow_up(FollowUp.objects.get(), squad, by=cast.shinan_dispatcher)
    dispatch.cancel_task(again, by=cast.shinan_dispatcher, reason="本人已入站")
    assert FollowUp.objects.get().status == FollowUpStatus.CANCELLED


def test_a_lead_marked_invalid_closes_its_live_task(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    dispatch.accept(task, by=cast.shinan_patroller)
    leads.mark_invalid(task.lead, reason="恶作剧电话", prank=True, by=cast.shinan_dispatcher)
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert task.closed_reason == "The lead was resolved: Prank"
    with pytest.raises(Refused, match="closed: The lead was resolved"):
        dispatch.arrive(task, by=cast.shinan_patroller)


def test_the_closed_task_keeps_its_reason_in_the_bureau_language(cast, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    with translation.override("en"):  # a dispatcher who reads English marks it
        leads.mark_invalid(task.lead, reason="恶作剧电话", prank=True, by=cast.shinan_dispatcher)
    task.refresh_from_db()
    assert task.closed_reason == "线索已办结：恶作剧"


def test_an_encounter_resolving_the_lead_leaves_its_task_done(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    dispatch.record_encounter(task, encounter_input(EncounterOutcome.NOT_FOUND),
                              by=cast.shinan_patroller)
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


# ------------------------------------------------------------------ the phone's own times

def test_a_time_too_far_ahead_or_behind_is_refused_at_the_field():
    now = timezone.now()
    assert dispatch.client_time(now + MINUTE, now) == now + MINUTE
    assert dispatch.client_time(now - datetime.timedelta(hours=11), now) is not None
    for wrong in (now + 3 * MINUTE, now - datetime.timedelta(hours=13)):
        with pytest.raises(Refused) as refused:
            dispatch.client_time(wrong, now)
        assert refused.value.field == "client_at"


def test_a_time_without_a_zone_is_the_phones_local_time():
    local = timezone.localtime().replace(tzinfo=None) - 5 * MINUTE
    taken = dispatch.client_time(local)
    assert abs((timezone.now() - taken) - 5 * MINUTE) < MINUTE


# In the evening: the hour replayed stays within one night (nights turn at 08:00).
@time_machine.travel(datetime.datetime(2027, 1, 15, 22, 0, tzinfo=ZoneInfo("Asia/Shanghai")),
                     tick=False)
def test_a_queue_replayed_after_an_hour_lands_in_order_with_its_own_times(cast):
    squad = make_squad()
    task = assigned_task(squad, cast.shinan_dispatcher)
    now = timezone.now()
    Task.objects.filter(pk=task.pk).update(assigned_at=now - 70 * MINUTE)
    dispatch.accept(task, by=cast.shinan_patroller, client_at=now - 65 * MINUTE)
    dispatch.arrive(task, by=cast.shinan_patroller, client_at=now - 50 * MINUTE)
    encounter = dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.NOT_FOUND, client_at=now - 45 * MINUTE), by=cast.shinan_patroller)
    task.refresh_from_db()
    assert task.accepted_client_at == now - 65 * MINUTE
    assert task.arrived_client_at == now - 50 * MINUTE
    assert encounter.at == now - 45 * MINUTE and encounter.recorded_at >= now
    assert task.closed_client_at == now - 45 * MINUTE
    assert task.arrived_at >= now  # the server heard of it only now
    [row] = reports.service_levels(Task.objects.all(), Encounter.objects.all(),
                                   since=now - datetime.timedelta(hours=3))
    assert row.arrive_min == [20.0]


def test_a_phone_clock_behind_never_puts_a_step_before_the_one_it_follows(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    now = timezone.now()
    dispatch.accept(task, by=cast.shinan_patroller, client_at=now)
    dispatch.arrive(task, by=cast.shinan_patroller, client_at=now - 30 * MINUTE)
    task.refresh_from_db()
    assert task.arrived_client_at == task.accepted_client_at == now


def test_an_older_position_replayed_late_does_not_overwrite_a_newer_one(cast):
    squad = make_squad()
    now = timezone.now()
    assert dispatch.report_position(squad, 36.0601, 120.3202, client_at=now - MINUTE)
    assert not dispatch.report_position(squad, 36.0700, 120.3300, client_at=now - 20 * MINUTE)
    squad.refresh_from_db()
    assert (squad.last_lat, squad.last_lon) == (36.0601, 120.3202)
    assert squad.last_seen_at == now - MINUTE


# ------------------------------------------------------------------ duty status

def test_a_squad_with_open_tasks_cannot_go_out_of_service_but_may_rest(cast):
    squad = make_squad("一队")
    assigned_task(squad, cast.shinan_dispatcher)
    with pytest.raises(Refused, match="still has 1 open tasks"):
        dispatch.set_duty_status(squad, DutyStatus.OUT_OF_SERVICE)
    dispatch.set_duty_status(squad, DutyStatus.ON_BREAK)
    assert Squad.objects.get(pk=squad.pk).duty_status == DutyStatus.ON_BREAK


def test_an_outcome_of_the_lead_is_kept_when_a_dispatcher_resolves_it(cast):
    task = assigned_task(make_squad(), cast.shinan_dispatcher)
    leads.set_status(task.lead, LeadStatus.RESOLVED, by=cast.shinan_dispatcher,
                     outcome=Outcome.HELPED_TO_SITE, note="本人自行到站")
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    assert "Helped to a station" in task.closed_reason
