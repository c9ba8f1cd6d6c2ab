"""Bearer-token authentication for the staff API, with the same scoping as the web pages."""

from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from songnuan.accounts import audit
from songnuan.accounts.services import user_for_token
from songnuan.observability import logs


class StaffToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is None:
            return None
        request.user = user
        # The middleware ran before the token was known; make this user the audit actor.
        audit.set_actor(user, request.META.get("REMOTE_ADDR"))
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
