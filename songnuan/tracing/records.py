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
    day = day or datetime.date.today()
    marks = tuple(m.strip() for m in person.marks.replace("；", ";").replace("，", ";")
                  .replace(",", ";").split(";") if m.strip())
    birth_year = person.birth_date.year if person.birth_date else None
    id_number = person.id_number() if person.id_number_cipher else ""
    return Record(
        record_id=f"P{person.pk}", name=person.name or person.self_name, sex=person.sex,
        birth_year=birth_year, age_estimate=(
            float(person.age_estimate) if person.age_estimate is not None and not birth_year
            else None),
        recorded_on=person.age_estimated_on or day,
        height_cm=float(person.height_cm) if person.height_cm else None,
        id_number=id_number, native_place=person.native_place, dialect=person.dialect,
        features=marks, kind=FOUND, face=person_face(person),
    )


def person_face(person: Person) -> tuple[float, ...] | None:
    """The embedding of the person's latest photo that shows a face."""
    face = PhotoFace.objects.filter(photo__person=person, embedding__isnull=False).order_by(
        "-photo__taken_at").first()
    return tuple(face.embedding) if face else None
