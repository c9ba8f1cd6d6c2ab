"""After return (源头治理): follow-up contacts with the family or the local bureau some months
after the person went home, and the person met on the street again linked to their case.

The campaign notice asks for work at the source so that people do not end up on the street
again (三(二)); the follow-up months are a setting (TRACING_FOLLOW_UP_MONTHS, default 1 and 3).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.duty.models import Severity
from songnuan.people.models import Person, Status
from songnuan.refusals import Conflict, Refused
from songnuan.tracing import casework, workdays
from songnuan.tracing.models import FollowUp, ReEncounter, ReturnPlan, TracingCase
from songnuan.tracing.person_index import persons
from songnuan.words import said_to_each

AT_HOME = (Status.RETURNED_HOME, Status.SETTLED)
RE_ENCOUNTER_THRESHOLD = 0.8


def schedule(plan: ReturnPlan) -> list[FollowUp]:
    """The follow-ups of a return, counted from the confirmed arrival (or the departure)."""
    start = plan.arrived_at or plan.departed_at or timezone.now()
    contact = "，".join(part for part in (plan.receiver_org, plan.receiver_name,
                                          plan.receiver_phone) if part)
    return [FollowUp.objects.update_or_create(case=plan.case, months=months, defaults={
        "due_at": workdays.add_months(start, months), "contact": contact[:200]})[0]
        for months in sorted(set(settings.TRACING_FOLLOW_UP_MONTHS))]


def due(follow_ups: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """Follow-ups not done whose day has come."""
    return follow_ups.filter(done_at__isnull=True, due_at__lte=now or timezone.now())


@transaction.atomic
def record(follow_up: FollowUp, *, outcome: str, by: Any,
           now: datetime.datetime | None = None) -> FollowUp:
    """The contact was made: how the person is doing, in a sentence."""
    follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
    if follow_up.done_at is not None:
        raise Conflict(_("This follow-up was already recorded."))
    if not outcome.strip():
        raise Refused(_("Say how the person is doing."), field="outcome")
    follow_up.done_at, follow_up.done_by = now or timezone.now(), by
    follow_up.outcome = outcome.strip()[:300]
    follow_up.save()
    return follow_up


def remind(now: datetime.datetime | None = None) -> int:
    """Tell the case officer of follow-ups coming due (once) and of those overdue (once)."""
    now = now or timezone.now()
    ahead = now + datetime.timedelta(days=settings.TRACING_FOLLOW_UP_REMIND_DAYS)
    sent = 0
    for item in FollowUp.objects.filter(done_at__isnull=True, due_at__lte=ahead).select_related(
            "case__site__district", "case__person", "case__officer"):
        overdue = item.due_at < now
        text = said_to_each(_follow_up_text, item, overdue)
        key = f"tracing-follow-up:{item.pk}:{'late' if overdue else 'soon'}"
        sent += bool(casework.notify_case_people(
            item.case, text=text, key=key, now=now,
            severity=Severity.WARNING if overdue else Severity.INFO))
        if item.reminded_at is None:
            item.reminded_at = now
            item.save(update_fields=["reminded_at"])
    return sent


def _follow_up_text(item: FollowUp, overdue: bool) -> str:
    return (_("%(case)s: the %(months)s-month follow-up after return is overdue (%(due)s).")
            if overdue else
            _("%(case)s: the %(months)s-month follow-up after return is due %(due)s.")) % {
        "case": item.case, "months": item.months,
        "due": f"{timezone.localtime(item.due_at):%Y-%m-%d}"}


def anyone_at_home() -> bool:
    """Whether any person went home or was settled (else no street encounter can be one)."""
    return Person.objects.filter(status__in=AT_HOME).exists()


def case_at_home(person: Person) -> TracingCase | None:
    """The latest case of a person who went home or was settled."""
    return TracingCase.objects.filter(person=person).select_related(
        "site__district", "officer", "person").order_by("-opened_at", "-pk").first()


def link_encounter(case: TracingCase, person: Person, *, encounter: Any,
                   score: float = 1.0) -> ReEncounter | None:
    """Link a street encounter to the case of a person who went home, and tell the officer
    (once per encounter)."""
    try:
        with transaction.atomic():
            linked = ReEncounter.objects.create(
                case=case, person=person, encounter_id=encounter.pk, at=encounter.at,
                place=(encounter.place or "")[:200], score=score)
    except IntegrityError:
        return None
    casework.notify_case_people(case, text=said_to_each(_met_again_text, case, encounter),
                                key=f"tracing-re-encounter:{linked.pk}",
                                severity=Severity.WARNING, now=encounter.at)
    return linked


def _met_again_text(case: TracingCase, encounter: Any) -> str:
    return _("%(case)s: %(person)s, who went home, was met on the street again at %(place)s "
             "(%(at)s).") % {"case": case, "person": case.person.display_name,
                             "place": encounter.place or _("an unnamed place"),
                             "at": f"{timezone.localtime(encounter.at):%m-%d %H:%M}"}


def match_encounter(person: Person, encounter: Any) -> ReEncounter | None:
    """A person met on the street whose file is new: the matcher looks for them among the
    people who went home or were settled."""
    pool = Person.objects.filter(status__in=AT_HOME).exclude(pk=person.pk)
    found = persons.query(person, pool, k=1, threshold=RE_ENCOUNTER_THRESHOLD)
    if not found:
        return None
    other, match = found[0]
    case = case_at_home(other)
    return link_encounter(case, person, encounter=encounter, score=match.score) if case else None
