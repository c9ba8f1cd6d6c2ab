"""Makes the signed-in user the actor of every audited change made during a request, and
writes the sensitive reads the request collected (one event per object shown)."""

from __future__ import annotations

from songnuan.accounts import audit
from songnuan.accounts.client_address import client_address


class AuditContextMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        token = audit.set_actor(request.user, client_address(request))
        reads = audit.collect_reads()
        try:
            return self.get_response(request)
        finally:
            audit.write_reads(reads)
            audit.reset_actor(token)
