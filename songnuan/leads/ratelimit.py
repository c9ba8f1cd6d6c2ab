"""Anti-abuse limits: fixed-window counters kept in the database.

The cache framework's default is per process, so with several server workers each would count
on its own; one upsert on a shared table gives every worker the same count (SQLite and PostgreSQL
both speak `INSERT … ON CONFLICT … RETURNING`). All the counters a report touches (its address,
its phone) are counted in one statement.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from songnuan import prepared
from songnuan.leads.models import RateCounter

_UPSERT = (
    'INSERT INTO {table} ("key", "window_start", "count") VALUES {rows} '
    'ON CONFLICT ("key", "window_start") DO UPDATE SET "count" = {table}."count" + 1 '
    'RETURNING "key", "count"'
)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    count: int
    retry_after_s: int = 0


def hashed(kind: str, value: str) -> str:
    """Counter keys and source keys hold no readable address or number."""
    digest = hashlib.sha256(f"{settings.SECRET_KEY}:{kind}:{value}".encode()).hexdigest()
    return f"{kind}:{digest[:32]}"


@dataclass(frozen=True)
class Limit:
    """At most `limit` attempts under `key` in each window of `window_s` seconds (0: no limit)."""

    key: str
    limit: int
    window_s: int


def hit(key: str, limit: int, window_s: int, now: float | None = None) -> Verdict:
    """Count one attempt under `key`; refuse once more than `limit` fall in the window."""
    return hit_all([Limit(key, limit, window_s)], now)[0]


def hit_all(limits: list[Limit], now: float | None = None) -> list[Verdict]:
    """Count one attempt under every limit at once; a verdict for each, in the same order."""
    now = time.time() if now is None else now
    window_starts = {limit.key[:80]: int(now // limit.window_s * limit.window_s)
                     for limit in limits if limit.limit > 0}
    counts: dict[str, int] = {}
    if window_starts:
        # Rows in key order, so two reports sharing counters lock them in the same order.
        keys = sorted(window_starts)
        sql = _UPSERT.format(table=connection.ops.quote_name(RateCounter._meta.db_table),
                             rows=", ".join(["(%s, %s, 1)"] * len(keys)))
        with prepared.cursor() as cursor:
            cursor.execute(sql, [value for key in keys for value in (key, window_starts[key])])
            counts = dict(cursor.fetchall())
    verdicts = []
    for limit in limits:
        if limit.limit <= 0:
            verdicts.append(Verdict(True, 0))
            continue
        count, window_start = counts[limit.key[:80]], window_starts[limit.key[:80]]
        if count <= limit.limit:
            verdicts.append(Verdict(True, count))
        else:
            verdicts.append(Verdict(False, count, retry_after_s=max(
                1, int(window_start + limit.window_s - now))))
    return verdicts


def forget_before(cutoff: float) -> int:
    deleted, _ = RateCounter.objects.filter(window_start__lt=int(cutoff)).delete()
    return deleted

