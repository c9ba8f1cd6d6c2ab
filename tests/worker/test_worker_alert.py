"""A dead worker cannot raise an alert, so the web side does: the first look at a silent worker
in an outage alerts the city's people on duty (inbox and Web Push sent straight away) and every
staff page shows a banner; the same outage is not alerted twice, the next one is."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from songnuan import health
from songnuan.duty.models import Alert, DutyRole, DutyShift, Topic
from songnuan.models import WorkerHeartbeat
from songnuan.notify import push, vapid
from songnuan.notify.models import PushMessage, PushStatus
from tests.fake_push import FakePushService

SILENT = "后台任务进程自"  # the banner, in the staff pages' Chinese


@pytest.fixture(autouse=True)
def _fresh(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.WORKER_STALE_SECONDS = 120
    vapid.keys.cache_clear()
    health.forget()
    yield
    health.forget()
    vapid.keys.cache_clear()


@pytest.fixture
def push_service():
    service = FakePushService().start()
    yield service
    service.stop()


def last_beat(ago: datetime.timedelta) -> datetime.datetime:
    moment = timezone.now() - ago
    WorkerHeartbeat.objects.update_or_create(worker_id="relief-1-4242", defaults={
        "host": "relief-1", "pid": 4242, "started_at": moment, "beat_at": moment})
    return moment


def worker_alerts():
    return Alert.objects.filter(topic=Topic.WORKER_SILENT)


def test_a_silent_worker_alerts_the_leader_on_duty_once_per_outage(cast, client_for,
                                                                   push_service):
    admin = cast.city_admin
    leader = cast.centre_dispatcher
    now = timezone.now()
    DutyShift.objects.create(user=leader, role=DutyRole.LEADER, district=None,
                             starts_at=now - datetime.timedelta(hours=1),
                             ends_at=now + datetime.timedelta(hours=8))
    info = push_service.subscription("leader-phone")
    push.subscribe(leader, info["endpoint"], info["keys"]["p256dh"], info["keys"]["auth"])
    last_beat(datetime.timedelta(minutes=5))

    page = client_for(admin).get("/")
    assert SILENT in page.content.decode()
    alerted = set(worker_alerts().values_list("recipient__username", flat=True))
    assert leader.username in alerted and admin.username in alerted
    # The leader's phone got it straight from the web process, not through the outbox.
    assert [r.path for r in push_service.received] == ["/push/leader-phone"]
    body = push_service.decrypt(push_service.received[0])
    assert body["tag"].startswith("worker_silent:")
    sent = PushMessage.objects.get(user=leader)
    assert sent.status == PushStatus.SENT

    # The same outage, looked at again by another process (or a minute later): no second alert.
    count = worker_alerts().count()
    health.forget()
    client_for(admin).get("/")
    assert client_for(admin).get("/healthz").status_code == 503
    assert worker_alerts().count() == count and len(push_service.received) == 1

    # The worker is back: no banner; then it falls silent again: a new alert.
    last_beat(datetime.timedelta(seconds=1))
    health.forget()
    assert SILENT not in client_for(admin).get("/").content.decode()
    assert not health.watch_worker().is_silent
    last_beat(datetime.timedelta(minutes=3))
    health.forget()
    client_for(admin).get("/healthz")
    assert worker_alerts().count() == 2 * count
    assert len(push_service.received) == 2


def test_the_health_check_alone_raises_the_alert(cast, client):
    last_beat(datetime.timedelta(minutes=10))
    assert client.get("/healthz").status_code == 503
    assert worker_alerts().filter(recipient=cast.city_admin).count() == 1


def test_the_web_side_looks_at_most_once_a_minute_per_process(cast, client):
    last_beat(datetime.timedelta(seconds=5))
    assert not health.watch_worker().is_silent
    last_beat(datetime.timedelta(minutes=10))
    assert not health.watch_worker().is_silent  # what it saw a moment ago
    assert not worker_alerts().exists()
    health.forget()
    assert health.watch_worker().is_silent
    assert worker_alerts().exists()


def test_a_worker_that_never_ran_is_left_to_the_health_check(cast, client):
    assert client.get("/healthz").status_code == 503
    assert not worker_alerts().exists()
