"""The live person files in the linkage engine's index, kept in this process between requests.

Building the index costs about a millisecond per file, far too much for every page view of a
person file, so it is built once (before the server forks its workers, see songnuan.wsgi) and
brought up to date from the database before each query: files changed since the last sync are
read again, merged ones leave the index. Answers are filtered through the viewer's own pool, so
the index itself is not scoped and a file deleted meanwhile is never shown.
"""

from __future__ import annotations

import datetime
import threading
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils import timezone

from songnuan.linkage import Index, Match
from songnuan.people.models import Person

# Rows changed by a transaction that commits after a sync may carry an earlier updated_at; every
# sync reads this much again so that such a change is still seen.
RESYNC_OVERLAP = datetime.timedelta(minutes=5)
SYNC_BATCH = 1000


class PersonIndex:
    def __init__(self) -> None:
        self._index: Index | None = None
        self._synced_at: datetime.datetime | None = None
        self._seen: dict[int, datetime.datetime] = {}  # the updated_at of each file as indexed
        self._lock = threading.Lock()

    def query(self, person: Person, pool: QuerySet, k: int, threshold: float
              ) -> list[tuple[Person, Match]]:
        """The k best matches of person among the live files of pool, with those files."""
        from songnuan.tracing import records

        with self._lock:
            index = self._sync()
            matches = index.query(records.person_record(person), k=k * 4, threshold=threshold)
        wanted = {int(m.right_id[1:]): m for m in matches if m.right_id != f"P{person.pk}"}
        visible = pool.filter(pk__in=wanted, merged_into__isnull=True)
        found = [(other, wanted[other.pk]) for other in visible]
        found.sort(key=lambda pair: -pair[1].score)
        return found[:k]

    def warm(self) -> None:
        with self._lock:
            self._sync()

    def clear(self) -> None:
        with self._lock:
            self._index = None
            self._synced_at = None
            self._seen = {}

    def _sync(self) -> Index:
        from songnuan.tracing import matching

        now = timezone.now()
        if self._index is None or self._synced_at is None:
            # Built aside and kept only once complete: a failure half way leaves nothing behind.
            self._seen = {}
            index = Index(matching.duplicate_parameters())
            stamps = Person.objects.filter(merged_into__isnull=True)
        else:
            index = self._index
            stamps = Person.objects.filter(updated_at__gte=self._synced_at - RESYNC_OVERLAP)
        stale = [pk for pk, stamp in stamps.values_list("pk", "updated_at")
                 if self._seen.get(pk) != stamp]
        for start in range(0, len(stale), SYNC_BATCH):
            self._apply(index, Person.objects.filter(pk__in=stale[start:start + SYNC_BATCH]))
        self._index, self._synced_at = index, now
        return index

    def _apply(self, index: Index, persons: Iterable[Person]) -> None:
        from songnuan.tracing import records

        live = []
        for person in persons:
            self._seen[person.pk] = person.updated_at
            if person.merged_into_id is None:
                live.append(person)
            elif f"P{person.pk}" in index:
                index.remove(f"P{person.pk}")
        index.add_many(records.person_records(live))


persons = PersonIndex()
