"""How the call-centre system signs the recordings it sends (HMAC-SHA256, one connector secret
per installation, `HOTLINE_CONNECTOR_SECRET`).

    X-Hotline-Timestamp:  Unix seconds when the request was signed
    X-Hotline-Signature:  hex HMAC-SHA256(secret, "<timestamp>.<call id>." + raw body)

A timestamp further than `HOTLINE_SIGNATURE_SKEW_S` from our clock is stale; a signature already
accepted is a replay (sign every sending afresh). With no secret configured the connector is off
and every request is refused.
"""

from __future__ import annotations

import hashlib
import hmac
import time

from django.conf import settings
from django.utils.translation import gettext as _

from songnuan.signed_requests import Unsigned, check

TIMESTAMP_HEADER = "X-Hotline-Timestamp"
SIGNATURE_HEADER = "X-Hotline-Signature"


def sign(secret: str, timestamp: int | str, call_id: int | str, body: bytes) -> str:
    message = f"{timestamp}.{call_id}.".encode() + body
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def signed_headers(secret: str, call_id: int | str, body: bytes,
                   at: float | None = None) -> dict[str, str]:
    """The headers the call-centre system sends (used by the tests and the documentation)."""
    timestamp = int(at if at is not None else time.time())
    return {TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret, timestamp, call_id, body)}


def verify(headers, call_id: str, body: bytes, now: float | None = None) -> str:
    """The request's signature when it is good, or a refusal naming the header at fault."""
    secret = settings.HOTLINE_CONNECTOR_SECRET
    if not secret:
        raise Unsigned(_("The call-centre connector is not configured on this installation."),
                       SIGNATURE_HEADER, "not_configured")
    return check(headers, timestamp_header=TIMESTAMP_HEADER, signature_header=SIGNATURE_HEADER,
                 skew_s=settings.HOTLINE_SIGNATURE_SKEW_S,
                 expected=lambda timestamp: sign(secret, timestamp, call_id, body),
                 mismatch=_("The signature does not match the body and the connector secret."),
                 now=now)
