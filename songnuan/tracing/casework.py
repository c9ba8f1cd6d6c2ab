"""Tracing cases (寻亲): opened for a person nobody can name, their steps and deadlines, the
officer who holds them and the alerts on overdue steps (settlement: see `settlement`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.duty.models import Severity, Topic
from songnuan.duty.services import alert
from songnuan.people import biometrics
from songnuan.people.models import Person
from songnuan.refusals import Conflict, Refused
from songnuan.tracing import workdays
from songnuan.tracing.models import (
    LIVE_STATUSES,
    CaseStatus,
    CaseStep,
    Ranking,
    StepKind,
    TracingCase,
)
from songnuan.words import for_the_record, said_to_each


def needs_tracing(person: Person) -> bool:
    """Identity is unknown: no name and no ID number on file (the people app's own rule)."""
    return person.is_unidentified


def open_case_for_stay(stay: Any, now: datetime.datetime | None = None) -> TracingCase | None:
    """Open a case when a person of unknown identity is admitted (called on admission), or move
    their live case to this stay; either waits for its comparison with the open reports."""
    person = stay.person
    if not needs_tracing(person):
        return None
    live = TracingCase.objects.filter(person=person).exclude(
        status__in=(CaseStatus.IDENTIFIED, CaseStatus.CLOSED)).first()
    if live is not None:
        live.stay, live.site, live.ranking = stay, stay.site, Ranking.WAITING
        live.save(update_fields=["stay", "site", "ranking"])
        return live
    case = TracingCase.objects.create(person=person, stay=stay, site=stay.site,
                                      opened_at=stay.admitted_at, ranking=Ranking.WAITING)
    schedule_steps(case)
    complete_biometrics_when_taken(person)
    return case


def schedule_steps(case: TracingCase, calendar: workdays.WorkCalendar | None = None) -> None:
    calendar = calendar or workdays.load_calendar()
    for due in workdays.case_deadlines(case.opened_at, calendar):
        CaseStep.objects.update_or_create(case=case, kind=due.kind, defaults={
            "due_at": due.due_at, "calendar_gap": due.calendar_gap})


@transaction.atomic
def complete_step(step: CaseStep, *, by: Any, note: str = "",
                  now: datetime.datetime | None = None) -> CaseStep:
    if step.done_at is None:
        step.done_at = now or timezone.now()
        step.note = note.strip()[:200]
        step.save()
    return step


def complete_biometrics_when_taken(person: Person, now: datetime.datetime | None = None) -> int:
    """Tick the "biometrics" step of the person's live cases once a photo and fingerprints (or
    the recorded reason each is missing) are on file; returns how many steps were ticked."""
    if not biometrics.is_complete(person):
        return 0
    steps = CaseStep.objects.filter(case__person=person, case__status__in=LIVE_STATUSES,
                                    kind=StepKind.BIOMETRICS, done_at__isnull=True)
    ticked = 0
    for step in steps:
        with for_the_record():
            complete_step(step, by=None, note=_("Photo and fingerprints on file"), now=now)
        ticked += 1
    return ticked


def overdue_steps(steps: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """Steps past their due time, of live cases (for dashboards and the duty leader)."""
    return steps.filter(done_at__isnull=True, due_at__lt=now or timezone.now(),
                        case__status__in=(CaseStatus.OPEN, CaseStatus.STRANDED,
                                          CaseStatus.SETTLEMENT)).select_related("case")


def advance_cases(now: datetime.datetime | None = None) -> int:
    """Move cases past 10 days to stranded and past 3 months to settlement (periodic job)."""
    now = now or timezone.now()
    moved = 0
    for kind, status, before in (
        (StepKind.STRANDED, CaseStatus.STRANDED, (CaseStatus.OPEN,)),
        (StepKind.SETTLEMENT, CaseStatus.SETTLEMENT, (CaseStatus.OPEN, CaseStatus.STRANDED)),
    ):
        cases = TracingCase.objects.filter(status__in=before, steps__kind=kind,
                                           steps__due_at__lte=now)
        moved += cases.update(status=status)
    return moved


def eligible_officers(case: TracingCase) -> QuerySet:
    """Active tracing officers who work on the case's district: its own and the city's."""
    return User.objects.filter(
        Q(district=case.site.district_id) | Q(district__isnull=True),
        role=Role.TRACING_OFFICER, is_active=True).order_by("last_name", "first_name", "pk")


@transaction.atomic
def assign_officer(case: TracingCase, officer: Any) -> TracingCase:
    """Make `officer` (None: nobody) responsible for the case; the change is audited."""
    case = TracingCase.objects.select_for_update().get(pk=case.pk)
    if not case.is_live:
        raise Conflict(_("This case is closed."))
    if officer is not None and not eligible_officers(case).filter(pk=officer.pk).exists():
        raise Refused(_("Choose an active tracing officer of this case's district or of the "
                        "city."), field="officer")
    case.officer = officer
    case.save(update_fields=["officer"])
    return case


def notify_case_people(case: TracingCase, *, text: str | Promise, key: str,
                       severity: str = Severity.WARNING,
                       now: datetime.datetime | None = None) -> list:
    """Tell the district's leader on duty and the case officer (or, for a case nobody holds,
    the district's tracing officers) a fact about the case, once per `key`."""
    district = case.site.district
    also = [case.officer] if case.officer else list(User.objects.filter(
        role=Role.TRACING_OFFICER, district=district, is_active=True))
    return alert(district, topic=Topic.TRACING_OVERDUE, text=text, url=case.get_absolute_url(),
                 key=key, severity=severity, also=also, at=now or timezone.now())


def alert_overdue_steps(now: datetime.datetime | None = None) -> int:
    """Tell the district's leader on duty and the case officer (or, for a case nobody holds,
    the district's tracing officers), once per overdue step."""

    now = now or timezone.now()
    steps = overdue_steps(CaseStep.objects.all(), now).select_related(
        "case__site__district", "case__person", "case__officer")
    officers: dict[int, list] = {}
    sent = 0
    for step in steps:
        district = step.case.site.district
        if district.pk not in officers:
            officers[district.pk] = list(User.objects.filter(
                role=Role.TRACING_OFFICER, district=district, is_active=True))
        also = [step.case.officer] if step.case.officer else officers[district.pk]
        created = alert(district, topic=Topic.TRACING_OVERDUE,
                        text=said_to_each(_step_due_text, step),
                        url=step.case.get_absolute_url(), key=f"tracing-step:{step.pk}",
                        severity=Severity.WARNING, also=also, at=now)
        sent += bool(created)
    return sent


def _step_due_text(step: CaseStep) -> str:
    return _("%(case)s: “%(step)s” was due %(due)s.") % {
        "case": step.case, "step": step.get_kind_display(),
        "due": f"{timezone.localtime(step.due_at):%m-%d %H:%M}"}


def live_cases() -> QuerySet:
    return TracingCase.objects.filter(status__in=(
        CaseStatus.OPEN, CaseStatus.STRANDED, CaseStatus.SETTLEMENT)).select_related("person")
