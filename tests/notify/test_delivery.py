"""Text messages: written with the action, delivered through the task queue after commit only,
retried with growing pauses when the provider fails."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from songnuan.notify import services
from songnuan.notify.models import Outbox, OutboxStatus
from songnuan.notify.tasks import deliver_sms

PHONE = "13953212345"
TEXT = "【寒冬送暖】您的报告 7XTHQ4RB：已收到。"
FAILING = "songnuan.notify.backends.FailingBackend"


def run_worker() -> None:
    call_command("db_worker", "--batch", "--queue-name=*", "--no-startup-delay", verbosity=0)


def delivery_tasks():
    return DBTaskResult.objects.filter(task_path=deliver_sms.module_path)


def test_delivery_is_enqueued_only_when_the_transaction_commits(db,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        message = services.send_sms(PHONE, TEXT, "lead_feedback")
        assert not delivery_tasks().exists()  # nothing leaves before the commit
    assert len(callbacks) == 1
    task = delivery_tasks().get()
    assert task.args_kwargs["args"] == [message.pk]
    assert Outbox.objects.get().status == OutboxStatus.QUEUED  # the worker has not run yet


@pytest.mark.django_db(transaction=True)
def test_the_worker_delivers_a_committed_message():
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    run_worker()
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.sent_at is not None
    assert message.attempts == 1
    assert not DBTaskResult.objects.exclude(status="SUCCESSFUL").exists()


@pytest.mark.django_db(transaction=True)
def test_nothing_is_written_or_sent_when_the_action_rolls_back():
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        services.send_sms(PHONE, TEXT, "lead_feedback")
        raise Refused
    run_worker()
    assert not Outbox.objects.exists()
    assert not delivery_tasks().exists()


@pytest.mark.django_db(transaction=True)
def test_a_failed_delivery_waits_longer_each_time_then_is_sent(settings):
    settings.SMS_BACKEND = FAILING
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    run_worker()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 1
    assert "unavailable" in message.error
    first_pause = message.retry_at - timezone.now()
    assert datetime.timedelta(seconds=50) < first_pause <= datetime.timedelta(minutes=1)

    assert services.retry_failed() == 0  # its pause is not over: not tried again yet
    message.refresh_from_db()
    assert message.attempts == 1

    assert services.retry_failed(now=message.retry_at) == 0  # the provider is still down
    message.refresh_from_db()
    assert message.attempts == 2 and message.status == OutboxStatus.FAILED
    assert message.retry_at - timezone.now() > datetime.timedelta(minutes=1, seconds=50)

    settings.SMS_BACKEND = "songnuan.notify.backends.LogBackend"  # the provider is back
    assert services.retry_failed(now=message.retry_at) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.retry_at is None
    assert message.attempts == 3 and message.error == ""


@pytest.mark.django_db(transaction=True)
def test_a_message_is_given_up_after_the_last_attempt(settings):
    settings.SMS_BACKEND = FAILING
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    run_worker()
    for _attempt in range(services.MAX_ATTEMPTS - 1):
        message.refresh_from_db()
        services.retry_failed(now=message.retry_at)
    message.refresh_from_db()
    assert message.attempts == services.MAX_ATTEMPTS
    assert message.status == OutboxStatus.FAILED and message.retry_at is None
    assert services.retry_failed(now=timezone.now() + datetime.timedelta(days=1)) == 0


@pytest.mark.django_db(transaction=True)
def test_a_message_whose_enqueue_was_lost_is_sent_by_the_retry_job():
    message = Outbox.objects.create(phone=PHONE, text=TEXT, purpose="lead_feedback")
    assert services.retry_failed() == 0  # just written: its own delivery may still come
    later = timezone.now() + services.STRANDED_AFTER + datetime.timedelta(seconds=1)
    assert services.retry_failed(now=later) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


def test_the_retry_job_is_scheduled():
    from songnuan.scheduling import jobs

    retry = {job.name: job for job in jobs()}["songnuan.notify.tasks.retry_failed_sms"]
    assert retry.every == datetime.timedelta(minutes=1)


def test_the_pauses_grow_and_stop_at_an_hour():
    pauses = [services.retry_delay(n).total_seconds() / 60 for n in range(1, 9)]
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60]
