"""Text messages: written with the action, sent by the worker's courier once the action has
committed, in batches, retried with growing pauses when the provider fails."""

from __future__ import annotations

import datetime
import threading
from contextlib import suppress

import pytest
from django.db import OperationalError, connection, connections, transaction
from django.utils import timezone

from songnuan.management.commands.worker import repeat, send_text_messages
from songnuan.notify import services
from songnuan.notify.backends import LogBackend
from songnuan.notify.models import Outbox, OutboxStatus

PHONE = "13953212345"
TEXT = "【寒冬送暖】您的报告 7XTHQ4RB：已收到。"
FAILING = "songnuan.notify.backends.FailingBackend"
postgresql_only = pytest.mark.skipif(
    connection.vendor == "sqlite", reason="SQLite's shared in-memory test database serialises "
    "writers, so a second connection cannot run beside an open transaction")


def in_another_connection(work):
    """Run `work` in a thread, hence on a database connection of its own; return its result."""
    result = []

    def run():
        try:
            result.append(work())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result[0]


@pytest.mark.django_db(transaction=True)
def test_the_courier_sends_a_committed_message():
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    assert services.deliver_due() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.sent_at is not None
    assert message.attempts == 1 and message.retry_at is None
    assert services.deliver_due() == 0  # sent once only


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_nothing_leaves_before_the_action_commits():
    with transaction.atomic():
        message = services.send_sms(PHONE, TEXT, "lead_feedback")
        assert in_another_connection(services.deliver_due) == 0
    assert in_another_connection(services.deliver_due) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT


@postgresql_only
@pytest.mark.django_db(transaction=True)
def test_a_second_courier_skips_the_messages_the_first_is_sending():
    first, second = (services.send_sms(PHONE, f"{TEXT} {n}", "lead_feedback") for n in (1, 2))
    with transaction.atomic():
        Outbox.objects.select_for_update().get(pk=first.pk)  # the first courier's lock
        assert in_another_connection(services.deliver_due) == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == OutboxStatus.QUEUED and first.attempts == 0
    assert second.status == OutboxStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_nothing_is_written_or_sent_when_the_action_rolls_back():
    class Refused(Exception):
        pass

    with pytest.raises(Refused), transaction.atomic():
        services.send_sms(PHONE, TEXT, "lead_feedback")
        raise Refused
    assert services.deliver_due() == 0
    assert not Outbox.objects.exists()


def test_a_surge_of_messages_goes_out_in_batches_each_once(db):
    messages = [services.send_sms(PHONE, f"{TEXT} {n}", "lead_feedback") for n in range(120)]
    assert [services.deliver_due() for _ in range(4)] == [50, 50, 20, 0]
    assert set(Outbox.objects.values_list("status", "attempts")) == {(OutboxStatus.SENT, 1)}
    assert Outbox.objects.count() == len(messages)


def test_a_failed_delivery_waits_longer_each_time_then_is_sent(db, settings):
    settings.SMS_BACKEND = FAILING
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    assert services.deliver_due() == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.attempts == 1
    assert "unavailable" in message.error
    first_pause = message.retry_at - timezone.now()
    assert datetime.timedelta(seconds=50) < first_pause <= datetime.timedelta(minutes=1)

    assert services.deliver_due() == 0  # its pause is not over: not tried again yet
    message.refresh_from_db()
    assert message.attempts == 1

    services.deliver_due(now=message.retry_at)  # the provider is still down
    message.refresh_from_db()
    assert message.attempts == 2 and message.status == OutboxStatus.FAILED
    assert message.retry_at - timezone.now() > datetime.timedelta(minutes=1, seconds=50)

    settings.SMS_BACKEND = "songnuan.notify.backends.LogBackend"  # the provider is back
    assert services.deliver_due(now=message.retry_at) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.retry_at is None
    assert message.attempts == 3 and message.error == ""


def test_a_message_is_given_up_after_the_last_attempt(db, settings):
    settings.SMS_BACKEND = FAILING
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    services.deliver_due()
    for _attempt in range(services.MAX_ATTEMPTS - 1):
        message.refresh_from_db()
        services.deliver_due(now=message.retry_at)
    message.refresh_from_db()
    assert message.attempts == services.MAX_ATTEMPTS
    assert message.status == OutboxStatus.FAILED and message.retry_at is None
    assert services.deliver_due(now=timezone.now() + datetime.timedelta(days=1)) == 0


def test_a_message_the_backend_chokes_on_does_not_hold_up_the_others(db, monkeypatch):
    log_send = LogBackend.send

    def send(self, message):
        if "poison" in message.text:
            raise ValueError("cannot encode this message")
        return log_send(self, message)

    monkeypatch.setattr(LogBackend, "send", send)
    poison = services.send_sms(PHONE, "poison", "lead_feedback")
    fine = services.send_sms(PHONE, TEXT, "lead_feedback")
    assert services.deliver_due() == 2
    poison.refresh_from_db()
    fine.refresh_from_db()
    assert poison.status == OutboxStatus.FAILED and "encode" in poison.error
    assert poison.retry_at is not None
    assert fine.status == OutboxStatus.SENT


@pytest.mark.django_db(transaction=True)
def test_the_worker_courier_sends_what_is_queued_until_stopped():
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    stop = threading.Event()

    def courier():
        try:
            repeat(send_text_messages, stop, interval=0.01)
        finally:
            connections.close_all()

    thread = threading.Thread(target=courier)
    thread.start()
    try:
        for _ in range(500):
            # On SQLite the test database is one in-memory database shared by both threads'
            # connections, which locks a table being written for the other instead of waiting.
            with suppress(OperationalError):
                message.refresh_from_db()
                if message.status == OutboxStatus.SENT:
                    break
            stop.wait(0.01)
    finally:
        stop.set()
        thread.join(timeout=10)
    assert message.status == OutboxStatus.SENT
    assert not thread.is_alive()


def test_the_pauses_grow_and_stop_at_an_hour():
    pauses = [services.retry_delay(n).total_seconds() / 60 for n in range(1, 9)]
    assert pauses == [1, 2, 4, 8, 16, 32, 60, 60]
