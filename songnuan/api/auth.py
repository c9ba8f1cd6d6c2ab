"""Bearer-token authentication for the staff API, with the same scoping as the web pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja.errors import HttpError
from ninja.security import HttpBearer

from songnuan.accounts import audit
from songnuan.accounts.client_address import client_address
from songnuan.accounts.services import token_for_key
from songnuan.observability import logs

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


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


class StaffSession:
    """Lets a signed-in browser session (the staff pages' own scripts) call the staff API."""

    openapi_type = "apiKey"

    def __call__(self, request: HttpRequest):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            return user
        return None


staff_auth = [StaffToken(), StaffSession()]
