"""After return (源头治理): follow-ups at 1 and 3 months on an injected clock, and a person who
went home met on the street again, linked to their case with the officer told."""

from __future__ import annotations

import datetime
import uuid

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from songnuan.duty.models import Alert
from songnuan.outreach.models import Encounter, EncounterPerson
from songnuan.people.models import Status
from songnuan.refusals import Refused
from songnuan.tracing import followups, returns, tasks
from songnuan.tracing.models import FollowUp, ReEncounter, TracingCase
from tests.outreach.factories import make_squad
from tests.people.factories import make_person
from tests.tracing.test_returns import departed

pytestmark = pytest.mark.django_db


def arrived(cast):
    plan, code = departed(cast)
    # The officer held the case while it was live (a closed case takes no new officer).
    TracingCase.objects.filter(pk=plan.case_id).update(officer=cast.laoshan_tracing)
    return returns.confirm_arrival(plan.link_token, code, received_by="李建华",
                                   now=plan.arrives_at)


def test_follow_ups_fall_one_and_three_months_after_the_arrival(cast):
    plan = arrived(cast)
    one, three = FollowUp.objects.filter(case=plan.case)
    assert (one.months, three.months) == (1, 3)
    assert one.due_at.date() == datetime.date(2027, 1, 10)
    assert three.due_at.date() == datetime.date(2027, 3, 10)
    assert "菏泽市救助管理站" in one.contact and "13905301234" in one.contact


def test_the_months_are_a_setting(cast, settings):
    settings.TRACING_FOLLOW_UP_MONTHS = [2]
    plan = arrived(cast)
    assert list(FollowUp.objects.filter(case=plan.case).values_list("months", flat=True)) == [2]


def test_a_follow_up_is_due_only_when_its_day_comes(cast):
    plan = arrived(cast)
    follow_ups = FollowUp.objects.filter(case=plan.case)
    assert not followups.due(follow_ups, now=plan.arrived_at + datetime.timedelta(days=20))
    month = plan.arrived_at + datetime.timedelta(days=32)
    assert [item.months for item in followups.due(follow_ups, now=month)] == [1]
    three_months = plan.arrived_at + datetime.timedelta(days=95)
    assert [item.months for item in followups.due(follow_ups, now=three_months)] == [1, 3]


def test_the_officer_is_reminded_before_and_told_when_overdue_once_each(cast):
    plan = arrived(cast)
    first = FollowUp.objects.get(case=plan.case, months=1)
    assert followups.remind(now=first.due_at - datetime.timedelta(days=10)) == 0
    soon = first.due_at - datetime.timedelta(days=2)
    assert followups.remind(now=soon) >= 1
    assert followups.remind(now=soon) == 0
    assert Alert.objects.filter(recipient=cast.laoshan_tracing, text__contains="1个月").exists()
    assert followups.remind(now=first.due_at + datetime.timedelta(days=1)) >= 1
    assert Alert.objects.filter(key=f"tracing-follow-up:{first.pk}:late").exists()


def test_a_follow_up_is_recorded_once_with_how_the_person_is(cast):
    plan = arrived(cast)
    item = FollowUp.objects.get(case=plan.case, months=1)
    with pytest.raises(Refused):
        followups.record(item, outcome=" ", by=cast.laoshan_tracing)
    item = followups.record(item, outcome="已在镇敬老院安置，状态稳定", by=cast.laoshan_tracing)
    assert item.done_at and item.done_by == cast.laoshan_tracing
    with pytest.raises(Refused):
        followups.record(item, outcome="再次", by=cast.laoshan_tracing)
    assert not followups.due(FollowUp.objects.filter(pk=item.pk),
                             now=item.due_at + datetime.timedelta(days=1))


def meet(person, squad, place="李村河桥洞"):
    encounter = Encounter.objects.create(
        client_request_id=uuid.uuid4().hex, squad=squad, district=squad.district,
        lat=36.16, lon=120.43, place=place, outcome="refused")
    EncounterPerson.objects.create(encounter=encounter, person=person, outcome="refused")
    return encounter


def test_a_returned_person_met_again_is_linked_and_the_officer_told(
        cast, django_capture_on_commit_callbacks):
    plan = arrived(cast)
    person = plan.case.person
    person.refresh_from_db()
    assert person.status == Status.RETURNED_HOME
    squad = make_squad(district_code="370212")
    with django_capture_on_commit_callbacks(execute=True):
        encounter = meet(person, squad)
    linked = ReEncounter.objects.get(case=plan.case)
    assert linked.encounter_id == encounter.pk and linked.place == "李村河桥洞"
    told = Alert.objects.filter(recipient=cast.laoshan_tracing, text__contains="李村河桥洞")
    assert told.exists()
    with django_capture_on_commit_callbacks(execute=True):
        EncounterPerson.objects.filter(encounter=encounter).delete()
        EncounterPerson.objects.create(encounter=encounter, person=person, outcome="refused")
    assert ReEncounter.objects.filter(case=plan.case).count() == 1


def test_someone_never_sent_home_is_not_linked(cast, django_capture_on_commit_callbacks):
    stranger = make_person("刘长海", age=50)
    with django_capture_on_commit_callbacks(execute=True):
        meet(stranger, make_squad(district_code="370212"))
    assert not ReEncounter.objects.exists()


def test_a_new_file_for_the_same_man_is_found_by_the_matcher(
        cast, django_capture_on_commit_callbacks):
    plan = arrived(cast)
    home = plan.case.person
    home.refresh_from_db()
    again = make_person("", age=home.age_estimate, height_cm=home.height_cm,
                        dialect=home.dialect, marks=home.marks, sex=home.sex,
                        native_place=home.native_place, self_name=home.display_name)
    with django_capture_on_commit_callbacks(execute=True):
        encounter = meet(again, make_squad(district_code="370212"))
    queued = DBTaskResult.objects.filter(task_path__endswith="match_re_encounter")
    assert queued.count() == 1  # the worker compares the new file after the encounter commits
    found = tasks.match_re_encounter.call(encounter.pk, again.pk)
    linked = ReEncounter.objects.filter(case=plan.case, person=again).first()
    assert found and linked is not None and linked.score >= followups.RE_ENCOUNTER_THRESHOLD


def test_a_refused_follow_up_comes_back_on_the_case_with_what_was_typed(cast, client_for):
    plan = arrived(cast)
    item = FollowUp.objects.get(case=plan.case, months=1)
    officer = client_for(cast.laoshan_tracing)
    too_long = "已在镇敬老院安置，状态稳定，每周由村委会探望一次。" * 13
    response = officer.post(reverse("tracing:follow_up", args=[item.pk]), {"outcome": too_long})
    assert response.status_code == 422
    page = response.content.decode()
    assert f'value="{too_long}"' in page and "errorlist" in page
    item.refresh_from_db()
    assert item.done_at is None
    response = officer.post(reverse("tracing:follow_up", args=[item.pk]),
                            {"outcome": too_long[:40]})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.done_at and item.outcome == too_long[:40]
