"""SMS backends: how a queued outbox message leaves the building.

`SMS_BACKEND` names a class with `send(message: Outbox) -> str | None` (a provider reference) that
raises `DeliveryError` when the provider refused the message or never got it, and
`DeliveryUncertain` when it may have got it (a timeout after the request left): such a message is
not sent again. The default writes the message to the log only, so an installation without an
SMS contract still keeps the full outbox. The real providers are in `songnuan.notify.providers`.
"""

from __future__ import annotations

import logging

from songnuan.notify.models import Outbox

logger = logging.getLogger("songnuan.sms")


class DeliveryError(Exception):
    """The provider refused or could not take the message; `retryable` when trying again later
    may succeed (an outage, a rate limit), not when it never will (a bad number or template)."""

    def __init__(self, message: str, *, retryable: bool = True, code: str = "") -> None:
        super().__init__(message)
        self.retryable = retryable
        self.code = code


class DeliveryUncertain(DeliveryError):
    """The message may or may not have reached the provider: never retried automatically."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message, retryable=False, code=code)


class LogBackend:
    """Writes each message to the log; the outbox row is the record."""

    def send(self, message: Outbox) -> str | None:
        logger.info("SMS to %s (%s): %s", message.phone, message.purpose, message.text)
        return None


class FailingBackend:
    """Refuses every message: for testing how callers cope with a provider outage."""

    def send(self, message: Outbox) -> str | None:
        raise DeliveryError("the provider is unavailable")
