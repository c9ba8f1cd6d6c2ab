"""A report is stored once however often it is sent, and an acknowledged report survives."""

from __future__ import annotations

import json
import threading
import uuid

import pytest
from django.db import connection, connections

from songnuan.leads import services
from songnuan.leads.models import Lead
from tests.leads.factories import SHINAN_STATION_SQUARE

LAT, LON = SHINAN_STATION_SQUARE


def payload(request_id: str) -> dict:
    return {"client_request_id": request_id, "lat": LAT, "lon": LON, "coord": "wgs84",
            "description": "桥洞下有人", "people_count": 1, "flags": []}


def post(client, data):
    return client.post("/api/v1/leads", json.dumps(data), content_type="application/json")


def lead_input(request_id: str) -> services.LeadInput:
    return services.LeadInput(source="public_api", lat=LAT, lon=LON,
                              client_request_id=request_id)


def test_a_retry_that_lost_the_race_returns_the_winners_lead(db, monkeypatch):
    """Two copies of a request both pass the first lookup; the unique constraint decides."""
    winner, _ = services.submit_lead(lead_input("race-000000001"))
    real_lookup = services.lead_for_request
    calls = {"n": 0}

    def blind_first_lookup(request_id):
        calls["n"] += 1
        if calls["n"] == 1:  # the early lookup misses, as if the winner had not yet committed
            return None
        return real_lookup(request_id)

    monkeypatch.setattr(services, "lead_for_request", blind_first_lookup)
    lead, created = services.submit_lead(lead_input("race-000000001"))
    assert not created and lead.pk == winner.pk
    assert Lead.objects.count() == 1


@pytest.mark.skipif(connection.vendor == "sqlite",
                    reason="SQLite's shared in-memory test database serialises writers")
@pytest.mark.django_db(transaction=True)
def test_concurrent_copies_of_one_request_store_one_lead():
    from tests.factories import ensure_districts

    ensure_districts()  # an earlier transactional test may have flushed them
    request_id = uuid.uuid4().hex
    results, errors = [], []
    barrier = threading.Barrier(8)

    def send():
        try:
            barrier.wait()
            results.append(services.submit_lead(lead_input(request_id)))
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert Lead.objects.count() == 1
    assert {lead.pk for lead, _ in results} == {Lead.objects.get().pk}
    assert sum(created for _, created in results) == 1


def test_a_crash_after_commit_loses_nothing_and_the_retry_gets_the_same_code(db, client,
                                                                               monkeypatch):
    """The server committed, then died before answering: the client retries the same id."""
    from songnuan.leads import api

    def crash(lead):
        raise RuntimeError("worker killed before the response was written")

    monkeypatch.setattr(api.feedback, "public_stage", crash)
    client.raise_request_exception = False
    assert post(client, payload("crash-after-0001")).status_code == 500
    monkeypatch.undo()
    stored = Lead.objects.get()
    retry = post(client, payload("crash-after-0001"))
    assert retry.status_code == 200
    assert retry.json()["tracking_code"] == stored.tracking_code
    assert Lead.objects.count() == 1


def test_a_crash_before_commit_stores_nothing_and_the_retry_creates_the_lead(db, client,
                                                                               monkeypatch):
    def crash(*args, **kwargs):
        raise RuntimeError("disk full halfway through")

    # The lead row is written, its audit event is not: the transaction must take both back.
    monkeypatch.setattr(services.audit, "record_creation", crash)
    client.raise_request_exception = False
    assert post(client, payload("crash-before-001")).status_code == 500
    assert not Lead.objects.exists()
    monkeypatch.undo()
    retry = post(client, payload("crash-before-001"))
    assert retry.status_code == 201
    assert Lead.objects.count() == 1


def test_a_double_tap_on_the_report_page_stores_one_lead(db, client):
    form = {"client_request_id": "page-0000000001", "lat": LAT, "lon": LON, "coord": "wgs84",
            "people_count": 1, "place": "", "description": ""}
    first = client.post("/report/", form)
    second = client.post("/report/", form)
    assert first.status_code == second.status_code == 302
    assert first.url == second.url
    assert Lead.objects.count() == 1


def test_a_retry_is_answered_from_one_read_with_the_stage_of_the_linked_report(
        db, client, django_assert_num_queries):
    first = post(client, payload("linked-0000001"))
    again = post(client, payload("linked-0000002"))  # same place: linked to the first
    assert again.status_code == 201 and again.json()["status"] == "received"
    root = Lead.objects.get(tracking_code=first.json()["tracking_code"])
    Lead.objects.filter(pk=root.pk).update(status="en_route")
    with django_assert_num_queries(1):
        retry = post(client, payload("linked-0000002"))
    assert retry.status_code == 200
    assert retry.json()["tracking_code"] == again.json()["tracking_code"]
    assert retry.json()["status"] == "on_the_way"  # the linked report's squad is on its way
    assert Lead.objects.count() == 2
