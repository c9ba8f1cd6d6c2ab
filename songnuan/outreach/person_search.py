"""The encounter form's quick search of person files: by the characters of any name they go by,
or by pinyin typed on a phone keyboard in the cold ("laoli", "ll" for 老李)."""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet

from songnuan.linkage.names import char_pinyin
from songnuan.people.models import Person

LATIN = re.compile(r"^[a-z]+$")
MAX_FOUND = 8


def find_people(pool: QuerySet[Person], query: str) -> list[Person]:
    """Live person files in `pool` matching the query, at most MAX_FOUND."""
    query = query.strip().lower().replace(" ", "")
    if not query:
        return []
    live = pool.filter(merged_into__isnull=True)
    if not LATIN.match(query):
        return list(live.filter(Q(name__icontains=query) | Q(self_name__icontains=query)
                                | Q(alias__icontains=query))[:MAX_FOUND])
    found = []
    for pk, *names in live.values_list("pk", "name", "self_name", "alias").iterator():
        if any(_pinyin_matches(name, query) for name in names if name):
            found.append(pk)
            if len(found) == MAX_FOUND:
                break
    return list(Person.objects.filter(pk__in=found))


def _pinyin_matches(name: str, query: str) -> bool:
    syllables = [char_pinyin(ch) for ch in name]
    full = "".join(syllables)
    initials = "".join(s[:1] for s in syllables)
    return full.startswith(query) or initials.startswith(query) or (
        len(query) >= 3 and query in full)
