"""SMS backends: how a queued outbox message leaves the building.

`SMS_BACKEND` names a class with `send(message: Outbox) -> str | None` (a provider reference) that
raises `DeliveryError` on failure. The default writes the message to the log only, so an
installation without an SMS contract still keeps the full outbox.
"""

from __future__ import annotations

import logging

from songnuan.notify.models import Outbox

logger = logging.getLogger("songnuan.sms")


class DeliveryError(Exception):
    """The provider refused or could not take the message."""


class LogBackend:
    """Writes each message to the log; the outbox row is the record."""

    def send(self, message: Outbox) -> str | None:
        logger.info("SMS to %s (%s): %s", message.phone, message.purpose, message.text)
        return None


class FailingBackend:
    """Refuses every message: for testing how callers cope with a provider outage."""

    def send(self, message: Outbox) -> str | None:
        raise DeliveryError("the provider is unavailable")
