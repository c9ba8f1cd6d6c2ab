"""The dispatch API's change feed: the leads, tasks and squads changed since an opaque cursor, so
a board or a patroller's task list stays in step without reloading everything, polled or
streamed as server-sent events.

A cursor is a point in time. Rows are read from a little before it (`SETTLE`), because a row's
`updated_at` is stamped before its transaction commits: a slow commit must not slip behind a
cursor already given out. A row may therefore come twice; clients apply rows by id.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import json
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.refusals import Refused

SETTLE = datetime.timedelta(seconds=5)
PAGE = 500  # rows of one kind per answer; `more` says when there are others waiting
RETRY_MS = 2000  # how soon an event-stream client reconnects after the stream ends
CURSOR_PREFIX = "c1:"


@dataclass(frozen=True)
class Source:
    """One kind of row: what a first call shows (`live`) and what counts as changed since a time
    (its own `updated_at` unless `changed` says more, as a squad's load changes with its tasks).
    """

    rows: QuerySet
    live: Q
    changed: Callable[[datetime.datetime], Q] = field(
        default=lambda since: Q(updated_at__gte=since))


@dataclass
class Changes:
    cursor: str
    more: bool
    rows: dict[str, list[Any]]


def encode_cursor(at: datetime.datetime) -> str:
    stamp = f"{CURSOR_PREFIX}{round(at.timestamp() * 1_000_000)}"
    return base64.urlsafe_b64encode(stamp.encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> datetime.datetime:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(text)
        micros = int(text[len(CURSOR_PREFIX):])
        return datetime.datetime.fromtimestamp(micros / 1_000_000, tz=datetime.UTC)
    except (ValueError, UnicodeDecodeError, binascii.Error, OverflowError, OSError):
        raise Refused(_("This cursor was not given by this server: start without one."),
                           "cursor") from None


def changes_since(sources: dict[str, Source], cursor: str | None = None,
                  now: datetime.datetime | None = None) -> Changes:
    """Rows changed since `cursor` (without one: the rows live now), oldest change first."""
    now = now or timezone.now()
    since = decode_cursor(cursor) - SETTLE if cursor else None
    next_at = now
    more = False
    rows: dict[str, list[Any]] = {}
    for name, source in sources.items():
        wanted = source.live if since is None else source.changed(since)
        found = list(source.rows.filter(wanted).distinct().order_by("updated_at", "pk")[:PAGE + 1])
        if len(found) > PAGE:
            found, more = found[:PAGE], True
            # Continue from the last row given: the next answer starts there (SETTLE before).
            next_at = min(next_at, found[-1].updated_at + SETTLE)
        rows[name] = found
    return Changes(encode_cursor(next_at), more, rows)


def event_stream(read: Callable[[str | None], dict[str, Any]], cursor: str | None, *,
                 seconds: float, poll_seconds: float,
                 sleep: Callable[[float], None] = time.sleep,
                 clock: Callable[[], float] = time.monotonic) -> Iterator[str]:
    """Server-sent events of `read(cursor)` (a rendered `Changes`) for about `seconds`, then a
    `retry:` hint: a sync worker is never held long, and the client reconnects with the last
    event id as `Last-Event-ID`. Rows already sent on this connection are not sent again."""
    yield f"retry: {RETRY_MS}\n\n"
    deadline = clock() + seconds
    sent: set[tuple[str, Any, Any]] = set()
    while True:
        answer = read(cursor)
        cursor = answer["cursor"]
        fresh = {}
        for kind, items in answer.items():
            if not isinstance(items, list):
                continue
            fresh[kind] = [row for row in items
                           if (kind, row["id"], row["updated_at"]) not in sent]
            sent.update((kind, row["id"], row["updated_at"]) for row in fresh[kind])
        if any(fresh.values()):
            # The polled answer's encoding (times to the millisecond): the same row, polled or
            # streamed, is the same JSON.
            data = json.dumps({**answer, **fresh}, ensure_ascii=False, cls=DjangoJSONEncoder)
            yield f"id: {cursor}\nevent: changes\ndata: {data}\n\n"
        else:
            yield ": nothing new\n\n"
        if clock() >= deadline:
            break
        if not answer["more"]:
            sleep(min(poll_seconds, max(deadline - clock(), 0)))
    yield f"retry: {RETRY_MS}\n\n"
