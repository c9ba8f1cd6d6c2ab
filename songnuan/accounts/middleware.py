"""Makes the signed-in user the actor of every audited change made during a request."""

from __future__ import annotations

from songnuan.accounts import audit


class AuditContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = audit.set_actor(request.user, request.META.get("REMOTE_ADDR"))
        try:
            return self.get_response(request)
        finally:
            audit.reset_actor(token)
