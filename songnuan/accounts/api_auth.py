"""Authentication for the staff API: a bearer token, or the signed-in browser session of the
staff pages' own scripts, with the same scoping as the web pages.

A session is a cookie the browser sends by itself, so a call that changes something with it
must carry the CSRF token (`X-CSRFToken`) as the pages' forms do; a bearer token cannot be
sent by another site and needs none.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from songnuan.accounts import audit
from songnuan.accounts.client_address import client_address
from songnuan.accounts.services import token_for_key
from songnuan.observability import logs

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class CsrfRefused(Exception):
    """A session call that changes something came without a valid CSRF token."""


class StaffToken(HttpBearer):
    """An unknown, expired or revoked token is refused (401); a read-only one only reads (403)."""

    def authenticate(self, request: HttpRequest, token: str):
        api_token = token_for_key(token)
        if api_token is None:
            return None
        if api_token.is_read_only and request.method not in SAFE_METHODS:
            raise HttpError(403, _("This token may only read: use a read-and-write token."))
        user = api_token.user
        request.user = user
        # The middleware ran before the token was known; make this user the audit actor.
        audit.set_actor(user, client_address(request))
        logs.bind(user_id=user.pk)
        return user


class StaffSession(APIKeyCookie):
    """Lets a signed-in browser session (the staff pages' own scripts) call the staff API."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        # The CSRF check runs below, once a signed-in user is known: an anonymous call is
        # told to sign in (401), not that its token is missing.
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key: str | None):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        if check_csrf(request) is not None:  # None for GET, HEAD, OPTIONS and a good token
            raise CsrfRefused
        return user


staff_auth = [StaffToken(), StaffSession()]
