"""Messages between partner cities' deployments: who signed them, keeping each once, and
sending ours until they are acknowledged.

Two cities of one province run two deployments (README, "Two cities, one province") that send
each other what crosses the city line. A sending deployment signs with the secret it shares
with this one:

    X-Songnuan-City:       the sending city's GB/T 2260 code
    X-Songnuan-Timestamp:  Unix seconds when signed
    X-Songnuan-Signature:  hex HMAC-SHA256(secret, "<timestamp>.<city>." + raw body)

A message is kept once per (sending city, message id): the same message again gets the first
receipt, a different one under an id already used is refused. What each kind becomes here is
for the app that owns it: it registers a handler with `register_handler(kind, fn)`, which runs
inside the same transaction, in a savepoint of its own: a handler that refuses (no district to
file a report in) leaves the message kept, new, with the reason, for an officer to take.
"""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import logging
import time
import uuid
from collections.abc import Callable
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from pydantic import ValidationError as SchemaError

from songnuan.api.errors import field_message
from songnuan.geo import cities
from songnuan.network.city import served_city
from songnuan.network.models import (
    OutgoingPartnerMessage,
    OutgoingStatus,
    PartnerMessage,
    PartnerMessageStatus,
)
from songnuan.network.schemas import PARTNER_CONTENT
from songnuan.refusals import Conflict, Refused, refusals_of
from songnuan.scheduling import doubling_pause
from songnuan.signed_requests import Unsigned, check

logger = logging.getLogger("songnuan.partners")
CITY_HEADER = "X-Songnuan-City"
TIMESTAMP_HEADER = "X-Songnuan-Timestamp"
SIGNATURE_HEADER = "X-Songnuan-Signature"

MESSAGES_PATH = "/api/v1/partners/messages"
# Pauses before each retry: 1, 2, 4, … minutes, at most two hours; after MAX_ATTEMPTS the
# message is given up (it stays, failed, with the last error, for staff to see).
RETRY_FIRST_MINUTES = 1
RETRY_MAX_MINUTES = 120
MAX_ATTEMPTS = 12
SEND_TIMEOUT_S = 15
# A message being posted is not taken by another courier for this long; one whose courier died
# is posted again after it (safe: the receiver keeps a message once per id).
CLAIM_LEASE = datetime.timedelta(minutes=2)
BATCH = 50
# The receiver's answers that sending again cannot change: the message itself is at fault.
FINAL_REFUSALS = {400, 404, 409, 413, 415, 422}

Handler = Callable[[PartnerMessage], None]
_handlers: dict[str, Handler] = {}
# transport(url, body, headers) -> (HTTP status, the JSON answer); tests pass their own.
Transport = Callable[[str, bytes, dict[str, str]], tuple[int, dict]]


def register_handler(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def partner_secrets() -> dict[str, str]:
    """PARTNER_CITY_SECRETS as {city code: secret}."""
    return _pairs(settings.PARTNER_CITY_SECRETS)


def partner_urls() -> dict[str, str]:
    """PARTNER_CITY_URLS as {city code: the deployment's address}."""
    return {code: url.rstrip("/") for code, url in _pairs(settings.PARTNER_CITY_URLS).items()}


def _pairs(setting: str) -> dict[str, str]:
    found = {}
    for item in setting.split(","):
        code, _sep, value = item.strip().partition(":")
        if code.strip() and value.strip():
            found[code.strip()] = value.strip()
    return found


def sendable_cities() -> list[tuple[str, str]]:
    """(code, name) of the partners we can send to: an address and a shared secret."""
    secrets = partner_secrets()
    return sorted((code, sender_name(code)) for code in partner_urls() if code in secrets)


def sign(secret: str, timestamp: int | str, city: str, body: bytes) -> str:
    return hmac.new(secret.encode(), f"{timestamp}.{city}.".encode() + body,
                    hashlib.sha256).hexdigest()


def signed_headers(city: str, secret: str, body: bytes, at: float | None = None) -> dict:
    """The headers a partner deployment sends (the sending side and the tests use it)."""
    timestamp = int(at if at is not None else time.time())
    return {CITY_HEADER: city, TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret, timestamp, city, body)}


def verify(headers, body: bytes, now: float | None = None) -> str:
    """The partner city that signed this request, or a refusal naming the header at fault."""
    city = (headers.get(CITY_HEADER) or "").strip()
    secret = partner_secrets().get(city)
    if secret is None:
        raise Unsigned(_("This deployment has no partnership with the city %(code)s.")
                       % {"code": city or "—"}, CITY_HEADER, "unknown_partner")
    check(headers, timestamp_header=TIMESTAMP_HEADER, signature_header=SIGNATURE_HEADER,
          skew_s=settings.PARTNER_SIGNATURE_SKEW_S,
          expected=lambda timestamp: sign(secret, timestamp, city, body),
          mismatch=_("The signature does not match the body and the partnership's secret."),
          now=now)
    return city


def content_hash(kind: str, payload: dict[str, Any]) -> str:
    text = json.dumps([kind, payload], sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def receive(sender: str, message_id: str, to_city: str, kind: str,
            payload: dict[str, Any]) -> tuple[PartnerMessage, bool]:
    """Keep a partner's message once: (the message, whether it is new)."""
    if to_city != served_city().code:
        raise Refused(_("This deployment serves %(city)s (%(code)s), not %(to)s.")
                      % {"city": served_city().name, "code": served_city().code,
                         "to": to_city}, "to_city", "wrong_city")
    digest = content_hash(kind, payload)
    existing = PartnerMessage.objects.filter(sender_code=sender, message_id=message_id).first()
    if existing is None:
        try:
            with transaction.atomic():
                message = PartnerMessage.objects.create(
                    sender_code=sender, message_id=message_id, kind=kind, payload=payload,
                    content_hash=digest)
                run_handler(message)
            return message, True
        except IntegrityError:  # the same message, sent twice at once
            existing = PartnerMessage.objects.get(sender_code=sender, message_id=message_id)
    if existing.content_hash != digest:
        raise Conflict(_("Message %(id)s from this city was received before with other "
                         "content; send a new message id.") % {"id": message_id},
                       "message_id", "id_reused")
    return existing, False


def sender_name(code: str) -> str:
    try:
        return cities.city_by_code(code).name
    except cities.CityLookupError:
        return code


def run_handler(message: PartnerMessage) -> bool:
    """Let the app that owns the message's kind act on it; False when it could not (the reason
    is kept on the message) or no app acts on that kind."""
    handler = _handlers.get(message.kind)
    if handler is None:
        return False
    try:
        with transaction.atomic():
            handler(message)
    except (Refused, ValidationError) as error:
        reasons = [error] if isinstance(error, Refused) else refusals_of(error)
        message.problem = "; ".join(str(reason.message) for reason in reasons)[:300]
        PartnerMessage.objects.filter(pk=message.pk).update(problem=message.problem)
        return False
    return True


def mark_taken(message: PartnerMessage, *, by: Any = None) -> None:
    """The app that owns the kind has taken the message (called inside its transaction)."""
    if message.status == PartnerMessageStatus.DISMISSED:
        raise Conflict(_("This message was dismissed: %(reason)s")
                       % {"reason": message.dismiss_reason}, code="dismissed")
    _set_status(message, PartnerMessageStatus.TAKEN, by=by)


@transaction.atomic
def dismiss(message: PartnerMessage, reason: str, *, by: Any) -> PartnerMessage:
    """An officer sets a message aside, saying why (not ours, a duplicate, already found)."""
    reason = reason.strip()
    if not reason:
        raise Refused(_("Say why the message is dismissed."), "reason")
    message = PartnerMessage.objects.select_for_update().get(pk=message.pk)
    if message.status == PartnerMessageStatus.TAKEN:
        raise Conflict(_("This message was already taken into tracing."), code="taken")
    message.dismiss_reason = reason[:200]
    _set_status(message, PartnerMessageStatus.DISMISSED, by=by)
    return message


def _set_status(message: PartnerMessage, status: str, *, by: Any) -> None:
    if message.status == status:
        return
    message.status, message.handled_at, message.problem = status, timezone.now(), ""
    message.handled_by = by if getattr(by, "pk", None) else None
    message.save(update_fields=["status", "handled_at", "handled_by", "dismiss_reason",
                                "problem"])


# --- Sending -----------------------------------------------------------------------------------

def send(to_city: str, kind: str, content: dict[str, Any], *, by: Any = None,
         subject: str = "", message_id: str = "") -> OutgoingPartnerMessage:
    """Queue a message to a partner city, checked against its kind's schema; the worker posts it
    once the caller's transaction has committed."""
    if to_city not in dict(sendable_cities()):
        raise Refused(_("This deployment has no address and shared secret for the city "
                        "%(code)s.") % {"code": to_city or "—"}, "to_city", "unknown_partner")
    if kind not in PARTNER_CONTENT:
        raise Refused(_("Choose one of: %(expected)s.")
                      % {"expected": ", ".join(PARTNER_CONTENT)}, "kind", "kind")
    field, schema = PARTNER_CONTENT[kind]
    try:
        checked = schema.model_validate(content).model_dump(mode="json")
    except SchemaError as error:
        first = error.errors()[0]
        path = ".".join([field, *(str(part) for part in first["loc"])])
        raise Refused(field_message(first), path, "invalid") from None
    return OutgoingPartnerMessage.objects.create(
        to_city=to_city, kind=kind, payload=checked, subject=subject[:100],
        message_id=message_id or uuid.uuid4().hex, created_by=by if getattr(by, "pk", None)
        else None)


def outgoing_body(message: OutgoingPartnerMessage) -> bytes:
    """What is posted: the same bytes on every attempt, so a retry is the same message."""
    field, _schema = PARTNER_CONTENT[message.kind]
    envelope = {"message_id": message.message_id, "to_city": message.to_city,
                "kind": message.kind,
                "sent_at": timezone.localtime(message.created_at).isoformat(timespec="seconds"),
                field: message.payload}
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True).encode()


def http_post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
    response = requests.post(url, data=body, timeout=SEND_TIMEOUT_S,
                             headers={**headers, "Content-Type": "application/json"})
    try:
        answer = response.json()
    except ValueError:
        answer = {}
    return response.status_code, answer if isinstance(answer, dict) else {}


def retry_delay(attempts: int) -> datetime.timedelta:
    """The pause after the `attempts`-th failed attempt."""
    return doubling_pause(attempts, RETRY_FIRST_MINUTES, RETRY_MAX_MINUTES)


def deliver_due(now: datetime.datetime | None = None, transport: Transport | None = None,
                limit: int = BATCH) -> int:
    """Post the queued messages whose time has come, oldest first; return how many were
    acknowledged. Never raises for a partner's failure: it is recorded on the message."""
    now = now or timezone.now()
    transport = transport or http_post
    acknowledged = 0
    for _round in range(limit):
        message = _claim_next(now)
        if message is None:
            break
        acknowledged += _post(message, transport, now)
    return acknowledged


def _claim_next(now: datetime.datetime) -> OutgoingPartnerMessage | None:
    due = Q(retry_at__isnull=True) | Q(retry_at__lte=now)
    with transaction.atomic():
        message = (OutgoingPartnerMessage.objects.select_for_update(skip_locked=True)
                   .filter(due, status=OutgoingStatus.QUEUED).order_by("pk").first())
        if message is None:
            return None
        message.attempts += 1
        message.retry_at = now + CLAIM_LEASE
        message.save(update_fields=["attempts", "retry_at"])
    return message


def _post(message: OutgoingPartnerMessage, transport: Transport, now: datetime.datetime) -> int:
    body = outgoing_body(message)
    secret = partner_secrets().get(message.to_city)
    url = partner_urls().get(message.to_city)
    if secret is None or url is None:
        return _failed(message, now, f"no address or secret for {message.to_city}", final=False)
    headers = signed_headers(served_city().code, secret, body)
    try:
        status, answer = transport(url + MESSAGES_PATH, body, headers)
    except requests.RequestException as error:
        return _failed(message, now, f"{type(error).__name__}: {error}", final=False)
    if status in (200, 201):
        OutgoingPartnerMessage.objects.filter(pk=message.pk).update(
            status=OutgoingStatus.SENT, sent_at=timezone.now(), retry_at=None, last_error="",
            receipt=answer.get("receipt"))
        return 1
    error = f"HTTP {status}: {answer.get('message', '')} {answer.get('errors', '')}"
    return _failed(message, now, error, final=status in FINAL_REFUSALS)


def _failed(message: OutgoingPartnerMessage, now: datetime.datetime, error: str, *,
            final: bool) -> int:
    again = not final and message.attempts < MAX_ATTEMPTS
    OutgoingPartnerMessage.objects.filter(pk=message.pk).update(
        status=OutgoingStatus.QUEUED if again else OutgoingStatus.FAILED,
        retry_at=now + retry_delay(message.attempts) if again else None,
        last_error=error[:300])
    logger.warning("Message %s to %s failed (attempt %s%s): %s", message.message_id,
                   message.to_city, message.attempts, "" if again else ", given up", error)
    return 0
