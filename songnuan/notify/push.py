"""Web Push to staff phones: `push_to(user, ...)` for every app, sent by the worker.

As with text messages, the notification is written in the caller's transaction and the worker's
courier (`deliver_due_pushes`) hands committed ones to each of the user's browser push services,
so a rolled-back action notifies nobody and a slow push service never holds up a request. The
service worker acknowledges a notification when it shows it; one that no phone acknowledged
within `PUSH_ACK_SECONDS` is followed by the text message it carries (`send_fallbacks`).
"""

from __future__ import annotations

import datetime
import json
import logging
import secrets
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from pywebpush import WebPushException, webpush

from songnuan.notify import vapid
from songnuan.notify.models import PushMessage, PushStatus, PushSubscription
from songnuan.notify.services import send_sms

logger = logging.getLogger("songnuan.push")
BATCH = 50
PUSH_TIMEOUT_S = 10
# How long a push service keeps a notification for a phone that is switched off.
PUSH_TTL_S = 15 * 60
# Push services answer these for a subscription the browser has dropped.
GONE_STATUSES = (404, 410)


def push_to(user, *, title: str, body: str, url: str, purpose: str, reference: str,
            fallback_phone: str = "", fallback_text: str = "") -> PushMessage:
    """Queue a notification for `user`'s phones; the courier sends it once the caller's
    transaction has committed. With a fallback phone, a text message follows unless a phone
    acknowledges the notification in time."""
    return PushMessage.objects.create(
        user=user, title=title[:120], body=body[:300], url=url[:300], purpose=purpose[:40],
        reference=reference[:80], token=secrets.token_urlsafe(24),
        fallback_phone=fallback_phone, fallback_text=fallback_text[:500],
        fallback_at=(timezone.now() + datetime.timedelta(seconds=settings.PUSH_ACK_SECONDS)
                     if fallback_phone and fallback_text else None))


def push_now(user, *, title: str, body: str, url: str, purpose: str, reference: str
             ) -> PushMessage:
    """Send a notification from this process at once, not through the worker's courier: for
    news that cannot wait for the worker, such as the worker itself having stopped. The row is
    locked while it is sent, so a courier coming back meanwhile skips it."""
    with transaction.atomic():
        message = push_to(user, title=title, body=body, url=url, purpose=purpose,
                          reference=reference)
        PushMessage.objects.select_for_update().get(pk=message.pk)
        _deliver(message)
    return message


def signed_up(users: Iterable) -> list:
    """Those of `users` with at least one phone signed up for notifications."""
    users = list(users)
    with_phones = set(PushSubscription.objects.filter(user__in=users)
                      .values_list("user_id", flat=True))
    return [user for user in users if user.pk in with_phones]


def subscribe(user, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
              ) -> PushSubscription:
    """Record (or move to `user`) a browser's subscription; the same endpoint is one row."""
    subscription, _ = PushSubscription.objects.update_or_create(
        endpoint=endpoint, defaults={"user": user, "p256dh": p256dh, "auth": auth,
                                     "user_agent": user_agent[:300], "last_error": ""})
    return subscription


def unsubscribe(user, endpoint: str) -> bool:
    deleted, _ = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return bool(deleted)


def acknowledge(token: str) -> bool:
    """A phone showed the notification with this token: no text message follows."""
    return bool(PushMessage.objects.filter(token=token, acknowledged_at__isnull=True).update(
        status=PushStatus.ACKNOWLEDGED, acknowledged_at=timezone.now()))


def acknowledge_reference(reference: str, users=None) -> int:
    """The user (or users) acted on the record the notifications were about: same as seen."""
    found = PushMessage.objects.filter(reference=reference, acknowledged_at__isnull=True)
    if users is not None:
        found = found.filter(user__in=users)
    return found.update(status=PushStatus.ACKNOWLEDGED, acknowledged_at=timezone.now())


def withdraw(reference: str) -> int:
    """What the notifications were about no longer stands: no text message follows them."""
    return PushMessage.objects.filter(reference=reference, fallback__isnull=True,
                                      fallback_at__isnull=False).update(fallback_at=None)


def payload(message: PushMessage) -> str:
    """What the service worker receives: enough to show the notification and acknowledge it."""
    return json.dumps({"title": message.title, "body": message.body, "url": message.url,
                       "tag": message.reference, "token": message.token}, ensure_ascii=False)


def deliver_due_pushes(limit: int = BATCH) -> int:
    """Send the queued notifications to every subscription of their user, oldest first; return
    how many were handled. Never raises for a push service's failure."""
    with transaction.atomic():
        messages = list(PushMessage.objects.select_for_update(skip_locked=True)
                        .filter(status=PushStatus.QUEUED).order_by("id")[:limit])
        for message in messages:
            _deliver(message)
    return len(messages)


def _deliver(message: PushMessage) -> None:
    subscriptions = list(PushSubscription.objects.filter(user_id=message.user_id))
    delivered, errors = 0, []
    for subscription in subscriptions:
        error = _send(subscription, payload(message))
        if error:
            errors.append(error)
        else:
            delivered += 1
    message.status = PushStatus.SENT if delivered else PushStatus.FAILED
    message.sent_at = timezone.now() if delivered else None
    message.error = ("; ".join(errors) if errors else
                     "" if subscriptions else "no subscribed phone")[:300]
    if not delivered and message.fallback_at:
        message.fallback_at = timezone.now()  # nothing to wait for: text at once
    message.save(update_fields=["status", "sent_at", "error", "fallback_at"])


def _send(subscription: PushSubscription, data: str) -> str:
    """Hand one notification to one push service; return the error, or "" when accepted."""
    now = timezone.now()
    try:
        webpush(subscription.info(), data, vapid_private_key=vapid.signer(),
                vapid_claims={"sub": settings.VAPID_SUBJECT}, content_encoding="aes128gcm",
                ttl=PUSH_TTL_S, timeout=PUSH_TIMEOUT_S, headers={"Urgency": "high"})
    except WebPushException as error:
        status = getattr(error.response, "status_code", None)
        if status in GONE_STATUSES:
            subscription.delete()
            return f"subscription gone ({status})"
        return _failed(subscription, now, str(error))
    except Exception as error:  # noqa: BLE001 (an unreachable service must not stop the rest)
        return _failed(subscription, now, str(error))
    PushSubscription.objects.filter(pk=subscription.pk).update(last_success_at=now,
                                                               last_error="")
    return ""


def _failed(subscription: PushSubscription, now: datetime.datetime, error: str) -> str:
    logger.warning("Push to subscription %s failed: %s", subscription.pk, error)
    PushSubscription.objects.filter(pk=subscription.pk).update(last_failure_at=now,
                                                               last_error=error[:300])
    return error[:120]


def send_fallbacks(now: datetime.datetime | None = None, limit: int = BATCH) -> int:
    """Queue the text message of each notification no phone acknowledged in time."""
    now = now or timezone.now()
    with transaction.atomic():
        due = list(PushMessage.objects.select_for_update(skip_locked=True)
                   .filter(fallback_at__lte=now, acknowledged_at__isnull=True,
                           fallback__isnull=True).order_by("id")[:limit])
        for message in due:
            message.fallback = send_sms(message.fallback_phone, message.fallback_text,
                                        message.purpose, reference=message.reference)
            message.fallback_at = None
            message.save(update_fields=["fallback", "fallback_at"])
    return len(due)
