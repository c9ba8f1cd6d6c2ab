"""The dispatch API a client runs a night on, through HTTP with bearer tokens: taking tasks back,
the encounter, squads, follow-ups, idempotency keys, the phone's own times, the change feed and
its event stream, and one error shape for every 4xx."""

from __future__ import annotations

import base64
import datetime
import io
import json
import threading

import pytest
from django.db import connection
from django.test import Client
from django.utils import timezone
from PIL import Image

from songnuan.accounts.services import issue_token
from songnuan.leads.models import LeadStatus
from songnuan.outreach import dispatch
from songnuan.outreach.models import (
    DutyStatus,
    Encounter,
    EncounterOutcome,
    FollowUp,
    Receipt,
    Squad,
    Task,
    TaskStatus,
)
from songnuan.people.models import PersonPhoto
from tests.leads.factories import report
from tests.outreach.factories import assigned_task, encounter_input, make_squad
from tests.supplies.factories import item, stocked

pytestmark = pytest.mark.django_db
LAOSHAN = "370212"
MINUTE = datetime.timedelta(minutes=1)


@pytest.fixture
def api_for(client):
    """A token client whose requests may carry more headers (an idempotency key, a language)."""
    from songnuan.accounts.services import issue_token

    class ApiClient:
        def __init__(self, user):
            self.headers = {"Authorization": f"Bearer {issue_token(user)}"}

        def get(self, path, data=None, headers=None):
            return client.get(path, data, headers={**self.headers, **(headers or {})})

        def post(self, path, data=None, headers=None):
            return client.post(path, data, content_type="application/json",
                               headers={**self.headers, **(headers or {})})

    return ApiClient


def _key(name: str) -> dict:
    return {"headers": {"Idempotency-Key": f"key-{name}-0001"}}


def _iso(at: datetime.datetime) -> str:
    return at.isoformat()


def _photo() -> str:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (120, 90, 60)).save(out, "PNG")
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


# ------------------------------------------------------------------ idempotent assignment

def test_a_retried_assign_with_the_same_key_gets_the_same_201_and_task(cast, api_for):
    make_squad("一队")
    lead = report()
    client = api_for(cast.shinan_dispatcher)
    first = client.post(f"/api/v1/dispatch/leads/{lead.tracking_code}/assign", {},
                        **_key("assign"))
    again = client.post(f"/api/v1/dispatch/leads/{lead.tracking_code}/assign", {},
                        **_key("assign"))
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert Task.objects.filter(lead=lead).count() == 1


def test_the_key_may_come_in_the_body_as_client_request_id(cast, api_for):
    make_squad("一队")
    lead = report()
    client = api_for(cast.shinan_dispatcher)
    body = {"client_request_id": "9f0c2a7e-app-retry"}
    first = client.post(f"/api/v1/dispatch/leads/{lead.tracking_code}/assign", body)
    again = client.post(f"/api/v1/dispatch/leads/{lead.tracking_code}/assign", body)
    assert (first.status_code, again.status_code) == (201, 201)
    assert first.json()["id"] == again.json()["id"]


def test_two_dispatchers_with_their_own_keys_one_wins_the_other_is_told_who(cast, api_for):
    first, second = make_squad("一队"), make_squad("二队")
    lead = report()
    won = api_for(cast.shinan_dispatcher).post(
        f"/api/v1/dispatch/leads/{lead.tracking_code}/assign", {"squad_id": first.pk},
        **_key("li-wei"))
    lost = api_for(cast.centre_dispatcher).post(
        f"/api/v1/dispatch/leads/{lead.tracking_code}/assign", {"squad_id": second.pk},
        **_key("zheng-qiang"))
    assert won.status_code == 201 and lost.status_code == 409
    assert lost.json()["message"] == "Already assigned to 一队 by someone else."
    assert lost.json()["errors"] == [{"field": "lead", "message": lost.json()["message"],
                                      "type": "conflict"}]


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs row locks: run on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_a_retry_racing_the_first_request_gets_the_same_201(cast):
    make_squad("一队")
    lead = report()
    client = Client(headers={"Authorization": f"Bearer {issue_token(cast.shinan_dispatcher)}",
                             "Idempotency-Key": "tablet-7-assign-0042"})
    client.get("/api/v1/me")  # the token's first use writes last_used_at; keep it out of the race
    start = threading.Barrier(2)
    answers: list = []

    def assign() -> None:
        try:
            start.wait()
            answers.append(client.post(f"/api/v1/dispatch/leads/{lead.tracking_code}/assign",
                                       {}, content_type="application/json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=assign) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json()["id"] == answers[1].json()["id"]
    assert Task.objects.filter(lead=lead).count() == 1


def test_a_key_used_for_another_request_is_refused(cast, api_for):
    make_squad("一队", capacity=5)
    client = api_for(cast.shinan_dispatcher)
    client.post(f"/api/v1/dispatch/leads/{report().tracking_code}/assign", {}, **_key("one"))
    response = client.post(f"/api/v1/dispatch/leads/{report().tracking_code}/assign", {},
                           **_key("one"))
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert Task.objects.count() == 1


def test_a_malformed_key_is_a_field_error(cast, api_for):
    make_squad("一队")
    response = api_for(cast.shinan_dispatcher).post(
        f"/api/v1/dispatch/leads/{report().tracking_code}/assign", {},
        headers={"Idempotency-Key": "短"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "Idempotency-Key"
    assert not Task.objects.exists()


def test_a_retried_reassign_moves_the_task_once(cast, api_for):
    first, second = make_squad("一队"), make_squad("二队")
    task = assigned_task(first, cast.shinan_dispatcher)
    client = api_for(cast.shinan_dispatcher)
    answers = [client.post(f"/api/v1/dispatch/tasks/{task.pk}/reassign",
                           {"squad_id": second.pk}, **_key("move")) for _ in range(2)]
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json()
    assert Task.objects.filter(lead=task.lead).count() == 2


def test_old_receipts_are_forgotten_after_a_day(cast, api_for):
    from songnuan.outreach.tasks import forget_old_receipts

    make_squad("一队")
    api_for(cast.shinan_dispatcher).post(
        f"/api/v1/dispatch/leads/{report().tracking_code}/assign", {}, **_key("old"))
    Receipt.objects.update(created_at=timezone.now() - datetime.timedelta(hours=25))
    assert forget_old_receipts.call() == 1
    assert not Receipt.objects.exists()


# ------------------------------------------------------------------ taking tasks back

def test_a_dispatcher_cancels_a_task_and_a_retry_gets_the_same_answer(cast, api_for):
    task = assigned_task(make_squad("一队"), cast.shinan_dispatcher)
    client = api_for(cast.shinan_dispatcher)
    url = f"/api/v1/dispatch/tasks/{task.pk}/cancel"
    first = client.post(url, {"reason": "误报：现场为环卫工人休息"}, **_key("cancel"))
    again = client.post(url, {"reason": "误报：现场为环卫工人休息"}, **_key("cancel"))
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json()
    assert first.json()["status"] == "cancelled"
    assert first.json()["closed_reason"] == "误报：现场为环卫工人休息"
    task.lead.refresh_from_db()
    assert task.lead.status == LeadStatus.TRIAGED
    fresh = client.post(url, {"reason": "再次"}, **_key("cancel-again"))
    assert fresh.status_code == 409 and fresh.json()["message"] == "This task is already closed."


def test_a_dispatcher_unassigns_and_the_lead_waits_again(cast, api_for):
    task = assigned_task(make_squad("一队"), cast.shinan_dispatcher)
    response = api_for(cast.shinan_dispatcher).post(
        f"/api/v1/dispatch/tasks/{task.pk}/unassign", {"reason": "改派就近分队"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    task.lead.refresh_from_db()
    assert task.lead.status == LeadStatus.TRIAGED


def test_a_patroller_cannot_cancel(cast, api_for):
    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    response = api_for(cast.shinan_patroller).post(
        f"/api/v1/dispatch/tasks/{task.pk}/cancel", {"reason": "不想去"})
    assert response.status_code == 403
    assert response.json() == {"message": "You may not do this.", "errors": []}
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_a_laoshan_dispatcher_cannot_touch_a_shinan_task(cast, api_for):
    task = assigned_task(make_squad("一队"), cast.shinan_dispatcher)
    client = api_for(cast.laoshan_dispatcher)
    for action in ("cancel", "unassign"):
        response = client.post(f"/api/v1/dispatch/tasks/{task.pk}/{action}", {"reason": "越区"})
        assert response.status_code == 404
        assert response.json() == {"message": "Not found, or not yours to see.", "errors": []}
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_the_squad_declines_with_a_reason_and_the_lead_goes_back(cast, api_for):
    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    client = api_for(cast.shinan_patroller)
    url = f"/api/v1/my/tasks/{task.pk}/decline"
    first = client.post(url, {"reason": "车辆抛锚", "client_at": _iso(timezone.now())},
                        **_key("decline"))
    again = client.post(url, {"reason": "车辆抛锚"}, **_key("decline"))
    assert first.status_code == again.status_code == 200
    assert first.json() == again.json() and first.json()["status"] == "declined"
    task.lead.refresh_from_db()
    assert task.lead.status == LeadStatus.TRIAGED
    assert task.lead.history.last().note == "Declined by 一队: 车辆抛锚"


def test_the_lead_history_is_kept_in_the_bureau_language_whoever_acts(cast, api_for, settings):
    settings.LANGUAGE_CODE = "zh-hans"
    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    client = api_for(cast.shinan_patroller)
    url = f"/api/v1/my/tasks/{task.pk}/decline"
    english = {"Accept-Language": "en"}
    refused = client.post(url, {"reason": " "}, headers={**_key("d1")["headers"], **english})
    assert refused.json()["message"] == "Say why."  # the patroller reads English
    client.post(url, {"reason": "车辆抛锚"}, headers={**_key("d2")["headers"], **english})
    task.lead.refresh_from_db()
    assert task.lead.history.last().note == "一队拒绝接单：车辆抛锚"  # everyone reads the history


def test_a_lead_resolved_through_the_api_closes_its_task(cast, api_for):
    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    resolved = api_for(cast.shinan_dispatcher).post(
        f"/api/v1/staff/leads/{task.lead.tracking_code}/status",
        {"status": "resolved", "outcome": "helped_to_site", "note": "本人自行到站"})
    assert resolved.status_code == 200
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED
    client = api_for(cast.shinan_patroller)
    assert client.get("/api/v1/my/tasks").json() == []
    step = client.post(f"/api/v1/my/tasks/{task.pk}/accept")
    assert step.status_code == 409 and "The lead was resolved" in step.json()["message"]


# ------------------------------------------------------------------ the encounter

def test_the_encounter_through_the_api_closes_the_task_once(cast, api_for):
    squad = make_squad("一队", members=[cast.shinan_patroller])
    stocked(squad, "coat", 3)
    task = assigned_task(squad, cast.shinan_dispatcher)
    body = {"client_request_id": "enc-2026-12-04-0001", "note": "桥洞下发现一名老人，拒绝入站",
            "contact_card_left": True,
            "people": [{"sex": "M", "age_estimate": 68, "name": "老王", "outcome": "refused",
                        "supplies": {str(item("coat").pk): 1}, "photo": _photo()}]}
    client = api_for(cast.shinan_patroller)
    first = client.post(f"/api/v1/my/tasks/{task.pk}/encounter", body)
    again = client.post(f"/api/v1/my/tasks/{task.pk}/encounter", body)
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["outcome"] == "refused" and first.json()["task"]["status"] == "done"
    encounter = Encounter.objects.get()
    assert encounter.contact_card_left and encounter.note.startswith("桥洞下")
    [person_id] = first.json()["person_ids"]
    assert PersonPhoto.objects.filter(person_id=person_id).count() == 1
    assert FollowUp.objects.filter(person_id=person_id).exists()
    task.lead.refresh_from_db()
    assert task.lead.status == LeadStatus.RESOLVED


def test_an_escort_without_a_site_is_a_field_error_and_nothing_is_written(cast, api_for):
    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    response = api_for(cast.shinan_patroller).post(
        f"/api/v1/my/tasks/{task.pk}/encounter",
        {"people": [{"sex": "F", "age_estimate": 45, "outcome": "escorted"}]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "site"
    assert not Encounter.objects.exists()
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_a_photo_that_is_not_one_is_refused_at_its_field(cast, api_for):
    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    response = api_for(cast.shinan_patroller).post(
        f"/api/v1/my/tasks/{task.pk}/encounter",
        {"people": [{"outcome": "refused", "photo": base64.b64encode(b"not a photo").decode()}]})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "people.0.photo"
    assert not Encounter.objects.exists()


# ------------------------------------------------------------------ the phone's own times

def test_a_queue_replayed_an_hour_later_lands_in_order_with_its_own_times(cast, api_for):
    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    now = timezone.now()
    Task.objects.filter(pk=task.pk).update(assigned_at=now - 70 * MINUTE)
    client = api_for(cast.shinan_patroller)
    accepted = client.post(f"/api/v1/my/tasks/{task.pk}/accept",
                           {"client_at": _iso(now - 65 * MINUTE)}, **_key("q-accept"))
    arrived = client.post(f"/api/v1/my/tasks/{task.pk}/arrive",
                          {"client_at": _iso(now - 52 * MINUTE)}, **_key("q-arrive"))
    met = client.post(f"/api/v1/my/tasks/{task.pk}/encounter",
                      {"outcome": "not_found", "client_at": _iso(now - 48 * MINUTE)},
                      **_key("q-encounter"))
    assert [accepted.status_code, arrived.status_code, met.status_code] == [200, 200, 201]
    task.refresh_from_db()
    assert task.accepted_client_at == now - 65 * MINUTE
    assert task.arrived_client_at == now - 52 * MINUTE
    assert task.closed_client_at == now - 48 * MINUTE
    assert task.accepted_at >= now and task.arrived_at >= now
    encounter = Encounter.objects.get()
    assert encounter.at == now - 48 * MINUTE and encounter.recorded_at >= now
    # The replayed accept, sent again, is the same answer, not a second step.
    again = client.post(f"/api/v1/my/tasks/{task.pk}/accept",
                        {"client_at": _iso(now - 65 * MINUTE)}, **_key("q-accept"))
    assert again.json() == accepted.json()


def test_a_time_from_a_phone_clock_far_ahead_is_refused_with_a_field_message(cast, api_for):
    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    response = api_for(cast.shinan_patroller).post(
        f"/api/v1/my/tasks/{task.pk}/accept",
        {"client_at": _iso(timezone.now() + 10 * MINUTE)},
        headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["field"] == "client_at" and "手机" in error["message"]
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_a_position_sent_late_keeps_the_newer_one(cast, api_for):
    squad = make_squad("一队", members=[cast.shinan_patroller])
    client = api_for(cast.shinan_patroller)
    now = timezone.now()
    newer = client.post("/api/v1/my/position", {"lat": 36.0601, "lon": 120.3202,
                                                "client_at": _iso(now - MINUTE)})
    older = client.post("/api/v1/my/position", {"lat": 36.0700, "lon": 120.3300,
                                                "client_at": _iso(now - 30 * MINUTE)})
    assert newer.json() == {"squads": 1} and older.json() == {"squads": 0}
    squad.refresh_from_db()
    assert (squad.last_lat, squad.last_lon) == (36.0601, 120.3202)


# ------------------------------------------------------------------ squads and follow-ups

def test_dispatchers_see_their_squads_crew_duty_and_load(cast, api_for):
    squad = make_squad("市南一队", members=[cast.shinan_patroller])
    make_squad("崂山一队", district_code=LAOSHAN, at=(36.1040, 120.4680))
    assigned_task(squad, cast.shinan_dispatcher)
    rows = api_for(cast.shinan_dispatcher).get("/api/v1/dispatch/squads").json()
    assert [row["name"] for row in rows] == ["市南一队"]
    [row] = rows
    assert row["crew"] == [{"user_id": cast.shinan_patroller.pk, "name": "刘洋",
                            "agency": "civil_affairs", "agency_label": "Civil affairs",
                            "is_leader": False}]
    assert (row["duty_status"], row["on_shift"], row["load"], row["capacity"]) == (
        "on_duty", True, 1, 3)
    assert row["district"] == "市南区"


def test_a_dispatcher_sets_a_squads_duty_status(cast, api_for):
    squad = make_squad("一队")
    client = api_for(cast.shinan_dispatcher)
    rest = client.post(f"/api/v1/dispatch/squads/{squad.pk}/status", {"duty_status": "on_break"})
    assert rest.status_code == 200 and rest.json()["on_shift"] is False
    assert Squad.objects.get(pk=squad.pk).duty_status == DutyStatus.ON_BREAK
    wrong = client.post(f"/api/v1/dispatch/squads/{squad.pk}/status", {"duty_status": "asleep"})
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["field"] == "duty_status"
    laoshan = api_for(cast.laoshan_dispatcher).post(
        f"/api/v1/dispatch/squads/{squad.pk}/status", {"duty_status": "on_duty"})
    assert laoshan.status_code == 404


def test_a_squad_with_open_tasks_cannot_go_out_of_service(cast, api_for):
    squad = make_squad("一队")
    assigned_task(squad, cast.shinan_dispatcher)
    response = api_for(cast.shinan_dispatcher).post(
        f"/api/v1/dispatch/squads/{squad.pk}/status", {"duty_status": "out_of_service"})
    assert response.status_code == 409
    assert response.json()["errors"][0]["field"] == "duty_status"


def test_a_refusal_for_the_state_is_kept_with_its_key_one_for_the_input_is_not(cast, api_for):
    squad = make_squad("一队")
    task = assigned_task(squad, cast.shinan_dispatcher)
    client = api_for(cast.shinan_dispatcher)
    busy = client.post(f"/api/v1/dispatch/squads/{squad.pk}/status",
                       {"duty_status": "out_of_service"}, **_key("busy"))
    again = client.post(f"/api/v1/dispatch/squads/{squad.pk}/status",
                        {"duty_status": "out_of_service"}, **_key("busy"))
    assert busy.status_code == again.status_code == 409
    assert busy.json()["errors"] == [{"field": "duty_status", "type": "conflict",
                                      "message": busy.json()["message"]}]
    assert Receipt.objects.filter(key="key-busy-0001", status=409).exists()
    blank = client.post(f"/api/v1/dispatch/tasks/{task.pk}/cancel", {"reason": "   "},
                        **_key("blank"))
    assert blank.status_code == 422
    assert blank.json()["errors"] == [{"field": "reason", "type": "refused",
                                       "message": blank.json()["message"]}]
    assert not Receipt.objects.filter(key="key-blank-0001").exists()


def test_a_follow_up_is_assigned_through_the_api(cast, api_for):
    squad = make_squad("一队", capacity=5)
    task = assigned_task(squad, cast.shinan_dispatcher)
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[dispatch.PersonMet(sex="M", age_estimate=70)]),
        by=cast.shinan_patroller)
    follow_up = FollowUp.objects.get()
    client = api_for(cast.shinan_dispatcher)
    first = client.post(f"/api/v1/dispatch/follow-ups/{follow_up.pk}/assign", {},
                        **_key("fu"))
    again = client.post(f"/api/v1/dispatch/follow-ups/{follow_up.pk}/assign", {},
                        **_key("fu"))
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json()
    assert first.json()["kind"] == "follow_up" and first.json()["follow_up_id"] == follow_up.pk
    assert api_for(cast.laoshan_dispatcher).post(
        f"/api/v1/dispatch/follow-ups/{follow_up.pk}/assign", {}).status_code == 404


# ------------------------------------------------------------------ payloads and the board

def test_a_task_carries_what_the_reporter_said(cast, api_for):
    squad = make_squad("一队", members=[cast.shinan_patroller])
    assigned_task(squad, cast.shinan_dispatcher, people_count=2, flags=["lying_down", "elderly"],
                  description="青岛站东广场地下通道口，两位老人躺在纸板上")
    [task] = api_for(cast.shinan_patroller).get("/api/v1/my/tasks").json()
    assert task["people_count"] == 2 and task["flags"] == ["lying_down", "elderly"]
    assert task["description"].startswith("青岛站东广场")
    assert task["lead"] and task["is_mutual_aid"] is False and "eta_min" in task


def test_the_board_carries_the_protocols_thresholds(cast, api_for):
    make_squad("一队")
    report()
    board = api_for(cast.shinan_dispatcher).get("/api/v1/dispatch/board").json()
    [protocol] = board["protocol"]
    assert protocol["district"] == "Shinan"
    assert protocol["assign_within_min"] > 0 and protocol["arrive_within_min"] > 0


# ------------------------------------------------------------------ changes and the stream

def test_the_changes_feed_gives_what_changed_since_the_cursor(cast, api_for):
    squad = make_squad("一队")
    waiting = report()
    client = api_for(cast.shinan_dispatcher)
    first = client.get("/api/v1/dispatch/changes").json()
    assert [lead["tracking_code"] for lead in first["leads"]] == [waiting.tracking_code]
    assert first["tasks"] == [] and [s["name"] for s in first["squads"]] == ["一队"]
    task = dispatch.assign_lead(waiting, squad, by=cast.shinan_dispatcher)
    later = client.get("/api/v1/dispatch/changes", {"cursor": first["cursor"]}).json()
    assert task.pk in [t["id"] for t in later["tasks"]]
    assert task.lead.tracking_code in [lead["tracking_code"] for lead in later["leads"]]
    assert [s["load"] for s in later["squads"]] == [1]
    assert later["cursor"] and later["more"] is False


def test_rows_unchanged_since_the_cursor_are_not_sent_again(cast, api_for):
    make_squad("一队")
    report()
    client = api_for(cast.shinan_dispatcher)
    an_hour_ago = timezone.now() - datetime.timedelta(hours=1)
    from songnuan.leads.models import Lead

    Lead.objects.update(updated_at=an_hour_ago)
    Squad.objects.update(updated_at=an_hour_ago)
    cursor = client.get("/api/v1/dispatch/changes").json()["cursor"]
    later = client.get("/api/v1/dispatch/changes", {"cursor": cursor}).json()
    assert later["leads"] == [] and later["tasks"] == [] and later["squads"] == []


def test_a_cursor_the_server_did_not_give_is_a_field_error(cast, api_for):
    response = api_for(cast.shinan_dispatcher).get("/api/v1/dispatch/changes",
                                                   {"cursor": "not-a-cursor"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


def test_the_changes_feed_shows_a_laoshan_dispatcher_nothing_of_shinan(cast, api_for):
    assigned_task(make_squad("一队"), cast.shinan_dispatcher)
    body = api_for(cast.laoshan_dispatcher).get("/api/v1/dispatch/changes").json()
    assert body["leads"] == [] and body["tasks"] == [] and body["squads"] == []


def test_a_patroller_gets_their_own_tasks_changes_closed_ones_included(cast, api_for):
    mine = make_squad("我的队", members=[cast.shinan_patroller])
    task = assigned_task(mine, cast.shinan_dispatcher)
    assigned_task(make_squad("别的队"), cast.shinan_dispatcher, lat=36.07, lon=120.33)
    client = api_for(cast.shinan_patroller)
    first = client.get("/api/v1/my/changes").json()
    assert [t["id"] for t in first["tasks"]] == [task.pk]
    dispatch.unassign(task, by=cast.shinan_dispatcher, reason="改派")
    later = client.get("/api/v1/my/changes", {"cursor": first["cursor"]}).json()
    assert [(t["id"], t["status"]) for t in later["tasks"]] == [(task.pk, "cancelled")]
    assert client.get("/api/v1/dispatch/changes").status_code == 403


def _events(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode()
    events = []
    for block in text.split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines()
                      if ": " in line and not line.startswith(":"))
        if fields:
            events.append(fields)
    return events


def test_the_stream_sends_changes_as_events_and_ends_with_a_retry_hint(cast, api_for, settings):
    settings.OUTREACH_STREAM_SECONDS = 0
    squad = make_squad("一队")
    client = api_for(cast.shinan_dispatcher)
    cursor = client.get("/api/v1/dispatch/changes").json()["cursor"]
    task = assigned_task(squad, cast.shinan_dispatcher)
    response = client.get("/api/v1/dispatch/stream", headers={"Last-Event-ID": cursor})
    assert response.status_code == 200
    assert response["Content-Type"] == "text/event-stream"
    events = _events(response)
    assert events[0] == {"retry": "2000"} and events[-1] == {"retry": "2000"}
    [changed] = [event for event in events if event.get("event") == "changes"]
    data = json.loads(changed["data"])
    assert changed["id"] == data["cursor"]
    assert [t["id"] for t in data["tasks"]] == [task.pk]
    follow = client.get("/api/v1/dispatch/changes", {"cursor": changed["id"]})
    assert follow.status_code == 200
    # Streamed or polled, the same row is the same JSON (times to the millisecond both ways).
    polled = client.get("/api/v1/dispatch/changes", {"cursor": cursor}).json()
    assert polled["tasks"] == data["tasks"] and polled["squads"] == data["squads"]


def test_the_stream_refuses_a_last_event_id_it_did_not_give(cast, api_for):
    client = api_for(cast.shinan_dispatcher)
    response = client.get("/api/v1/dispatch/stream", headers={"Last-Event-ID": "xyz"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "cursor"


# ------------------------------------------------------------------ one error shape

def test_a_validation_error_has_the_shape_and_a_chinese_field_message(cast, api_for):
    task = assigned_task(make_squad("一队"), cast.shinan_dispatcher)
    response = api_for(cast.shinan_dispatcher).post(
        f"/api/v1/dispatch/tasks/{task.pk}/cancel", {},
        headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"message", "errors"}
    assert body["errors"][0]["field"] == "reason"
    assert body["errors"][0]["message"] == "此项必填。"


def test_a_number_out_of_range_names_its_limit_in_chinese(cast, api_for):
    make_squad("一队", members=[cast.shinan_patroller])
    response = api_for(cast.shinan_patroller).post(
        "/api/v1/my/position", {"lat": 136.0, "lon": 120.3},
        headers={"Accept-Language": "zh-hans"})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"field": "lat", "message": "请输入不大于 90 的值。",
                                            "type": "less_than_equal"}


def test_a_404_has_the_shape(cast, api_for):
    response = api_for(cast.shinan_dispatcher).post("/api/v1/dispatch/tasks/999999/cancel",
                                                    {"reason": "误报"})
    assert response.status_code == 404
    assert response.json() == {"message": "Not found, or not yours to see.", "errors": []}


def test_the_new_endpoints_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/my/tasks/{task_id}/encounter", "/api/v1/my/tasks/{task_id}/decline",
                 "/api/v1/dispatch/tasks/{task_id}/cancel",
                 "/api/v1/dispatch/tasks/{task_id}/unassign", "/api/v1/dispatch/squads",
                 "/api/v1/dispatch/squads/{squad_id}/status",
                 "/api/v1/dispatch/follow-ups/{follow_up_id}/assign",
                 "/api/v1/dispatch/changes", "/api/v1/dispatch/stream", "/api/v1/my/changes",
                 "/api/v1/my/tasks/{task_id}",
                 "/api/v1/my/tasks/{task_id}/nearby/{tracking_code}/same-people"):
        assert path in paths, path


def _merged_into(task, by):
    from songnuan.leads import services as leads

    other = report(36.0655, 120.3150, description="穿红色羽绒服的年轻女孩，站着")
    return leads.link_duplicate(other, task.lead, by=by)


def test_on_the_scene_a_merged_report_about_someone_else_is_split_off(cast, api_for):
    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    merged = _merged_into(task, cast.shinan_dispatcher)
    client = api_for(cast.shinan_patroller)
    url = f"/api/v1/my/tasks/{task.pk}/merged/{merged.tracking_code}/someone-else"
    on_the_way = client.post(url, {})
    assert on_the_way.status_code == 409 and "on the scene" in on_the_way.json()["message"]
    merged.refresh_from_db()
    assert merged.status == LeadStatus.DUPLICATE
    dispatch.arrive(task, by=None)

    first = client.post(url, {}, **_key("someone"))
    again = client.post(url, {}, **_key("someone"))
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    merged.refresh_from_db()
    assert merged.status == LeadStatus.TRIAGED and merged.duplicate_of_id is None
    assert "现场" in merged.history.last().note or "on the scene" in merged.history.last().note
    # Without the key, saying it again is a conflict: the report is not merged any more.
    assert client.post(url, {}).status_code == 409


def test_only_the_squad_of_the_task_may_split_its_reports(cast, api_for):
    task = assigned_task(make_squad("一队"), cast.shinan_dispatcher)
    merged = _merged_into(task, cast.shinan_dispatcher)
    client = api_for(cast.shinan_patroller)  # not on 一队
    url = f"/api/v1/my/tasks/{task.pk}/merged/{merged.tracking_code}/someone-else"
    assert client.post(url, {}).status_code == 404
    merged.refresh_from_db()
    assert merged.status == LeadStatus.DUPLICATE


def test_on_the_scene_a_lead_nearby_is_merged_once_per_key(cast, api_for):
    lead = report(36.0655, 120.3150, description="一个老大爷躺在通道口，穿蓝色棉袄")
    nearby = report(36.0657, 120.3150, description="两个人在台阶上", people_count=2)
    task = dispatch.arrive(dispatch.assign_lead(
        lead, make_squad("一队", members=[cast.shinan_patroller]), by=cast.shinan_dispatcher),
        by=None)
    on_its_way = dispatch.assign_lead(nearby, make_squad("二队"), by=cast.shinan_dispatcher)
    client = api_for(cast.shinan_patroller)
    seen = client.get(f"/api/v1/my/tasks/{task.pk}").json()
    assert seen["merged"] == [] and [other["tracking_code"] for other in seen["nearby"]] == [
        nearby.tracking_code]
    assert seen["nearby"][0]["squad"] == "二队" and not seen["nearby"][0]["squad_is_there"]
    assert seen["nearby"][0]["people_count"] == 2 and seen["nearby"][0]["distance_m"] > 0
    assert seen["met_here"] == []
    url = f"/api/v1/my/tasks/{task.pk}/nearby/{nearby.tracking_code}/same-people"

    first = client.post(url, {}, **_key("same"))
    again = client.post(url, {}, **_key("same"))

    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    assert first.json()["id"] == task.pk and first.json()["status"] == "arrived"
    nearby.refresh_from_db()
    assert nearby.status == LeadStatus.DUPLICATE and nearby.duplicate_of_id == task.lead_id
    assert Task.objects.get(pk=on_its_way.pk).status == TaskStatus.CANCELLED
    assert client.post(url, {}).status_code == 200  # said again without a key: still merged
    seen = client.get(f"/api/v1/my/tasks/{task.pk}").json()
    assert [report["tracking_code"] for report in seen["merged"]] == [nearby.tracking_code]
    assert seen["merged"][0]["description"] == "两个人在台阶上" and seen["nearby"] == []
    other_squads = api_for(cast.shinan_dispatcher)  # not on 一队
    assert other_squads.post(url, {}).status_code == 404


def test_the_phone_page_splits_a_merged_report_with_one_tap(cast, client_for):
    from django.urls import reverse

    task = assigned_task(make_squad("一队", members=[cast.shinan_patroller]),
                         cast.shinan_dispatcher)
    merged = _merged_into(task, cast.shinan_dispatcher)
    phone = client_for(cast.shinan_patroller)
    action = reverse("outreach:task_someone_else", args=[task.pk, merged.pk])
    on_the_way = phone.get(reverse("outreach:task_detail", args=[task.pk])).content.decode()
    assert "穿红色羽绒服" in on_the_way and action not in on_the_way  # known only there
    dispatch.arrive(task, by=None)
    page = phone.get(reverse("outreach:task_detail", args=[task.pk])).content.decode()
    assert action in page
    response = phone.post(action, follow=True)
    assert merged.tracking_code in response.content.decode()
    merged.refresh_from_db()
    assert merged.status == LeadStatus.TRIAGED
