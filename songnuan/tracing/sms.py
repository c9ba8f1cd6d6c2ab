"""A minimal `send_sms(phone, text, purpose, *, reference="")` until `songnuan.notify` lands.

Same signature as `songnuan.notify.services.send_sms`; when that module is installed, calls go
to it. Otherwise the message is kept in memory (`SENT`, for tests and the demo) and logged.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from django.apps import apps

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Sent:
    phone: str
    text: str
    purpose: str
    reference: str = ""


SENT: list[Sent] = []


def send_sms(phone: str, text: str, purpose: str, *, reference: str = "") -> None:
    if apps.is_installed("songnuan.notify"):
        from songnuan.notify.services import send_sms as notify_send  # type: ignore

        notify_send(phone, text, purpose, reference=reference)
        return
    SENT.append(Sent(phone, text, purpose, reference))
    del SENT[:-100]
    log.info("SMS to %s (%s): %s", phone[:3] + "****" + phone[-4:], purpose, text)
