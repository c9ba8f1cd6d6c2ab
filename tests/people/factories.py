"""Small factories for person files and valid (made-up) ID numbers."""

from __future__ import annotations

import datetime
import itertools

from songnuan.people.identity import check_character
from songnuan.people.models import Person
from songnuan.people.services import save_person

_sequence = itertools.count(101)


def id_number(region: str = "370202", birth: str = "19800101", sex: str = "M") -> str:
    """A number that passes every check: region, birth date, sequence (odd for men), check."""
    order = 100 + (2 * next(_sequence)) % 898 + (1 if sex == "M" else 0)
    body = f"{region}{birth}{order:03d}"
    return body + check_character(body)


def make_person(name: str = "王建国", *, sex: str = "M", age: int | None = 45,
                birth_date: datetime.date | None = None, id_number: str = "", district=None,
                site=None, by=None, **fields) -> Person:
    person = Person(name=name, sex=sex, birth_date=birth_date,
                    age_estimate=None if birth_date or id_number else age,
                    district=district or (site.district if site else None), registered_at=site,
                    **fields)
    return save_person(person, id_number=id_number, by=by)
