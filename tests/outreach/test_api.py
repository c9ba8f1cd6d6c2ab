"""The staff API for the board and the patroller, through HTTP with bearer tokens."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.test import Client

from songnuan.accounts.services import issue_token
from songnuan.outreach.models import Squad, Task, TaskStatus
from tests.leads.factories import report
from tests.outreach.factories import assigned_task, make_squad

pytestmark = pytest.mark.django_db
LAOSHAN = "370212"


def api(user) -> Client:
    return Client(headers={"Authorization": f"Bearer {issue_token(user, 'test')}"})


def test_the_board_through_a_token_shows_only_the_callers_districts(cast):
    make_squad("市南一队")
    lead = report()
    shinan = api(cast.shinan_dispatcher).get("/api/v1/dispatch/board")
    laoshan = api(cast.laoshan_dispatcher).get("/api/v1/dispatch/board")
    assert shinan.status_code == 200
    row = next(item for item in shinan.json()["leads"] if item["id"] == lead.pk)
    assert row["suggestion"]["squad"] == "市南一队"
    assert [s["name"] for s in shinan.json()["squads"]] == ["市南一队"]
    assert laoshan.json()["leads"] == [] and laoshan.json()["squads"] == []


def test_a_patroller_token_cannot_read_the_board(cast):
    assert api(cast.shinan_patroller).get("/api/v1/dispatch/board").status_code == 403


def test_the_api_refuses_a_request_without_a_token():
    assert Client().get("/api/v1/dispatch/board").status_code == 401


def test_a_laoshan_token_cannot_assign_a_shinan_lead(cast):
    make_squad("市南一队")
    laoshan_squad = make_squad("崂山一队", district_code=LAOSHAN, at=(36.1040, 120.4680))
    lead = report()
    response = api(cast.laoshan_dispatcher).post(
        f"/api/v1/dispatch/leads/{lead.tracking_code}/assign", {"squad_id": laoshan_squad.pk},
        content_type="application/json")
    assert response.status_code == 404
    assert not Task.objects.filter(lead=lead).exists()


def test_assigning_without_a_squad_sends_the_suggested_one_and_says_why(cast):
    squad = make_squad("市南一队")
    lead = report()
    response = api(cast.shinan_dispatcher).post(
        f"/api/v1/dispatch/leads/{lead.tracking_code}/assign", {},
        content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["squad_id"] == squad.pk and body["lead"] == lead.tracking_code
    assert "min to the scene" in body["reason"]
    lead.refresh_from_db()
    assert lead.status == "assigned"


def test_the_second_dispatcher_gets_409_naming_the_squad_already_sent(cast):
    first, second = make_squad("一队"), make_squad("二队")
    task = assigned_task(first, cast.shinan_dispatcher)
    response = api(cast.centre_dispatcher).post(
        f"/api/v1/dispatch/leads/{task.lead.tracking_code}/assign", {"squad_id": second.pk},
        content_type="application/json")
    assert response.status_code == 409
    assert response.json()["message"] == "Already assigned to 一队 by someone else."
    assert response.json()["errors"][0]["field"] == "lead"


def test_a_squad_off_shift_is_refused_with_the_field(cast):
    make_squad("一队")
    resting = make_squad("休息队", on_shift=False)
    lead = report()
    response = api(cast.shinan_dispatcher).post(
        f"/api/v1/dispatch/leads/{lead.tracking_code}/assign", {"squad_id": resting.pk},
        content_type="application/json")
    assert response.status_code == 409
    assert response.json()["errors"] == [{"field": "squad", "message": "休息队 is not on shift.",
                                          "type": "conflict"}]


# SQLite's in-memory test database shares one cache between threads, where even a reader meets
# "table is locked" while the other request writes; the file database in WAL mode does not.
@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs row locks: run on PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_dispatchers_posting_at_once_get_one_201_and_one_409(cast):
    lead = report()
    squads = [make_squad("一队"), make_squad("二队")]
    clients = [api(cast.shinan_dispatcher), api(cast.centre_dispatcher)]
    for client in clients:  # the token's first use writes last_used_at; keep it out of the race
        client.get("/api/v1/me")
    start = threading.Barrier(2)
    answers: list = []

    def assign(index: int) -> None:
        try:
            start.wait()
            answers.append(clients[index].post(
                f"/api/v1/dispatch/leads/{lead.tracking_code}/assign",
                {"squad_id": squads[index].pk}, content_type="application/json"))
        finally:
            connection.close()

    threads = [threading.Thread(target=assign, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(a.status_code for a in answers) == [201, 409]
    loser = next(a for a in answers if a.status_code == 409).json()
    assert "dispatcher" in loser["message"] or "Already assigned" in loser["message"]
    assert Task.objects.filter(lead=lead).count() == 1


def test_reassign_moves_the_task_and_cancels_the_first(cast):
    first, second = make_squad("一队"), make_squad("二队")
    task = assigned_task(first, cast.shinan_dispatcher)
    response = api(cast.shinan_dispatcher).post(
        f"/api/v1/dispatch/tasks/{task.pk}/reassign", {"squad_id": second.pk},
        content_type="application/json")
    assert response.status_code == 201 and response.json()["squad"] == "二队"
    task.refresh_from_db()
    assert task.status == TaskStatus.CANCELLED


def test_a_task_on_scene_cannot_be_reassigned(cast):
    first, second = make_squad("一队", members=[cast.shinan_patroller]), make_squad("二队")
    task = assigned_task(first, cast.shinan_dispatcher)
    api(cast.shinan_patroller).post(f"/api/v1/my/tasks/{task.pk}/arrive")
    response = api(cast.shinan_dispatcher).post(
        f"/api/v1/dispatch/tasks/{task.pk}/reassign", {"squad_id": second.pk},
        content_type="application/json")
    assert response.status_code == 409
    assert "not reached yet" in response.json()["message"]


def test_the_patroller_sees_their_tasks_accepts_and_arrives(cast):
    mine = make_squad("我的队", members=[cast.shinan_patroller])
    other = make_squad("别的队")
    task = assigned_task(mine, cast.shinan_dispatcher)
    assigned_task(other, cast.shinan_dispatcher, lat=36.07, lon=120.33)
    client = api(cast.shinan_patroller)
    listed = client.get("/api/v1/my/tasks").json()
    assert [t["id"] for t in listed] == [task.pk]
    accepted = client.post(f"/api/v1/my/tasks/{task.pk}/accept")
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    again = client.post(f"/api/v1/my/tasks/{task.pk}/accept")
    assert again.json()["accepted_at"] == accepted.json()["accepted_at"]
    arrived = client.post(f"/api/v1/my/tasks/{task.pk}/arrive")
    assert arrived.json()["status"] == "arrived"
    task.lead.refresh_from_db()
    assert task.lead.status == "on_scene"


def test_a_patroller_cannot_step_another_squads_task(cast):
    other = make_squad("别的队")
    make_squad("我的队", members=[cast.shinan_patroller])
    task = assigned_task(other, cast.shinan_dispatcher)
    response = api(cast.shinan_patroller).post(f"/api/v1/my/tasks/{task.pk}/accept")
    assert response.status_code == 404
    task.refresh_from_db()
    assert task.status == TaskStatus.ASSIGNED


def test_a_moved_task_answers_409_to_its_first_squad(cast):
    mine = make_squad("我的队", members=[cast.shinan_patroller])
    make_squad("二队")
    task = assigned_task(mine, cast.shinan_dispatcher)
    api(cast.shinan_dispatcher).post(f"/api/v1/dispatch/tasks/{task.pk}/reassign", {},
                                     content_type="application/json")
    response = api(cast.shinan_patroller).post(f"/api/v1/my/tasks/{task.pk}/accept")
    assert response.status_code == 409
    assert response.json()["message"] == "This task was moved to another squad."


def test_the_patrollers_position_reaches_their_squad_in_wgs84(cast):
    squad = make_squad("我的队", members=[cast.shinan_patroller])
    response = api(cast.shinan_patroller).post(
        "/api/v1/my/position", {"lat": 36.0672, "lon": 120.3263, "coord": "gcj02"},
        content_type="application/json")
    assert response.status_code == 200 and response.json() == {"squads": 1}
    squad = Squad.objects.get(pk=squad.pk)
    assert squad.last_seen_at is not None
    # GCJ-02 sits a few hundred metres off WGS-84 in Qingdao; the stored point is converted.
    assert abs(squad.last_lat - 36.0672) > 1e-4 or abs(squad.last_lon - 120.3263) > 1e-4


def test_a_position_out_of_range_is_a_field_error(cast):
    make_squad("我的队", members=[cast.shinan_patroller])
    response = api(cast.shinan_patroller).post(
        "/api/v1/my/position", {"lat": 136.0, "lon": 120.3}, content_type="application/json")
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "lat"


def test_the_dispatch_api_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    for path in ("/api/v1/dispatch/board", "/api/v1/dispatch/leads/{tracking_code}/assign",
                 "/api/v1/dispatch/tasks/{task_id}/reassign", "/api/v1/my/tasks",
                 "/api/v1/my/tasks/{task_id}/{step}", "/api/v1/my/position"):
        assert path in paths, path
    assert "409" in paths["/api/v1/dispatch/leads/{tracking_code}/assign"]["post"]["responses"]
