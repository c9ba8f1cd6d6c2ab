"""Anti-abuse limits: fixed-window counters kept in the database.

The cache framework's default is per process, so with several server workers each would count
on its own; one upsert on a shared table gives every worker the same count (SQLite and PostgreSQL
both speak `INSERT … ON CONFLICT … RETURNING`).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection

from songnuan.leads.models import RateCounter

_UPSERT = (
    'INSERT INTO {table} ("key", "window_start", "count") VALUES (%s, %s, 1) '
    'ON CONFLICT ("key", "window_start") DO UPDATE SET "count" = {table}."count" + 1 '
    'RETURNING "count"'
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


def hit(key: str, limit: int, window_s: int, now: float | None = None) -> Verdict:
    """Count one attempt under `key`; refuse once more than `limit` fall in the window."""
    if limit <= 0:
        return Verdict(True, 0)
    now = time.time() if now is None else now
    window_start = int(now // window_s * window_s)
    sql = _UPSERT.format(table=connection.ops.quote_name(RateCounter._meta.db_table))
    with connection.cursor() as cursor:
        cursor.execute(sql, [key[:80], window_start])
        count = cursor.fetchone()[0]
    if count <= limit:
        return Verdict(True, count)
    return Verdict(False, count, retry_after_s=max(1, int(window_start + window_s - now)))


def forget_before(cutoff: float) -> int:
    deleted, _ = RateCounter.objects.filter(window_start__lt=int(cutoff)).delete()
    return deleted


def client_ip(request) -> str | None:
    """The reporter's address: the socket's, or behind a trusted proxy the last one it added."""
    if settings.LEADS_TRUST_X_FORWARDED_FOR:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        last = forwarded.split(",")[-1].strip()
        if last:
            return last[:45]
    return request.META.get("REMOTE_ADDR")
