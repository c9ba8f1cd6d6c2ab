"""Sending text messages: `send_sms(phone, text, purpose)` for every app.

The message is written to the outbox in the caller's transaction and its delivery is enqueued on
the task queue only after that transaction commits, so a rolled-back action never texts anybody,
a provider outage never undoes the action that caused the message, and a slow provider never
holds up the request. Failed deliveries are tried again with growing pauses.
"""

from __future__ import annotations

import datetime
import logging
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from songnuan.notify.backends import DeliveryError
from songnuan.notify.models import Outbox, OutboxStatus
from songnuan.prepared import insert

logger = logging.getLogger("songnuan.sms")
SMS_MAX_CHARS = 500
# Pauses before each retry: 1, 2, 4, … minutes, at most an hour; then the message is given up
# (it stays in the outbox as failed, for the administrators to see).
RETRY_FIRST_MINUTES = 1
RETRY_MAX_MINUTES = 60
MAX_ATTEMPTS = 8
# A message still queued this long after it was written lost its enqueue (a crash between the
# commit and the enqueue); the retry job sends it.
STRANDED_AFTER = datetime.timedelta(minutes=10)


@cache
def _backend(path: str):
    return import_string(path)()


def backend():
    return _backend(getattr(settings, "SMS_BACKEND", "songnuan.notify.backends.LogBackend"))


def send_sms(phone: str, text: str, purpose: str, *, reference: str = "") -> Outbox:
    """Queue a text message to a (normalised) mobile number; deliver it after commit."""
    from songnuan.notify.tasks import deliver_sms

    message = Outbox(
        phone=phone, text=text[:SMS_MAX_CHARS], purpose=purpose[:40], reference=reference[:80],
        backend=getattr(settings, "SMS_BACKEND", ""),
    )
    insert(message)  # one per public report with a phone: the plain insert keeps a surge fast
    transaction.on_commit(lambda: deliver_sms.enqueue(message.pk))
    return message


def retry_delay(attempts: int) -> datetime.timedelta:
    """The pause after the `attempts`-th failed attempt."""
    minutes = min(RETRY_MAX_MINUTES, RETRY_FIRST_MINUTES * 2 ** max(0, attempts - 1))
    return datetime.timedelta(minutes=minutes)


def deliver(message_id: int) -> bool:
    """Hand one queued message to the backend and record the result. Never raises.

    The row stays locked while the provider takes it, so a retry running at the same time skips
    it instead of sending it twice.
    """
    with transaction.atomic():
        message = (Outbox.objects.select_for_update(skip_locked=True)
                   .filter(pk=message_id, status=OutboxStatus.QUEUED).first())
        if message is None:
            return False
        message.attempts += 1
        try:
            backend().send(message)
        except (DeliveryError, OSError) as error:
            message.status, message.error = OutboxStatus.FAILED, str(error)[:300]
            message.retry_at = (timezone.now() + retry_delay(message.attempts)
                                if message.attempts < MAX_ATTEMPTS else None)
            message.save(update_fields=["status", "error", "attempts", "retry_at"])
            logger.warning("SMS %s to %s failed (attempt %s): %s", message.pk, message.phone,
                           message.attempts, error)
            return False
        message.status, message.sent_at, message.error = OutboxStatus.SENT, timezone.now(), ""
        message.retry_at = None
        message.save(update_fields=["status", "sent_at", "error", "attempts", "retry_at"])
    return True


def retry_failed(now: datetime.datetime | None = None, limit: int = 100) -> int:
    """Try again the failed messages whose pause is over, and any whose enqueue was lost;
    return how many were sent."""
    now = now or timezone.now()
    due = list(Outbox.objects.filter(status=OutboxStatus.FAILED, retry_at__lte=now)
               .order_by("retry_at").values_list("pk", flat=True)[:limit])
    Outbox.objects.filter(pk__in=due, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.QUEUED)
    stranded = list(Outbox.objects.filter(status=OutboxStatus.QUEUED, attempts=0,
                                          created_at__lt=now - STRANDED_AFTER)
                    .values_list("pk", flat=True)[:limit])
    return sum(deliver(pk) for pk in [*due, *stranded])
