"""/metrics: refused to strangers, and after some requests the route counters and the database
gauges (leads, the text message backlog, the task queue) with the right values."""

from __future__ import annotations

import datetime
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.utils import timezone
from prometheus_client.parser import text_string_to_metric_families

from songnuan.leads.models import Lead
from songnuan.notify.models import Outbox, OutboxStatus
from songnuan.notify.services import send_sms
from songnuan.observability import metrics
from songnuan.tasks import housekeeping
from tests.leads.factories import LAOSHAN_ZHANGCUN, SHINAN_STATION_SQUARE, report
from tests.observability.test_logs import tell_the_log
from tests.outreach.factories import assigned_task, make_squad

MAY_FOURTH_SQUARE = (36.0620, 120.3840)  # 五四广场, 市南区, far from the station
MIN = datetime.timedelta(minutes=1)


def scrape(client, **extra) -> dict[tuple[str, frozenset], float]:
    response = client.get("/metrics", **extra)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    return {(sample.name, frozenset(sample.labels.items())): sample.value
            for family in text_string_to_metric_families(response.content.decode())
            for sample in family.samples}


def value(samples, name: str, **labels) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def test_a_stranger_is_told_metrics_do_not_exist(db, client):
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9").status_code == 404


def test_a_request_through_the_proxy_is_not_trusted_for_its_loopback_address(db, client):
    response = client.get("/metrics", REMOTE_ADDR="127.0.0.1",
                          headers={"X-Forwarded-For": "203.0.113.9"})
    assert response.status_code == 404


def test_the_token_opens_metrics_from_anywhere_and_a_wrong_one_does_not(db, client, settings):
    settings.METRICS_TOKEN = "s3cret-scrape-token"
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                      headers={"Authorization": "Bearer s3cret-scrape-token"}).status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                      headers={"Authorization": "Bearer guess"}).status_code == 404


def test_without_a_token_set_no_bearer_opens_metrics(db, client, settings):
    settings.METRICS_TOKEN = ""
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.9",
                      headers={"Authorization": "Bearer "}).status_code == 404


def test_the_allowed_networks_are_a_setting(db, client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.0/8", "fd00::/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="fd00::1").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="127.0.0.1").status_code == 404


def test_requests_are_counted_by_route_method_and_status_class(db, client):
    before = scrape(client)
    client.get("/healthz")
    client.get("/healthz")
    client.get("/api/v1/leads/ZZZZZZZZ")
    client.get("/no-such-page/4711")
    after = scrape(client)

    def delta(name, **labels):
        return (value(after, name, **labels) or 0) - (value(before, name, **labels) or 0)

    requests = "songnuan_http_requests_total"
    assert delta(requests, route="healthz", method="GET", status="2xx") == 2
    assert delta("songnuan_http_request_duration_seconds_count", route="healthz",
                 method="GET") == 2
    assert delta(requests, route="unmatched", method="GET", status="4xx") == 1
    assert delta(requests, route="api:public_status", method="GET", status="4xx") == 1
    # The path never becomes a label.
    assert not any("4711" in str(labels) for _, labels in after)


@pytest.fixture
def limits(settings):
    settings.OUTREACH_ASSIGN_WITHIN_MIN = 15
    settings.OUTREACH_ARRIVE_WITHIN_MIN = 40
    settings.WEATHER_FALLBACK_LEVEL = 0
    return settings


def test_the_lead_gauges_count_open_leads_by_state_and_the_overdue(cast, client, limits):
    now = timezone.now()
    waiting_long = report(*SHINAN_STATION_SQUARE, description="桥下有人")
    Lead.objects.filter(pk=waiting_long.pk).update(received_at=now - 30 * MIN)
    report(*MAY_FOURTH_SQUARE, description="广场长椅上有人")  # just in: not overdue
    squad = make_squad(district_code="370212", at=LAOSHAN_ZHANGCUN)
    late_squad = assigned_task(squad, cast.centre_dispatcher, lat=LAOSHAN_ZHANGCUN[0],
                               lon=LAOSHAN_ZHANGCUN[1], description="河边有人")
    Lead.objects.filter(pk=late_squad.lead_id).update(received_at=now - 70 * MIN)
    type(late_squad).objects.filter(pk=late_squad.pk).update(assigned_at=now - 60 * MIN)
    done = report(36.0700, 120.3500, description="已经送站")
    Lead.objects.filter(pk=done.pk).update(status="resolved", outcome="helped_to_site")

    samples = scrape(client)
    assert value(samples, "songnuan_leads_open", status="triaged") == 2
    assert value(samples, "songnuan_leads_open", status="assigned") == 1
    assert value(samples, "songnuan_leads_open", status="on_scene") == 0
    assert value(samples, "songnuan_leads_overdue", stage="assignment") == 1
    assert value(samples, "songnuan_leads_overdue", stage="arrival") == 1


def test_the_outbox_gauges_count_what_is_still_to_send(db, client):
    now = timezone.now()
    oldest = send_sms("13800000001", "您的报告已收到", "test")
    send_sms("13800000002", "您的报告已收到", "test")
    retrying = send_sms("13800000003", "您的报告已收到", "test")
    given_up = send_sms("13800000004", "您的报告已收到", "test")
    sent = send_sms("13800000005", "您的报告已收到", "test")
    Outbox.objects.filter(pk=oldest.pk).update(created_at=now - 10 * MIN)
    Outbox.objects.filter(pk=retrying.pk).update(status=OutboxStatus.FAILED,
                                                  retry_at=now + MIN)
    Outbox.objects.filter(pk=given_up.pk).update(status=OutboxStatus.FAILED, retry_at=None,
                                                  created_at=now - 60 * MIN)
    Outbox.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT, sent_at=now,
                                              created_at=now - 60 * MIN)

    samples = scrape(client)
    assert value(samples, "songnuan_outbox_unsent_messages") == 3
    age = value(samples, "songnuan_outbox_oldest_unsent_age_seconds")
    assert 600 <= age < 3600


def test_the_task_gauges_count_ready_tasks_by_queue_and_the_longest_wait(db, client):
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    waiting = housekeeping.enqueue()
    housekeeping.enqueue()
    housekeeping.using(run_after=now + 60 * MIN).enqueue()  # not due yet
    due_later = tell_the_log.using(run_after=now - 5 * MIN).enqueue()
    DBTaskResult.objects.filter(pk=waiting.id).update(enqueued_at=now - 20 * MIN)
    DBTaskResult.objects.filter(pk=due_later.id).update(enqueued_at=now - 30 * MIN)

    samples = scrape(client)
    assert value(samples, "songnuan_tasks_ready", queue="periodic") == 2
    assert value(samples, "songnuan_tasks_ready", queue="default") == 1
    periodic_age = value(samples, "songnuan_tasks_oldest_ready_age_seconds", queue="periodic")
    assert 20 * 60 <= periodic_age < 30 * 60
    # Ready since its run_after came, five minutes ago, not since it was enqueued.
    default_age = value(samples, "songnuan_tasks_oldest_ready_age_seconds", queue="default")
    assert 5 * 60 <= default_age < 20 * 60


@pytest.fixture
def heartbeat_gauge(monkeypatch):
    [spec] = [spec for spec in metrics.declared_gauges()
              if spec.name == metrics.WORKER_HEARTBEAT_AGE]
    monkeypatch.setattr(spec, "read", spec.read)
    return spec


def test_the_worker_heartbeat_is_left_out_until_a_module_provides_it(db, client,
                                                                     heartbeat_gauge):
    heartbeat_gauge.read = None
    assert value(scrape(client), metrics.WORKER_HEARTBEAT_AGE) is None
    metrics.provide(metrics.WORKER_HEARTBEAT_AGE, lambda: 12.5)
    assert value(scrape(client), metrics.WORKER_HEARTBEAT_AGE) == 12.5
    metrics.provide(metrics.WORKER_HEARTBEAT_AGE, lambda: None)  # no worker seen yet
    assert value(scrape(client), metrics.WORKER_HEARTBEAT_AGE) is None


def test_a_gauge_that_fails_leaves_the_others_answered(db, client, heartbeat_gauge):
    def broken() -> float:
        raise RuntimeError("table gone")

    metrics.provide(metrics.WORKER_HEARTBEAT_AGE, broken)
    samples = scrape(client)
    assert value(samples, metrics.WORKER_HEARTBEAT_AGE) is None
    assert value(samples, "songnuan_outbox_unsent_messages") == 0


def count_a_request_in_another_process(metrics_dir) -> None:
    subprocess.run(
        [sys.executable, "-c", "from songnuan.observability import metrics; "
         "metrics.observe_request('healthz', 'GET', 200, 0.01)"],
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
             "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        check=True)


def test_under_several_web_processes_a_scrape_adds_up_every_processs_requests(
        db, client, tmp_path, monkeypatch):
    metrics_dir = metrics.fresh_multiprocess_dir(tmp_path / "prometheus")
    count_a_request_in_another_process(metrics_dir)
    count_a_request_in_another_process(metrics_dir)
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(metrics_dir))
    samples = scrape(client)
    assert value(samples, "songnuan_http_requests_total", route="healthz", method="GET",
                 status="2xx") == 2
    assert value(samples, "songnuan_outbox_unsent_messages") == 0


def test_a_fresh_start_forgets_the_last_starts_counts(tmp_path):
    metrics_dir = metrics.fresh_multiprocess_dir(tmp_path / "prometheus")
    count_a_request_in_another_process(metrics_dir)
    assert list(metrics_dir.glob("*.db"))
    metrics.fresh_multiprocess_dir(metrics_dir)
    assert not list(metrics_dir.glob("*.db"))
