"""Every request gets an id, its log context and a log line, and is counted in the metrics.

The id is the trusted proxy's `X-Request-ID` when `REQUEST_ID_FROM_PROXY` is on (nginx's
`$request_id`, so the proxy's log and ours share it), else a fresh uuid4; it is sent back in the
response's `X-Request-ID` and put on every log line written while the request is answered. This
middleware comes first, so that it also times and labels what the others answer themselves.
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from songnuan.observability import logs, metrics

logger = logging.getLogger("songnuan.request")
REQUEST_ID_HEADER = "X-Request-ID"
# What a proxy's id may look like: a uuid, nginx's 32 hex digits, or similar; nothing that could
# break a log line or a header.
ACCEPTABLE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{8,128}")


def request_id_of(request: HttpRequest) -> str:
    if settings.REQUEST_ID_FROM_PROXY:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        if ACCEPTABLE_REQUEST_ID.fullmatch(given):
            return given
    return uuid.uuid4().hex


def route_of(request: HttpRequest) -> str:
    """The URL pattern's name (bounded, unlike the path), or what kind of unmatched path it is."""
    match = getattr(request, "resolver_match", None)
    if match is not None:
        return match.view_name
    if request.path.startswith(settings.STATIC_URL):
        return "static"
    return "unmatched"


def signed_in_user_id(request: HttpRequest) -> int | None:
    user = getattr(request, "user", None)
    return user.pk if user is not None and user.is_authenticated else None


class RequestIdMiddleware:
    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request_id = request_id_of(request)
        request.request_id = request_id
        # Left set when this returns, for the handler's own log lines; `logs.clear` ends it.
        logs.start(request_id=request_id)
        response = self.get_response(request)
        response[REQUEST_ID_HEADER] = request_id
        self._record(request, response, time.perf_counter() - started)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> None:
        # The other middleware have run: the route is resolved and the session's user known.
        logs.bind(route=route_of(request), user_id=signed_in_user_id(request))

    def _record(self, request: HttpRequest, response: HttpResponse, seconds: float) -> None:
        route = route_of(request)
        # An API token is read by the view itself, after process_view.
        logs.bind(route=route, user_id=signed_in_user_id(request))
        metrics.observe_request(route, request.method or "", response.status_code, seconds)
        logger.info("%s %s %s", request.method, request.path, response.status_code, extra={
            "method": request.method, "path": request.path, "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1)})
