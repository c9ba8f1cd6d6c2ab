"""Rules of accounts: signing in (through the lock-out in `lockout`) and API tokens."""

from __future__ import annotations

import datetime
import secrets

from django.contrib.auth import authenticate
from django.http import HttpRequest
from django.utils import timezone

from songnuan.accounts import lockout
from songnuan.accounts.client_address import client_address
from songnuan.accounts.lockout import LoginLocked as LoginLocked  # what callers catch
from songnuan.accounts.models import ApiToken, User

TOKEN_BYTES = 32


def client_ip(request: HttpRequest | None) -> str | None:
    return client_address(request)


def authenticate_with_lockout(request: HttpRequest | None, username: str, password: str):
    """Check the credentials unless this source is locked or slowed for this username (see
    `lockout`); record and audit failures. Raises `LoginLocked` with when to try again."""
    ip = client_ip(request)
    refused = lockout.refusal(username, ip)
    if refused is not None:
        lockout.record_refusal(username, ip, refused)
        raise refused
    user = authenticate(request, username=username, password=password)
    if user is None:
        lockout.record_failure(username, ip)
        refused = lockout.refusal(username, ip)
        if refused is not None:
            raise refused
        return None
    lockout.clear_failures(username, ip)
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
