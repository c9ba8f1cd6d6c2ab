"""Sending text messages: `send_sms(phone, text, purpose)` for every app.

The message is written to the outbox in the caller's transaction; the worker's courier
(`deliver_due`, about once a second) hands the committed ones to the provider in batches. So a
rolled-back action never texts anybody, a provider outage never undoes the action that caused the
message, and a slow provider never holds up the request. Failed deliveries are tried again with
growing pauses.
"""

from __future__ import annotations

import datetime
import logging
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from songnuan.notify.models import Outbox, OutboxStatus
from songnuan.prepared import insert

logger = logging.getLogger("songnuan.sms")
SMS_MAX_CHARS = 500
# Pauses before each retry: 1, 2, 4, … minutes, at most an hour; then the message is given up
# (it stays in the outbox as failed, for the administrators to see).
RETRY_FIRST_MINUTES = 1
RETRY_MAX_MINUTES = 60
MAX_ATTEMPTS = 8
# Messages one courier locks and sends in one transaction.
BATCH = 50


@cache
def _backend(path: str):
    return import_string(path)()


def backend():
    return _backend(getattr(settings, "SMS_BACKEND", "songnuan.notify.backends.LogBackend"))


def send_sms(phone: str, text: str, purpose: str, *, reference: str = "") -> Outbox:
    """Queue a text message to a (normalised) mobile number; the courier sends it once the
    caller's transaction has committed."""
    message = Outbox(
        phone=phone, text=text[:SMS_MAX_CHARS], purpose=purpose[:40], reference=reference[:80],
        backend=getattr(settings, "SMS_BACKEND", ""),
    )
    insert(message)  # one per public report with a phone: the plain insert keeps a surge fast
    return message


def unsent_messages() -> QuerySet[Outbox]:
    """The backlog: messages queued, or failed and waiting to be tried again (not given up)."""
    return Outbox.objects.filter(
        Q(status=OutboxStatus.QUEUED) | Q(status=OutboxStatus.FAILED, retry_at__isnull=False))


def retry_delay(attempts: int) -> datetime.timedelta:
    """The pause after the `attempts`-th failed attempt."""
    minutes = min(RETRY_MAX_MINUTES, RETRY_FIRST_MINUTES * 2 ** max(0, attempts - 1))
    return datetime.timedelta(minutes=minutes)


def deliver_due(now: datetime.datetime | None = None, limit: int = BATCH) -> int:
    """Hand the queued messages, and the failed ones whose pause is over, to the backend, oldest
    first; record each result and return how many were handed over. Never raises for a
    provider's failure.

    The rows stay locked while the provider takes them, so couriers in other workers skip them
    instead of sending them twice.
    """
    now = now or timezone.now()
    due = Q(status=OutboxStatus.QUEUED) | Q(status=OutboxStatus.FAILED, retry_at__lte=now)
    with transaction.atomic():
        messages = list(Outbox.objects.select_for_update(skip_locked=True).filter(due)
                        .order_by("id")[:limit])
        sent = [message.pk for message in messages if _hand_over(message)]
        # One statement for all that went out; failures, the exception, one each.
        Outbox.objects.filter(pk__in=sent).update(
            status=OutboxStatus.SENT, sent_at=timezone.now(), error="", retry_at=None,
            attempts=F("attempts") + 1)
    return len(messages)


def _hand_over(message: Outbox) -> bool:
    """Give one message to the backend; record a failure on the row and return False."""
    try:
        backend().send(message)
    except Exception as error:  # noqa: BLE001 (one bad message must not hold up the others)
        message.attempts += 1
        message.status, message.error = OutboxStatus.FAILED, str(error)[:300]
        message.retry_at = (timezone.now() + retry_delay(message.attempts)
                            if message.attempts < MAX_ATTEMPTS else None)
        message.save(update_fields=["status", "error", "attempts", "retry_at"])
        logger.warning("SMS %s to %s failed (attempt %s): %s", message.pk, message.phone,
                       message.attempts, error)
        return False
    return True
