"""Rules of accounts: login lock-out and API tokens."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts import audit
from songnuan.accounts.client_address import client_address
from songnuan.accounts.models import ApiToken, LoginFailure, User

TOKEN_BYTES = 32


class LoginLocked(Exception):
    def __init__(self, until: datetime.datetime) -> None:
        self.until = until
        super().__init__(
            _("Too many failed logins. Try again after %(time)s.")
            % {"time": timezone.localtime(until).strftime("%H:%M")}
        )


def client_ip(request: HttpRequest | None) -> str | None:
    return client_address(request)


def locked_until(username: str, ip: str | None, now: datetime.datetime | None = None):
    """When the lock on this username (or on this address) ends, or None if not locked.

    The address limit is looser than the per-account one: a bureau's staff share a few
    addresses, but a guesser trying many accounts from one address is stopped too.
    """
    now = now or timezone.now()
    since = now - datetime.timedelta(minutes=settings.LOGIN_FAILURE_WINDOW_MINUTES)
    recent = LoginFailure.objects.filter(at__gte=since)
    for failures, limit in (
        (recent.filter(username__iexact=username), settings.LOGIN_FAILURE_LIMIT),
        (recent.filter(ip=ip) if ip else recent.none(), settings.LOGIN_FAILURE_LIMIT * 4),
    ):
        times = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
        if len(times) >= limit:
            until = times[0] + datetime.timedelta(minutes=settings.LOGIN_LOCK_MINUTES)
            if until > now:
                return until
    return None


def record_failure(username: str, ip: str | None) -> None:
    LoginFailure.objects.create(username=username[:150], ip=ip)
    audit.record("login_failed", username=username[:150], ip=ip, object_repr=username[:200])


def clear_failures(username: str) -> None:
    LoginFailure.objects.filter(username__iexact=username).delete()


def prune_login_failures(now: datetime.datetime | None = None) -> int:
    """Forget failures older than any window could look at."""
    now = now or timezone.now()
    horizon = max(settings.LOGIN_FAILURE_WINDOW_MINUTES, settings.LOGIN_LOCK_MINUTES) * 2
    deleted, _ = LoginFailure.objects.filter(
        at__lt=now - datetime.timedelta(minutes=horizon)
    ).delete()
    return deleted


def authenticate_with_lockout(request: HttpRequest | None, username: str, password: str):
    """Check the credentials unless the account or address is locked; record failures."""
    ip = client_ip(request)
    until = locked_until(username, ip)
    if until is not None:
        raise LoginLocked(until)
    user = authenticate(request, username=username, password=password)
    if user is None:
        record_failure(username, ip)
        until = locked_until(username, ip)
        if until is not None:
            raise LoginLocked(until)
        return None
    clear_failures(username)
    return user


def issue_token(user: User, name: str = "") -> str:
    """Create an API token and return its key; only the hash is kept."""
    key = secrets.token_urlsafe(TOKEN_BYTES)
    ApiToken.objects.create(user=user, key_hash=ApiToken.hash_key(key), name=name[:100])
    return key


def user_for_token(key: str) -> User | None:
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
