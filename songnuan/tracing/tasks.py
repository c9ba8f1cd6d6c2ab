"""Background work of tracing: cases along their legal deadlines, each new case compared with
the open reports after its admission commits, and faces in new photos."""

from __future__ import annotations

import datetime

from django_tasks import task

from songnuan.outreach.models import Encounter
from songnuan.people.models import Person, PersonPhoto
from songnuan.scheduling import periodic
from songnuan.tracing import (
    announcements,
    casework,
    comparisons,
    faces,
    followups,
    matching,
    missing_reports,
    settlement,
)
from songnuan.tracing.models import MissingReport, PhotoFace, TracingCase


@periodic(every=datetime.timedelta(hours=1))
@task(queue_name="periodic")
def advance_cases() -> int:
    """Cases past 10 days become stranded, past 3 months open settlement with its steps;
    overdue steps and follow-ups after return alert."""
    moved = casework.advance_cases()
    settlement.open_due_paths()
    casework.alert_overdue_steps()
    settlement.alert_overdue()
    announcements.remind_refresh()
    comparisons.remind_due()
    followups.remind()
    return moved


@task()
def rank_case(case_id: int) -> int:
    """Compare a case's person with every open report and keep the best candidates for review;
    a failure is marked on the case (the page says so) and `retry_rankings` tries again."""
    case = TracingCase.objects.select_related("person").filter(pk=case_id).first()
    if case is None:
        return 0
    try:
        return len(matching.rank_candidates(case))
    except Exception:
        matching.ranking_failed(case)
        raise


@periodic(every=datetime.timedelta(minutes=10))
@task(queue_name="periodic")
def retry_rankings() -> int:
    """Queue again the comparisons that failed or whose job was lost."""
    cases = list(matching.rankings_to_retry().values_list("pk", flat=True))
    for case_id in cases:
        rank_case.enqueue(case_id)
    return len(cases)


@task()
def embed_report_photo(report_id: int) -> bool:
    """Embed a report's photo (faces extra); a face found re-ranks the report against live cases."""
    report = MissingReport.objects.filter(pk=report_id).first()
    if report is None or not report.photo:
        return False
    with report.photo.open("rb") as image:
        report.face_embedding = faces.embedding(image)
    MissingReport.objects.filter(pk=report_id).update(face_embedding=report.face_embedding)
    if report.face_embedding is not None:
        missing_reports.rank_against_live_cases([report])
    return report.face_embedding is not None


@task()
def embed_person_photo(photo_id: int) -> bool:
    """Embed a person's photo (faces extra); a face found re-ranks the person's live case."""
    photo = PersonPhoto.objects.filter(pk=photo_id).select_related("person").first()
    if photo is None:
        return False
    with photo.image.open("rb") as image:
        vector = faces.embedding(image)
    PhotoFace.objects.update_or_create(photo=photo, defaults={"embedding": vector})
    if vector is not None:
        for case in casework.live_cases().filter(person=photo.person):
            matching.rank_candidates(case)
    return vector is not None


@task()
def match_re_encounter(encounter_id: int, person_id: int) -> bool:
    """Look for a person met on the street among those who went home or were settled."""
    encounter = Encounter.objects.filter(pk=encounter_id).first()
    person = Person.objects.filter(pk=person_id).first()
    if encounter is None or person is None:
        return False
    return followups.match_encounter(person, encounter) is not None
