"""Person files and missing-person reports as the linkage engine's records."""

from __future__ import annotations

import datetime

from songnuan.linkage import FOUND, MISSING, Record
from songnuan.people.models import Person
from songnuan.tracing.models import MissingReport, PhotoFace


def report_record(report: MissingReport) -> Record:
    return Record(
        record_id=f"R{report.pk}", name=report.name, sex=report.sex,
        birth_year=report.birth_year, recorded_on=report.created_at.date(),
        height_cm=float(report.height_cm) if report.height_cm else None,
        id_number=report.id_number(), native_place=report.native_place, dialect=report.dialect,
        features=tuple(report.feature_list()), kind=MISSING, missing_since=report.missing_since,
        face=tuple(report.face_embedding) if report.face_embedding else None,
    )


def person_record(person: Person, day: datetime.date | None = None) -> Record:
    return person_records([person], day)[0]


def person_records(persons: list[Person], day: datetime.date | None = None) -> list[Record]:
    """The engine's records of person files, their faces read in one query."""
    day = day or datetime.date.today()
    faces: dict[int, tuple[float, ...]] = {}
    saved = [person.pk for person in persons if person.pk is not None]
    latest_first = PhotoFace.objects.filter(
        photo__person__in=saved, embedding__isnull=False).order_by("-photo__taken_at")
    for person_id, embedding in latest_first.values_list("photo__person_id", "embedding"):
        faces.setdefault(person_id, tuple(embedding))
    return [_person_record(person, day, faces.get(person.pk)) for person in persons]


def _person_record(person: Person, day: datetime.date, face: tuple[float, ...] | None
                   ) -> Record:
    marks = tuple(m.strip() for m in person.marks.replace("；", ";").replace("，", ";")
                  .replace(",", ";").split(";") if m.strip())
    birth_year = person.birth_year if person.has_exact_birth else None
    id_number = person.id_number() if person.id_number_cipher else ""
    return Record(
        record_id=f"P{person.pk}", name=person.name or person.self_name, sex=person.sex,
        birth_year=birth_year, age_estimate=(
            float(person.age_estimate) if person.age_estimate is not None and not birth_year
            else None),
        recorded_on=person.age_estimated_on or day,
        height_cm=float(person.height_cm) if person.height_cm else None,
        id_number=id_number, native_place=person.native_place, dialect=person.dialect,
        features=marks, kind=FOUND, face=face,
    )
