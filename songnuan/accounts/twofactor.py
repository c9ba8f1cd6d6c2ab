"""Two-factor sign-in (两步验证): after the password, a code from an authenticator app (TOTP,
RFC 6238) or one of ten one-time recovery codes.

It is required of administrators and of everyone who may see sensitive personal data (design
principle 4: least privilege), optional for the others, and off as a requirement when
`OTP_REQUIRED` is (the demo). A code is accepted one time step (30 s) either side of now, and
each step only once, so a code read over a shoulder cannot be used again. Wrong codes count as
failed logins and, past the lock-out limit, close the code step itself for the lock-out period:
signing in with the password again does not reopen it.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

import pyotp
import segno
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts import audit, lockout
from songnuan.accounts.models import RecoveryCode, TwoFactorDevice, User
from songnuan.accounts.roles import SENSITIVE, Role
from songnuan.refusals import Refused
from songnuan.shell import Banner

# The session remembers which user gave their second factor (Django's login() keeps session
# data for the same user, so the user's id is stored, not a bare flag).
VERIFIED_SESSION_KEY = "otp_verified"
PENDING_SECRET_SESSION_KEY = "otp_pending_secret"  # noqa: S105 (a session key's name)
RECOVERY_CODE_COUNT = 10
# Ten letters and digits without the look-alikes 0/o and 1/l/i: 50 bits, typed from paper.
RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
RECOVERY_CODE_LENGTH = 10
STEP_TOLERANCE = 1
TOTP_DIGITS = 6
ADMIN_ROLES = (Role.CITY_ADMIN, Role.DISTRICT_ADMIN)


class TwoFactorError(Refused):
    """A refusal to show the user: a wrong code, a locked code step, a role that must keep it."""

    def __init__(self, message: str, field: str = "code") -> None:
        super().__init__(message, field=field, code="two_factor")


def is_required(user: User) -> bool:
    return settings.OTP_REQUIRED and _would_be_required(user)


def device_of(user: User) -> TwoFactorDevice | None:
    return TwoFactorDevice.objects.filter(user=user).first()


def needs_code(user: User) -> bool:
    """Must this user give a second factor before using the pages?"""
    return is_required(user) or TwoFactorDevice.objects.filter(user=user).exists()


def is_verified(request: HttpRequest) -> bool:
    return request.session.get(VERIFIED_SESSION_KEY) == request.user.pk


def mark_verified(request: HttpRequest) -> None:
    # A new session key once the second factor is given, as Django's login() does for the first.
    request.session.cycle_key()
    request.session[VERIFIED_SESSION_KEY] = request.user.pk
    request.session.pop(PENDING_SECRET_SESSION_KEY, None)


# -- enrolment ----------------------------------------------------------------------------------

def pending_secret(request: HttpRequest) -> str:
    """The secret offered on the set-up page, the same one until it is confirmed."""
    secret = request.session.get(PENDING_SECRET_SESSION_KEY)
    if not secret:
        secret = pyotp.random_base32()
        request.session[PENDING_SECRET_SESSION_KEY] = secret
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.get_username(),
                                               issuer_name=settings.OTP_ISSUER)


def qr_svg(uri: str) -> str:
    """The set-up link as an inline SVG QR code, drawn here (no outside service sees the secret)."""
    return segno.make(uri, error="m").svg_inline(scale=4, border=2, omitsize=True)


def spaced(secret: str) -> str:
    """The secret in groups of four, for typing it in by hand."""
    return " ".join(secret[i:i + 4] for i in range(0, len(secret), 4))


def enrol(user: User, secret: str, code: str, now: datetime.datetime | None = None) -> list[str]:
    """Keep the authenticator app once it has shown a right code; return new recovery codes."""
    now = now or timezone.now()
    step = matching_step(secret, code, now, after=None)
    if step is None:
        raise TwoFactorError(_(
            "That code does not match. Check the time on your phone and enter the code the app "
            "shows now."
        ))
    with transaction.atomic():
        TwoFactorDevice.objects.update_or_create(user=user, defaults={
            "secret": secret, "confirmed_at": now, "last_used_step": step,
            "failure_count": 0, "last_failure_at": None,
        })
        codes = _replace_recovery_codes(user)
        audit.record("2fa_enrolled", user, user=user)
    return codes


def renew_recovery_codes(user: User) -> list[str]:
    with transaction.atomic():
        codes = _replace_recovery_codes(user)
        audit.record("2fa_codes_renewed", user, user=user)
    return codes


def recovery_codes_left(user: User) -> int:
    return RecoveryCode.objects.filter(user=user, used_at__isnull=True).count()


def disable(user: User, code: str, ip: str | None = None) -> None:
    """Turn two-factor sign-in off, confirmed with a current code; not for required roles."""
    if is_required(user):
        raise TwoFactorError(_("Your role must keep two-factor sign-in."))
    verify(user, code, ip)
    with transaction.atomic():
        TwoFactorDevice.objects.filter(user=user).delete()
        RecoveryCode.objects.filter(user=user).delete()
        audit.record("2fa_disabled", user, user=user)


# -- signing in ---------------------------------------------------------------------------------

def verify(user: User, code: str, ip: str | None = None,
           now: datetime.datetime | None = None) -> str:
    """Check a code from the app or a recovery code; return which ("totp" or "recovery").

    Raises lockout.LoginLocked while the code step is locked (too many wrong codes) or the
    address is locked or slowed for this user, TwoFactorError for a wrong code.
    """
    now = now or timezone.now()
    device = device_of(user)
    if device is None:
        raise TwoFactorError(_("Two-factor sign-in is not set up for this account."))
    until = _locked_until(device, now)
    if until is not None:
        raise lockout.CodesLocked(until)
    refused = lockout.refusal(user.get_username(), ip, now)
    if refused is not None:
        raise refused
    typed = normalised(code)
    if typed.isdigit() and len(typed) == TOTP_DIGITS:
        if _use_step(device, typed, now):
            lockout.clear_failures(user.get_username(), ip)
            return "totp"
    elif _use_recovery_code(user, typed, now):
        TwoFactorDevice.objects.filter(pk=device.pk).update(failure_count=0, last_failure_at=None)
        lockout.clear_failures(user.get_username(), ip)
        audit.record("2fa_recovery_used", user, user=user, ip=ip,
                     changes={"left": recovery_codes_left(user)})
        return "recovery"
    _record_failure(device, user, ip, now)
    raise TwoFactorError(_(
        "That code is not right, or was already used. Enter the newest code from your "
        "authenticator app, or an unused recovery code."
    ))


def normalised(code: str) -> str:
    return "".join(code.split()).replace("-", "").lower()


def _use_step(device: TwoFactorDevice, code: str, now: datetime.datetime) -> bool:
    step = matching_step(device.secret, code, now, after=device.last_used_step)
    if step is None:
        return False
    # Claimed in one conditional update, so two requests with one code cannot both pass.
    claimed = TwoFactorDevice.objects.filter(pk=device.pk).filter(
        Q(last_used_step__isnull=True) | Q(last_used_step__lt=step)
    ).update(last_used_step=step, failure_count=0, last_failure_at=None)
    return claimed == 1


def matching_step(secret: str, code: str, now: datetime.datetime, after: int | None) -> int | None:
    totp = pyotp.TOTP(secret)
    typed = normalised(code)
    current = totp.timecode(now)
    for step in range(current - STEP_TOLERANCE, current + STEP_TOLERANCE + 1):
        if after is not None and step <= after:
            continue
        if pyotp.utils.strings_equal(typed, totp.generate_otp(step)):
            return step
    return None


def _use_recovery_code(user: User, code: str, now: datetime.datetime) -> bool:
    if not code:
        return False
    used = RecoveryCode.objects.filter(
        user=user, code_hash=_hash(code), used_at__isnull=True
    ).update(used_at=now)
    return used == 1


def _locked_until(device: TwoFactorDevice, now: datetime.datetime) -> datetime.datetime | None:
    if device.failure_count < settings.LOGIN_FAILURE_LIMIT or device.last_failure_at is None:
        return None
    until = device.last_failure_at + datetime.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
    return until if until > now else None


def _record_failure(device: TwoFactorDevice, user: User, ip: str | None,
                    now: datetime.datetime) -> None:
    window = datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    if device.last_failure_at is None or now - device.last_failure_at > window:
        count = 1
        TwoFactorDevice.objects.filter(pk=device.pk).update(failure_count=1, last_failure_at=now)
    else:
        count = device.failure_count + 1
        TwoFactorDevice.objects.filter(pk=device.pk).update(
            failure_count=F("failure_count") + 1, last_failure_at=now)
    # Counted with the failed passwords too, so the address and the account lock as they do.
    lockout.record_failure(user.get_username(), ip)
    audit.record("2fa_failed", user, user=user, ip=ip, changes={"failures": count})


# -- recovery codes -----------------------------------------------------------------------------

def _replace_recovery_codes(user: User) -> list[str]:
    RecoveryCode.objects.filter(user=user).delete()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    RecoveryCode.objects.bulk_create(
        RecoveryCode(user=user, code_hash=_hash(normalised(code))) for code in codes
    )
    return codes


def _new_recovery_code() -> str:
    letters = "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(RECOVERY_CODE_LENGTH))
    half = RECOVERY_CODE_LENGTH // 2
    return f"{letters[:half]}-{letters[half:]}"


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def demo_banner(request: HttpRequest) -> Banner | None:
    """In the demo, tells those whom production would ask for a code that it is not asked here."""
    user = request.user
    if not settings.DEMO or settings.OTP_REQUIRED or not _would_be_required(user):
        return None
    if TwoFactorDevice.objects.filter(user=user).exists():
        return None
    return Banner(_("Demo: two-factor sign-in is not required here. In production your role "
                    "must set it up; you may try it now."), tone="info",
                  url=reverse("accounts:two_factor_setup"))


def _would_be_required(user: User) -> bool:
    return user.role in ADMIN_ROLES or user.has_perm(SENSITIVE)
