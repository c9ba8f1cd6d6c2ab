"""Suggest person files that may be the same person.

Until the record-linkage engine is plugged in (`register_matcher`), the rule is exact: the same
ID number, or the same name (or alias) with the same sex and birth year.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from songnuan.people.models import Person


@dataclass(frozen=True)
class Candidate:
    person: Person
    score: float  # 0..1, the probability they are the same person
    reason: Any


# (person, candidates queryset the viewer may see) -> candidates
Matcher = Callable[[Person, QuerySet], Iterable[Candidate]]

_matchers: list[Matcher] = []


def register_matcher(matcher: Matcher) -> None:
    if matcher not in _matchers:
        _matchers.append(matcher)


def exact_rule(person: Person, pool: QuerySet) -> Iterable[Candidate]:
    if person.id_number_digest:
        for other in pool.filter(id_number_digest=person.id_number_digest):
            yield Candidate(other, 1.0, _("Same ID number"))
    names = [name for name in (person.name, person.alias) if name]
    if names and person.birth_year and person.sex:
        same_name = Q(name__in=names) | Q(alias__in=names)
        for other in pool.filter(same_name, sex=person.sex, birth_year=person.birth_year):
            yield Candidate(other, 0.8, _("Same name, sex and birth year"))


def possible_duplicates(person: Person, pool: QuerySet, limit: int = 5) -> list[Candidate]:
    """Live files in `pool` that may be this person, best first."""
    pool = pool.filter(merged_into__isnull=True).exclude(pk=person.pk)
    best: dict[int, Candidate] = {}
    for matcher in [exact_rule, *_matchers]:
        for candidate in matcher(person, pool):
            known = best.get(candidate.person.pk)
            if known is None or candidate.score > known.score:
                best[candidate.person.pk] = candidate
    return sorted(best.values(), key=lambda c: -c.score)[:limit]
