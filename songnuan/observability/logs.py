"""Log lines as JSON (one object a line) or plain text, each carrying the context it was written
in: the request's id, the signed-in user's id (never a name), the route, and in the worker the
task's id.

The context lives in a context variable that `RequestIdMiddleware` starts for each request (it
lasts until the response is closed) and the worker sets around each task;
`RequestContextFilter`, on the handler, copies it onto every record, whichever logger wrote it.
This module imports nothing from Django's models, as the logging configuration loads it before
the apps.
"""

from __future__ import annotations

import contextvars
import datetime
import json
import logging
from dataclasses import dataclass
from typing import Any


@dataclass
class LogContext:
    request_id: str | None = None
    user_id: int | None = None
    route: str | None = None
    task_id: str | None = None


_context: contextvars.ContextVar[LogContext | None] = contextvars.ContextVar(
    "songnuan_log_context", default=None)

CONTEXT_FIELDS = ("request_id", "user_id", "route", "task_id")


def current() -> LogContext | None:
    return _context.get()


def start(**fields: Any) -> contextvars.Token:
    """Begin a new context (a request, a task); `end` it with the token returned."""
    return _context.set(LogContext(**fields))


def end(token: contextvars.Token) -> None:
    _context.reset(token)


def clear(**signal_kwargs: Any) -> None:
    """Leave the request's context once its response is closed (Django's request_finished), so
    that Django's own last words about a request ("Not Found: …") still carry its id."""
    _context.set(None)


def bind(**fields: Any) -> None:
    """Add what became known later (the user behind an API token, the route) to the context."""
    context = _context.get()
    if context is not None:
        for name, value in fields.items():
            setattr(context, name, value)


class RequestContextFilter(logging.Filter):
    """Puts the current context's fields on every record (None outside a request or task)."""

    def filter(self, record: logging.LogRecord) -> bool:
        context = _context.get()
        for name in CONTEXT_FIELDS:
            if not hasattr(record, name):
                setattr(record, name, getattr(context, name, None))
        return True


# Attributes every LogRecord has; anything else on a record came through `extra=`. Django's
# request loggers pass the request object itself, whose text carries the query string (a search
# may be a name or a phone): the line has the path and route instead.
_STANDARD_ATTRIBUTES = set(vars(logging.LogRecord("", 0, "", 0, "", (), None))) | {
    "message", "asctime", "taskName", "request"}


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time (UTC, ISO 8601), level, logger, message, the context's fields,
    whatever the caller passed as `extra=` (a request line's method, status, duration_ms…) and the
    traceback of an exception."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.datetime.fromtimestamp(record.created, datetime.UTC)
            .isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name in CONTEXT_FIELDS:
            line[name] = getattr(record, name, None)
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRIBUTES and name not in line:
                line[name] = value
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            line["stack"] = self.formatStack(record.stack_info)
        return json.dumps(line, ensure_ascii=False, default=str)

