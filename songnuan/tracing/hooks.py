"""Where tracing plugs into other apps without editing them: admission and person duplicates."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from songnuan.people.duplicates import Candidate
from songnuan.tracing import casework, faces, followups, tasks
from songnuan.tracing.models import MissingReport
from songnuan.tracing.person_index import persons

DUPLICATE_THRESHOLD = 0.5


def stay_admitted(stay: Any) -> None:
    """An admission listener: a person nobody can name gets a case in the admission itself;
    the comparison with every open report runs in the worker once the admission commits."""
    case = casework.open_case_for_stay(stay)
    if case is not None:
        transaction.on_commit(lambda: tasks.rank_case.enqueue(case.pk))


def photo_saved(sender: Any, instance: Any, created: bool, raw: bool = False,
                **kwargs: Any) -> None:
    """A new person photo, or a report filed with one, gets its face embedded in the background
    (only where the faces extra is installed)."""
    if not created or raw or not faces.available():
        return
    if isinstance(instance, MissingReport):
        if instance.photo:
            transaction.on_commit(lambda: tasks.embed_report_photo.enqueue(instance.pk))
    else:
        transaction.on_commit(lambda: tasks.embed_person_photo.enqueue(instance.pk))


def engine_duplicates(person: Any, pool: QuerySet) -> Iterable[Any]:
    """Person files the linkage engine thinks are the same person (replaces the exact rule)."""
    found = []
    for other, match in persons.query(person, pool, k=5, threshold=DUPLICATE_THRESHOLD):
        why = "；".join(text for _code, bits, text in match.explanation[:3] if bits > 0)
        found.append(Candidate(other, match.score, why or _("Similar records")))
    return found


def biometrics_saved(sender: Any, instance: Any, created: bool, raw: bool = False,
                     **kwargs: Any) -> None:
    """A photo, fingerprints or the reason one is missing: the case's step may now be done."""
    if created and not raw:
        casework.complete_biometrics_when_taken(instance.person)


def person_met(sender: Any, instance: Any, created: bool, raw: bool = False,
               **kwargs: Any) -> None:
    """A person met on the street: one who went home or was settled is linked to their case
    now (their status is read before the encounter moves it); any other file is compared in
    the background with those who went home."""
    if not created or raw:
        return
    person, encounter = instance.person, instance.encounter
    if person.status in followups.AT_HOME:
        case = followups.case_at_home(person)
        if case is not None:
            transaction.on_commit(lambda: followups.link_encounter(
                case, person, encounter=encounter))
        return
    if followups.anyone_at_home():
        transaction.on_commit(lambda: tasks.match_re_encounter.enqueue(encounter.pk,
                                                                       person.pk))
