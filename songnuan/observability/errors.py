"""Error reporting to a self-hosted Sentry or GlitchTip, on when ERROR_REPORTING_DSN is set.

Nothing personal leaves: no user, no cookies, no request body, no query string (a search may be
a name or a phone), no local variables of the failing frames and no log lines as breadcrumbs.
What does go: the exception and its stack, the route, the request's id (to find its log lines)
and the user's id; and errors logged at ERROR (a failed task in the worker).
"""

from __future__ import annotations

import logging
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import sentry_sdk
from django.conf import settings
from sentry_sdk.integrations.django import DjangoIntegration
from sentry_sdk.integrations.logging import LoggingIntegration

from songnuan.observability import logs

# The request headers kept; every other one (cookies, tokens, addresses) is dropped.
KEPT_HEADERS = frozenset({"Accept", "Accept-Language", "Content-Type", "Content-Length",
                          "Host", "User-Agent", "X-Request-Id"})


def release() -> str:
    try:
        return f"songnuan@{version('songnuan')}"
    except PackageNotFoundError:
        return "songnuan@unknown"


def without_personal_data(event: dict[str, Any], hint: dict[str, Any]) -> dict[str, Any]:
    request = event.get("request")
    if request:
        for key in ("data", "cookies", "query_string", "env"):
            request.pop(key, None)
        headers = request.get("headers") or {}
        request["headers"] = {name: value for name, value in headers.items()
                              if name.title() in KEPT_HEADERS}
        if "url" in request:
            request["url"] = request["url"].split("?", 1)[0]
    event.pop("user", None)
    event.pop("breadcrumbs", None)
    context = logs.current()
    if context is not None:
        tags = event.setdefault("tags", {})
        for name in logs.CONTEXT_FIELDS:
            value = getattr(context, name)
            if value is not None:
                tags[name] = str(value)
    return event


def start(dsn: str | None = None) -> bool:
    """Start reporting to `dsn` (by default the setting); False when there is none."""
    dsn = settings.ERROR_REPORTING_DSN if dsn is None else dsn
    if not dsn:
        return False
    sentry_sdk.init(
        dsn=dsn,
        release=release(),
        environment=settings.ERROR_REPORTING_ENVIRONMENT,
        # No personal data: left unset, the SDK sends none (`send_default_pii`, now deprecated,
        # warned even when False); `without_personal_data` strips what an event still carries.
        include_local_variables=False,
        max_request_body_size="never",
        max_breadcrumbs=0,
        before_send=without_personal_data,
        traces_sample_rate=0,
        integrations=[DjangoIntegration(),
                      LoggingIntegration(level=None, event_level=logging.ERROR)],
    )
    return True
