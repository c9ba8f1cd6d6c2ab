"""Where tracing plugs into other apps without editing them: admission and person duplicates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

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
    from songnuan.people.duplicates import Candidate
    from songnuan.tracing.person_index import persons

    found = []
    for other, match in persons.query(person, pool, k=5, threshold=DUPLICATE_THRESHOLD):
        why = "；".join(text for _code, bits, text in match.explanation[:3] if bits > 0)
        found.append(Candidate(other, match.score, why or _("Similar records")))
    return found


def register_duplicate_matcher() -> None:
    from songnuan.people.duplicates import register_matcher

    register_matcher(engine_duplicates)
