"""Chinese mobile numbers: the only numbers a text message can reach."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Mainland mobile numbers: 11 digits starting 13–19 (MIIT numbering plan).
_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_SEPARATORS = re.compile(r"[\s\-()]")


def normalize_mobile(value: str) -> str:
    """The 11-digit form of a mainland mobile number, or raise ValidationError."""
    digits = _SEPARATORS.sub("", value or "")
    for prefix in ("+86", "0086", "86"):
        if digits.startswith(prefix) and len(digits) == 11 + len(prefix):
            digits = digits[len(prefix):]
            break
    if not _MOBILE.match(digits):
        raise ValidationError(
            _("Enter a mainland China mobile number: 11 digits starting with 1."),
            code="invalid_mobile",
        )
    return digits


def mask_mobile(phone: str) -> str:
    """138****1234: enough to recognise a number without revealing it."""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"
