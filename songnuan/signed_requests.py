"""Requests another system signs with HMAC-SHA256 (a camera platform, the call centre): the
signing time must be near ours and the signature must match the one we compute."""

from __future__ import annotations

import hmac
import time
from collections.abc import Callable

from django.utils.translation import gettext as _

from songnuan.refusals import Refused


class Unsigned(Refused):
    """A request we cannot trust came from who it says."""

    status = 401


def check(headers, *, timestamp_header: str, signature_header: str, skew_s: int,
          expected: Callable[[int], str], mismatch: str, now: float | None = None) -> str:
    """The request's signature when its time is within `skew_s` of ours and it equals
    `expected(timestamp)`; otherwise a refusal naming the header at fault (`mismatch` says
    whose secret the signature did not match)."""
    try:
        timestamp = int(headers.get(timestamp_header) or "")
    except ValueError:
        raise Unsigned(_("Send the signing time as Unix seconds."), timestamp_header,
                       "bad_timestamp") from None
    now = time.time() if now is None else now
    if abs(now - timestamp) > skew_s:
        raise Unsigned(_("The signing time is too far from ours (at most %(s)s seconds): check "
                         "the platform's clock and sign again.") % {"s": skew_s},
                       timestamp_header, "stale")
    given = (headers.get(signature_header) or "").strip().lower()
    if not hmac.compare_digest(given, expected(timestamp)):
        raise Unsigned(mismatch, signature_header, "bad_signature")
    return given
