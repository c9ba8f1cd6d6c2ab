"""Each text message is handed to the provider at most once: committed as "handing over" just
before the call, "sent" with the provider's reference after it, and never sent again when a
crash leaves it in between."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from songnuan.notify import services
from songnuan.notify.backends import DeliveryError, DeliveryUncertain
from songnuan.notify.models import Outbox, OutboxStatus

PHONE = "13953212345"
TEXT = "【寒冬送暖】您的报告 7XTHQ4RB：已收到。"
RECORDING = "tests.notify.test_handover.RecordingBackend"


class WorkerKilled(BaseException):
    """What the courier's thread sees when the process is killed in the provider call."""


class RecordingBackend:
    """A provider that records each message it is given with the status the outbox had then;
    `answer` decides what it does next."""

    calls: list[tuple[int, str, str]] = []
    answer: BaseException | None = None

    def send(self, message: Outbox) -> str | None:
        committed = Outbox.objects.get(pk=message.pk).status
        RecordingBackend.calls.append((message.pk, committed, message.idempotency_key))
        if RecordingBackend.answer is not None:
            raise RecordingBackend.answer
        return f"provider-{message.pk}"


@pytest.fixture(autouse=True)
def provider(settings):
    settings.SMS_BACKEND = RECORDING
    RecordingBackend.calls, RecordingBackend.answer = [], None
    return RecordingBackend


@pytest.mark.django_db(transaction=True)
def test_a_message_is_committed_as_handing_over_before_the_provider_sees_it(provider):
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    assert services.deliver_due() == 1
    assert provider.calls == [(message.pk, OutboxStatus.HANDING_OVER,
                               f"songnuan-sms-{message.pk}")]
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT
    assert message.provider_reference == f"provider-{message.pk}"
    assert message.handed_over_at is not None and message.attempts == 1


@pytest.mark.django_db(transaction=True)
def test_a_message_left_handing_over_by_a_killed_courier_is_never_sent_again(provider):
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    provider.answer = WorkerKilled()
    with pytest.raises(WorkerKilled):
        services.deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.HANDING_OVER  # what the crash leaves behind

    provider.answer = None  # a new worker starts
    assert services.deliver_due() == 0
    assert services.mark_unknown_outcomes() == 0  # it might still be in a live courier's hands
    later = timezone.now() + services.HANDOVER_TIMEOUT + datetime.timedelta(seconds=1)
    assert services.mark_unknown_outcomes(later) == 1
    assert services.deliver_due(now=later + datetime.timedelta(hours=2)) == 0

    message.refresh_from_db()
    assert message.status == OutboxStatus.UNKNOWN and "check with the provider" in message.error
    assert len(provider.calls) == 1


def test_a_timeout_after_the_request_left_is_an_unknown_outcome_not_a_retry(db, provider):
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    provider.answer = DeliveryUncertain("no answer within 5 s")
    services.deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.UNKNOWN and message.retry_at is None
    assert services.deliver_due(now=timezone.now() + datetime.timedelta(days=1)) == 0


def test_a_refusal_that_can_never_succeed_is_given_up_at_once(db, provider):
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    provider.answer = DeliveryError("the number does not exist", retryable=False)
    services.deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.retry_at is None
    assert message.error == "the number does not exist"


def test_an_outage_is_tried_again_after_a_pause(db, provider):
    message = services.send_sms(PHONE, TEXT, "lead_feedback")
    provider.answer = DeliveryError("the provider is unavailable")
    services.deliver_due()
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED and message.retry_at is not None

    provider.answer = None
    assert services.deliver_due(now=message.retry_at) == 1
    message.refresh_from_db()
    assert message.status == OutboxStatus.SENT and message.attempts == 2
    assert [call[1] for call in provider.calls] == [OutboxStatus.HANDING_OVER] * 2


def test_a_stopping_courier_finishes_the_message_in_hand_and_takes_no_other(db, provider):
    for n in range(3):
        services.send_sms(PHONE, f"{TEXT} {n}", "lead_feedback")
    assert services.deliver_due(stopping=lambda: len(provider.calls) >= 1) == 1
    assert Outbox.objects.filter(status=OutboxStatus.SENT).count() == 1
    assert Outbox.objects.filter(status=OutboxStatus.QUEUED).count() == 2
