"""Idempotency keys of the staff API (幂等): the first answer to a keyed request is kept for a day
and given again to a retry, so a lost reply or an offline queue replayed never acts twice.

A key comes in the `Idempotency-Key` header or as `client_request_id` in the body, and belongs to
the user who sent it. Answers to requests that were refused for their input are not kept: the
client fixes the input and sends the same key again.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Callable
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.outreach.models import Receipt
from songnuan.refusals import Refused

KEY_HEADER = "Idempotency-Key"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_.:-]{8,64}$")
KEEP_FOR = datetime.timedelta(days=1)
CONFLICT = 409

Answer = tuple[int, dict[str, Any]]


def key_of(request: HttpRequest, payload: Any = None) -> str:
    """The request's idempotency key ("" when it has none); refused when malformed."""
    key = (request.headers.get(KEY_HEADER, "")
           or getattr(payload, "client_request_id", None) or "").strip()
    if key and not KEY_PATTERN.match(key):
        raise Refused(_("An idempotency key is 8 to 64 letters, digits or _.:-"),
                           KEY_HEADER)
    return key


def answer_once(user, key: str, action: str, target: str, act: Callable[[], Answer]) -> Answer:
    """`act()` once per key: its answer and the receipt commit together, and a retry (even one
    racing the first) gets the stored answer back."""
    if not key:
        return act()
    known = _known(user, key, action, target)
    if known is not None:
        return known
    try:
        with transaction.atomic():
            status, body = act()
            body = json.loads(json.dumps(body, cls=DjangoJSONEncoder))
            if 200 <= status < 300 or status == CONFLICT:
                Receipt.objects.create(user=user, key=key, action=action, target=target,
                                       status=status, body=body)
    except IntegrityError:
        known = _known(user, key, action, target)
        if known is None:
            raise
        return known
    return status, body


def _known(user, key: str, action: str, target: str) -> Answer | None:
    receipt = Receipt.objects.filter(user=user, key=key).first()
    if receipt is None:
        return None
    if (receipt.action, receipt.target) != (action, target):
        raise Refused(_("This idempotency key was already used for another request."),
                           KEY_HEADER)
    return receipt.status, receipt.body


def forget_old(now: datetime.datetime | None = None) -> int:
    """Drop receipts older than a day: no client retries that late."""
    now = now or timezone.now()
    deleted, _counts = Receipt.objects.filter(created_at__lt=now - KEEP_FOR).delete()
    return deleted
