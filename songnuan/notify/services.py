"""Sending text messages: `send_sms(phone, text, purpose)` for every app.

The message is written to the outbox in the caller's transaction and handed to the backend only
after that transaction commits, so a rolled-back action never texts anybody, and a provider
outage never undoes the action that caused the message.
"""

from __future__ import annotations

import logging
from functools import cache

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from songnuan.notify.backends import DeliveryError
from songnuan.notify.models import Outbox, OutboxStatus

logger = logging.getLogger("songnuan.sms")
SMS_MAX_CHARS = 500


@cache
def _backend(path: str):
    return import_string(path)()


def backend():
    return _backend(getattr(settings, "SMS_BACKEND", "songnuan.notify.backends.LogBackend"))


def send_sms(phone: str, text: str, purpose: str, *, reference: str = "") -> Outbox:
    """Queue a text message to a (normalised) mobile number; deliver it after commit."""
    message = Outbox.objects.create(
        phone=phone, text=text[:SMS_MAX_CHARS], purpose=purpose[:40], reference=reference[:80],
        backend=getattr(settings, "SMS_BACKEND", ""),
    )
    transaction.on_commit(lambda: deliver(message))
    return message


def deliver(message: Outbox | int) -> bool:
    """Hand one queued message to the backend; record the result. Never raises."""
    if not isinstance(message, Outbox):
        message = Outbox.objects.filter(pk=message, status=OutboxStatus.QUEUED).first()
        if message is None:
            return False
    try:
        backend().send(message)
    except (DeliveryError, OSError) as error:
        Outbox.objects.filter(pk=message.pk).update(
            status=OutboxStatus.FAILED, error=str(error)[:300]
        )
        logger.warning("SMS %s to %s failed: %s", message.pk, message.phone, error)
        return False
    Outbox.objects.filter(pk=message.pk, status=OutboxStatus.QUEUED).update(
        status=OutboxStatus.SENT, sent_at=timezone.now())
    return True


def retry_failed(limit: int = 100) -> int:
    """Try the failed messages again (a periodic job may call this)."""
    ids = list(Outbox.objects.filter(status=OutboxStatus.FAILED)
               .values_list("pk", flat=True)[:limit])
    Outbox.objects.filter(pk__in=ids).update(status=OutboxStatus.QUEUED, error="")
    return sum(deliver(pk) for pk in ids)
