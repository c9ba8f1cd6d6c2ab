"""Where tracing plugs into other apps without editing them: admission and person duplicates."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

# Building the engine's index costs about a millisecond per file; beyond this many files in the
# viewer's pool only the most recently updated are compared.
DUPLICATE_POOL_LIMIT = 5000
DUPLICATE_THRESHOLD = 0.5


def stay_saved(sender: Any, instance: Any, created: bool, raw: bool = False, **kwargs: Any) -> None:
    """On admission of a person of unknown identity, open a case and rank the open reports."""
    if not created or raw:
        return
    from songnuan.tracing import services

    case = services.open_case_for_stay(instance)
    if case is not None:
        services.rank_candidates(case)


def photo_saved(sender: Any, instance: Any, created: bool, raw: bool = False,
                **kwargs: Any) -> None:
    """A new person photo, or a report filed with one, gets its face embedded in the background
    (only where the faces extra is installed)."""
    from django.db import transaction

    from songnuan.tracing import faces, tasks
    from songnuan.tracing.models import MissingReport

    if not created or raw or not faces.available():
        return
    if isinstance(instance, MissingReport):
        if instance.photo:
            transaction.on_commit(lambda: tasks.embed_report_photo.enqueue(instance.pk))
    else:
        transaction.on_commit(lambda: tasks.embed_person_photo.enqueue(instance.pk))


def engine_duplicates(person: Any, pool: QuerySet) -> Iterable[Any]:
    """Person files the linkage engine thinks are the same person (replaces the exact rule)."""
    from songnuan.linkage import Index
    from songnuan.people.duplicates import Candidate
    from songnuan.tracing import records, services

    day = datetime.date.today()
    others = {p.pk: p for p in pool.order_by("-updated_at")[:DUPLICATE_POOL_LIMIT]}
    if not others:
        return []
    index = Index(services.duplicate_parameters(),
                  (records.person_record(p, day) for p in others.values()))
    found = []
    for match in index.query(records.person_record(person, day), k=5,
                             threshold=DUPLICATE_THRESHOLD):
        other = others[int(match.right_id[1:])]
        why = "；".join(text for _code, bits, text in match.explanation[:3] if bits > 0)
        found.append(Candidate(other, match.score, why or _("Similar records")))
    return found


def register_duplicate_matcher() -> None:
    from songnuan.people.duplicates import register_matcher

    register_matcher(engine_duplicates)
