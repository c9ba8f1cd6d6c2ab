"""How a camera owner's platform signs what it sends (HMAC-SHA256 with a shared secret).

    X-Camera-Key:        the owner's key id
    X-Camera-Timestamp:  Unix seconds when the request was signed
    X-Camera-Signature:  hex HMAC-SHA256(secret, "<timestamp>." + raw body)

A timestamp further than `CAMERAS_SIGNATURE_SKEW_S` from our clock is stale; a signature already
accepted is a replay. A platform that resends an event signs it again (a new timestamp) and gets
the first answer back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import time

from django.conf import settings
from django.utils.translation import gettext as _

from songnuan.cameras.models import CameraOwner
from songnuan.people import crypto
from songnuan.signed_requests import Unsigned, check

KEY_HEADER = "X-Camera-Key"
TIMESTAMP_HEADER = "X-Camera-Timestamp"
SIGNATURE_HEADER = "X-Camera-Signature"


def sign(secret: str, timestamp: int | str, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body,
                    hashlib.sha256).hexdigest()


def signed_headers(owner_key: str, secret: str, body: bytes, at: float | None = None) -> dict:
    """The headers a platform sends (used by the tests, the benchmark and the demo)."""
    timestamp = int(at if at is not None else time.time())
    return {KEY_HEADER: owner_key, TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: sign(secret, timestamp, body)}


def issue_secret(owner: CameraOwner) -> str:
    """A new shared secret for the owner (shown once); the old one stops working."""
    secret = secrets.token_urlsafe(32)
    owner.secret_encrypted = crypto.encrypt(secret)
    owner.save()
    return secret


def verify(headers, body: bytes, now: float | None = None) -> CameraOwner:
    """The owner who signed this request, or a refusal naming the header at fault."""
    key = (headers.get(KEY_HEADER) or "").strip()
    owner = CameraOwner.objects.filter(key_id=key, is_active=True).first() if key else None
    if owner is None or not owner.secret_encrypted:
        raise Unsigned(_("Unknown camera owner key."), KEY_HEADER, "unknown_key")
    check(headers, timestamp_header=TIMESTAMP_HEADER, signature_header=SIGNATURE_HEADER,
          skew_s=settings.CAMERAS_SIGNATURE_SKEW_S,
          expected=lambda timestamp: sign(owner.secret(), timestamp, body),
          mismatch=_("The signature does not match the body and the owner's secret."), now=now)
    return owner
