"""One-time codes sent by SMS to the phone of a family filing a report from the public page."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.notify.services import send_sms
from songnuan.refusals import Refused
from songnuan.tracing.models import (
    PhoneCode,
)

CODE_MAX_ATTEMPTS = 5
CODE_RESEND_SECONDS = 60
PHONE_DIGITS = 11


def normalize_phone(raw: str) -> str:
    digits = "".join(ch for ch in raw if ch.isdigit())
    if digits.startswith("86") and len(digits) == PHONE_DIGITS + 2:
        digits = digits[2:]
    if len(digits) != PHONE_DIGITS or not digits.startswith("1"):
        raise Refused(_("An 11-digit mobile number starting with 1, please."), field="phone")
    return digits


def _hash(phone: str, code: str) -> str:
    key = (settings.SECRET_KEY or "songnuan").encode()
    return hmac.new(key, f"{phone}:{code}".encode(), hashlib.sha256).hexdigest()


@transaction.atomic
def send_code(raw_phone: str, now: datetime.datetime | None = None) -> str:
    """Text a six-digit code to the phone; returns the normalized number."""
    now = now or timezone.now()
    phone = normalize_phone(raw_phone)
    recent = PhoneCode.objects.filter(
        phone=phone, sent_at__gt=now - datetime.timedelta(seconds=CODE_RESEND_SECONDS))
    if recent.exists():
        raise Refused(_("A code was just sent: wait a minute before asking again."),
                      field="phone")
    code = f"{secrets.randbelow(1_000_000):06d}"
    PhoneCode.objects.create(phone=phone, code_hash=_hash(phone, code), sent_at=now,
                             expires_at=now + datetime.timedelta(
                                 minutes=settings.TRACING_CODE_MINUTES))
    send_sms(phone, _("Your Songnuan verification code is %(code)s, valid %(minutes)s minutes.")
             % {"code": code, "minutes": settings.TRACING_CODE_MINUTES}, "tracing_code")
    return phone


def check_code(raw_phone: str, code: str, now: datetime.datetime | None = None) -> str:
    """Use up a valid code for the phone, or raise; returns the normalized number.

    Not one transaction on purpose: a wrong guess must count even though the call fails.
    """
    now = now or timezone.now()
    phone = normalize_phone(raw_phone)
    sent = PhoneCode.objects.filter(phone=phone, used_at__isnull=True, expires_at__gt=now).first()
    wrong = Refused(_("The code is wrong or has expired: ask for a new one."), field="code")
    if sent is None or sent.attempts >= CODE_MAX_ATTEMPTS:
        raise wrong
    if not hmac.compare_digest(sent.code_hash, _hash(phone, code.strip())):
        PhoneCode.objects.filter(pk=sent.pk).update(attempts=F("attempts") + 1)
        raise wrong
    if not PhoneCode.objects.filter(pk=sent.pk, used_at__isnull=True).update(used_at=now):
        raise wrong
    return phone
