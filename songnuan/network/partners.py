"""Messages from partner cities' deployments: who signed them, and keeping each once.

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

import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.geo import cities
from songnuan.network.city import served_city
from songnuan.network.models import PartnerMessage, PartnerMessageStatus
from songnuan.refusals import Conflict, Refused, refusals_of
from songnuan.signed_requests import Unsigned, check

CITY_HEADER = "X-Songnuan-City"
TIMESTAMP_HEADER = "X-Songnuan-Timestamp"
SIGNATURE_HEADER = "X-Songnuan-Signature"

Handler = Callable[[PartnerMessage], None]
_handlers: dict[str, Handler] = {}


def register_handler(kind: str, handler: Handler) -> None:
    _handlers[kind] = handler


def partner_secrets() -> dict[str, str]:
    """PARTNER_CITY_SECRETS as {city code: secret}."""
    found = {}
    for item in settings.PARTNER_CITY_SECRETS.split(","):
        code, _sep, secret = item.strip().partition(":")
        if code.strip() and secret.strip():
            found[code.strip()] = secret.strip()
    return found


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
