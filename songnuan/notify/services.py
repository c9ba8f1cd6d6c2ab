"""Sending text messages: `send_sms(phone, text, purpose)` for every app.

The message is written to the outbox in the caller's transaction; the worker's courier
(`deliver_due`, about once a second) hands the committed ones to the provider. So a rolled-back
action never texts anybody, a provider outage never undoes the action that caused the message,
and a slow provider never holds up the request. Failed deliveries are tried again with growing
pauses.

Each message is handed over at most once: it is marked "handing over" in its own committed
transaction right before the provider is called, then "sent" with the provider's reference. A
courier killed in between leaves it "handing over"; it is never sent again automatically but
shown as "outcome unknown" for staff to check with the provider (`mark_unknown_outcomes`).
"""

from __future__ import annotations

import datetime
import logging
from collections.abc import Callable
from functools import cache

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone
from django.utils.module_loading import import_string

from songnuan.notify.backends import DeliveryError, DeliveryUncertain
from songnuan.notify.models import Outbox, OutboxStatus
from songnuan.prepared import insert
from songnuan.scheduling import doubling_pause

logger = logging.getLogger("songnuan.sms")
SMS_MAX_CHARS = 500
# Pauses before each retry: 1, 2, 4, … minutes, at most an hour; then the message is given up
# (it stays in the outbox as failed, for the administrators to see).
RETRY_FIRST_MINUTES = 1
RETRY_MAX_MINUTES = 60
MAX_ATTEMPTS = 8
# Messages one courier sends, one at a time, before it looks again.
BATCH = 50
# A message handed over this long ago with no answer recorded was interrupted (the provider
# call's timeout is far shorter): its outcome is unknown.
HANDOVER_TIMEOUT = datetime.timedelta(minutes=2)


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


def outbox_backlog(now: datetime.datetime | None = None) -> tuple[int, float]:
    """How many text messages wait to be handed over (queued, or failed with another attempt
    due), and the oldest one's age in seconds (0.0 when none waits)."""
    found = unsent_messages().aggregate(count=Count("pk"), oldest=Min("created_at"))
    if not found["count"]:
        return 0, 0.0
    return found["count"], max(0.0, ((now or timezone.now()) - found["oldest"]).total_seconds())


def retry_delay(attempts: int) -> datetime.timedelta:
    """The pause after the `attempts`-th failed attempt."""
    return doubling_pause(attempts, RETRY_FIRST_MINUTES, RETRY_MAX_MINUTES)


def deliver_due(now: datetime.datetime | None = None, limit: int = BATCH,
                stopping: Callable[[], bool] = lambda: False) -> int:
    """Hand the queued messages, and the failed ones whose pause is over, to the backend one at a
    time, oldest first; record each result and return how many were handed over. Never raises
    for a provider's failure.

    Each message is claimed (locked, skipping rows other couriers hold) and committed as
    "handing over" before the provider sees it, so no courier takes it again. A worker that is
    `stopping` finishes the message in hand and takes no other.
    """
    now = now or timezone.now()
    handled = 0
    while handled < limit and not stopping() and (message := _claim_next(now)) is not None:
        _hand_over(message)
        handled += 1
    return handled


def _claim_next(now: datetime.datetime) -> Outbox | None:
    due = Q(status=OutboxStatus.QUEUED) | Q(status=OutboxStatus.FAILED, retry_at__lte=now)
    with transaction.atomic():
        message = (Outbox.objects.select_for_update(skip_locked=True).filter(due)
                   .order_by("id").first())
        if message is None:
            return None
        message.status, message.handed_over_at = OutboxStatus.HANDING_OVER, timezone.now()
        message.attempts += 1
        message.save(update_fields=["status", "handed_over_at", "attempts"])
    return message


def _hand_over(message: Outbox) -> None:
    """Give one claimed message to the backend and record what came of it."""
    try:
        reference = backend().send(message)
    except DeliveryUncertain as error:
        _record(message, OutboxStatus.UNKNOWN, error=str(error))
        logger.error("SMS %s to %s: outcome unknown: %s", message.pk, message.phone, error)
    except Exception as error:  # noqa: BLE001 (one bad message must not hold up the others)
        retryable = not isinstance(error, DeliveryError) or error.retryable
        again = retryable and message.attempts < MAX_ATTEMPTS
        _record(message, OutboxStatus.FAILED, error=str(error),
                retry_at=timezone.now() + retry_delay(message.attempts) if again else None)
        logger.warning("SMS %s to %s failed (attempt %s%s): %s", message.pk, message.phone,
                       message.attempts, "" if again else ", given up", error)
    else:
        _record(message, OutboxStatus.SENT, sent_at=timezone.now(),
                provider_reference=(reference or "")[:100])


def _record(message: Outbox, status: str, **fields) -> None:
    fields = {"error": "", "retry_at": None, **fields}
    fields["error"] = fields["error"][:300]
    Outbox.objects.filter(pk=message.pk).update(status=status, **fields)


def mark_unknown_outcomes(now: datetime.datetime | None = None) -> int:
    """Messages left "handing over" by an interrupted courier: outcome unknown, for staff."""
    now = now or timezone.now()
    return Outbox.objects.filter(
        status=OutboxStatus.HANDING_OVER, handed_over_at__lt=now - HANDOVER_TIMEOUT,
    ).update(status=OutboxStatus.UNKNOWN,
             error="interrupted while handing over: check with the provider")
