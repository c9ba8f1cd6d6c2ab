"""Rules of accounts: signing in (through the lock-out in `lockout`) and API tokens."""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.contrib.auth import authenticate
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from songnuan.accounts import lockout
from songnuan.accounts.client_address import client_address
from songnuan.accounts.lockout import LoginLocked as LoginLocked  # what callers catch
from songnuan.accounts.models import (
    TOKEN_DEFAULT_DAYS,
    TOKEN_MAX_DAYS,
    ApiToken,
    TokenScope,
    User,
)

TOKEN_BYTES = 32


def choose_language(user: User, language: str) -> bool:
    """Keep `language` as the one `user` is spoken to in; False when it is not one served."""
    if language not in dict(settings.LANGUAGES):
        return False
    if user.language != language:
        user.language = language
        user.save(update_fields=["language"])
    return True


def authenticate_with_lockout(request: HttpRequest | None, username: str, password: str):
    """Check the credentials unless this source is locked or slowed for this username (see
    `lockout`); record and audit failures. Raises `LoginLocked` with when to try again."""
    ip = client_address(request)
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


def issue_token(
    user: User, name: str = "", *, scope: str = TokenScope.READ_WRITE,
    days: int = TOKEN_DEFAULT_DAYS,
) -> str:
    """Create an API token and return its key, shown this once; only the hash is kept."""
    days = max(1, min(days, TOKEN_MAX_DAYS))
    key = secrets.token_urlsafe(TOKEN_BYTES)
    ApiToken.objects.create(
        user=user, key_hash=ApiToken.hash_key(key), name=name[:100], scope=scope,
        expires_at=timezone.now() + datetime.timedelta(days=days),
    )
    return key


def token_for_key(key: str) -> ApiToken | None:
    """The live token with this key (not expired, not revoked, its user active), noting its use."""
    now = timezone.now()
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=ApiToken.hash_key(key), user__is_active=True, revoked_at__isnull=True,
                expires_at__gt=now)
        .first()
    )
    if token is None:
        return None
    if token.last_used_at is None or now - token.last_used_at > datetime.timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


def user_for_token(key: str) -> User | None:
    token = token_for_key(key)
    return token.user if token is not None else None


def tokens_visible_to(user: User):
    """The user's own tokens and, for those who manage staff accounts, those of the staff they
    may change."""
    tokens = ApiToken.objects.select_related("user")
    if user.has_perm("accounts.change_user"):
        managed = User.objects.restrict(user, "change").values("pk")
        return tokens.filter(Q(user=user) | Q(user__in=managed))
    return tokens.filter(user=user)


def revoke_token(token: ApiToken) -> None:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
