"""/healthz turns unwell when the worker falls silent, a periodic job is late or text messages
pile up, and well again when they are back; /readyz only asks whether this process can serve."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from songnuan import health
from songnuan.models import PeriodicRun, WorkerHeartbeat
from songnuan.notify import services
from songnuan.notify.models import Outbox, OutboxStatus
from songnuan.scheduling import enqueue_due

PHONE = "13953212345"


@pytest.fixture(autouse=True)
def _fresh_watch():
    health.forget()
    yield
    health.forget()


def beat(worker_id: str = "relief-1", ago: datetime.timedelta = datetime.timedelta(0)):
    moment = timezone.now() - ago
    WorkerHeartbeat.objects.update_or_create(worker_id=worker_id, defaults={
        "host": "relief-1", "pid": 4242, "started_at": moment, "beat_at": moment})


@pytest.fixture
def well(db, settings):
    """A worker beating, every periodic job enqueued, nothing waiting to be sent."""
    settings.WORKER_STALE_SECONDS = 120
    settings.OUTBOX_STALE_SECONDS = 300
    beat()
    enqueue_due()


def healthz(client):
    response = client.get("/healthz")
    return response.status_code, response.json()


def test_it_is_well_when_the_worker_beats_and_nothing_is_late(well, client):
    status, body = healthz(client)
    assert status == 200 and body["status"] == "ok"
    assert set(body["checks"]) == {"database", "worker", "periodic", "outbox"}
    assert all(check["ok"] for check in body["checks"].values())
    assert body["checks"]["outbox"]["waiting"] == 0


def test_a_silent_worker_makes_it_unwell_until_it_beats_again(well, client):
    beat(ago=datetime.timedelta(minutes=5))
    status, body = healthz(client)
    assert status == 503 and body["status"] == "unwell"
    worker = body["checks"]["worker"]
    assert worker["ok"] is False and worker["heartbeat_age_s"] >= 300
    assert "no worker heartbeat" in worker["problem"]
    assert body["checks"]["database"]["ok"] and body["checks"]["outbox"]["ok"]

    beat()
    assert healthz(client)[0] == 200


def test_a_worker_that_said_it_stopped_is_no_worker(well, client):
    WorkerHeartbeat.objects.update(stopped_at=timezone.now())
    status, body = healthz(client)
    assert status == 503 and body["checks"]["worker"]["problem"] == "no worker is running"
    assert health.worker_heartbeat_age_seconds() is None


def test_a_periodic_job_not_enqueued_for_longer_than_its_cadence_makes_it_unwell(well, client):
    job = "songnuan.duty.tasks.escalate_alerts"  # every minute
    PeriodicRun.objects.filter(job=job).update(
        enqueued_at=timezone.now() - datetime.timedelta(minutes=10))
    status, body = healthz(client)
    assert status == 503
    late = body["checks"]["periodic"]["late"]
    assert [entry["job"] for entry in late] == [job]
    assert late[0]["every_s"] == 60 and late[0]["last_enqueued_age_s"] >= 600

    enqueue_due(timezone.now() + datetime.timedelta(minutes=1))  # the scheduler is back
    assert healthz(client)[0] == 200


def test_text_messages_waiting_too_long_make_it_unwell_until_they_are_sent(well, client):
    message = services.send_sms(PHONE, "寒冬送暖：测试", "lead_feedback")
    assert healthz(client)[0] == 200  # just queued: the courier has time
    Outbox.objects.filter(pk=message.pk).update(
        created_at=timezone.now() - datetime.timedelta(minutes=10))
    status, body = healthz(client)
    assert status == 503
    outbox = body["checks"]["outbox"]
    assert outbox["waiting"] == 1 and outbox["oldest_age_s"] >= 600
    assert services.outbox_backlog()[0] == 1

    services.deliver_due()
    assert healthz(client)[0] == 200
    assert services.outbox_backlog() == (0, 0.0)


def test_messages_of_unknown_outcome_are_counted(well, client):
    message = services.send_sms(PHONE, "寒冬送暖：测试", "lead_feedback")
    Outbox.objects.filter(pk=message.pk).update(
        status=OutboxStatus.HANDING_OVER,
        handed_over_at=timezone.now() - datetime.timedelta(minutes=30))
    status, body = healthz(client)
    assert body["checks"]["outbox"]["outcome_unknown"] == 1
    assert status == 200  # for staff to check, not a reason to restart anything


def test_readyz_answers_while_the_worker_is_silent(well, client):
    beat(ago=datetime.timedelta(hours=1))
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": {"ok": True},
                                                          "migrations": {"ok": True}}}


def test_staff_who_keep_the_outbox_see_the_messages_of_unknown_outcome(cast, client_for):
    message = services.send_sms(PHONE, "寒冬送暖：测试", "lead_feedback")
    admin_home = client_for(cast.city_admin).get("/").content.decode()
    assert "结果不明的短信" not in admin_home

    Outbox.objects.filter(pk=message.pk).update(status=OutboxStatus.UNKNOWN,
                                                handed_over_at=timezone.now())
    admin_home = client_for(cast.city_admin).get("/").content.decode()
    assert "结果不明的短信" in admin_home and "status__exact=unknown" in admin_home
    dispatcher_home = client_for(cast.centre_dispatcher).get("/").content.decode()
    assert "结果不明的短信" not in dispatcher_home
