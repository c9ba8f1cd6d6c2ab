"""The key-information ledger (重点信息台账): the people a district must keep an eye on.

A person is on it while not yet safe (on the street, at a relief point or in hospital) and at
least one of: a high or critical risk level, help refused `REFUSALS_TO_WATCH` times or more,
stranded (robbed or stranded), or not identified (no name and no ID number). Each entry gives
the reasons, the last contact (the latest encounter that met them) and the next follow-up due.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Max, Min
from django.utils.translation import gettext as _

from songnuan.outreach.models import EncounterOutcome, EncounterPerson, FollowUp, FollowUpStatus
from songnuan.people.models import Category, Person, RiskLevel, Status

WATCHED_STATUSES = (Status.ON_STREET, Status.AT_RELIEF_POINT, Status.IN_HOSPITAL)
REFUSALS_TO_WATCH = 2
RISK_ORDER = {RiskLevel.CRITICAL: 0, RiskLevel.HIGH: 1, RiskLevel.MEDIUM: 2, RiskLevel.LOW: 3}


@dataclass
class Entry:
    person_id: int
    risk_level: str
    reasons: list[str] = field(default_factory=list)
    refusals: int = 0
    last_contact: datetime.datetime | None = None
    next_follow_up: datetime.datetime | None = None
    person: Person | None = None  # loaded by `with_people`, for the entries shown


def _reasons(risk_level: str, categories: list, unidentified: bool, refusals: int) -> list[str]:
    reasons = []
    if risk_level in (RiskLevel.HIGH, RiskLevel.CRITICAL):
        reasons.append(_("Risk: %(level)s") % {"level": RiskLevel(risk_level).label})
    if refusals >= REFUSALS_TO_WATCH:
        reasons.append(_("Refused help %(n)s times") % {"n": refusals})
    if Category.ROBBED in categories:
        reasons.append(str(Category.ROBBED.label))
    if unidentified:
        reasons.append(_("Not identified"))
    return reasons


def ledger(user, district_ids) -> list[Entry]:
    """Everyone on the ledger, most at risk and most recently met first, with their files."""
    return with_people(ranked(user, district_ids))


def ranked(user, district_ids) -> list[Entry]:
    """Everyone on the ledger in order, without their files: a city's few thousand people are
    ranked from a few columns, and only the page shown loads whole files (`with_people`)."""
    people = (Person.objects.restrict(user, "view")
              .filter(district_id__in=district_ids, merged_into__isnull=True,
                      status__in=WATCHED_STATUSES))
    watched = people.values("pk")
    refusals = dict(EncounterPerson.objects.filter(person__in=watched,
                                                   outcome=EncounterOutcome.REFUSED)
                    .order_by().values("person_id").annotate(n=Count("pk"))
                    .values_list("person_id", "n"))
    contacts = dict(EncounterPerson.objects.filter(person__in=watched).order_by()
                    .values("person_id").annotate(last=Max("encounter__at"))
                    .values_list("person_id", "last"))
    follow_ups = dict(FollowUp.objects.filter(person__in=watched, status=FollowUpStatus.DUE)
                      .order_by().values("person_id").annotate(next=Min("due_at"))
                      .values_list("person_id", "next"))
    entries = []
    for pk, risk_level, categories, name, cipher in people.values_list(
            "pk", "risk_level", "categories", "name", "id_number_cipher"):
        refused = refusals.get(pk, 0)
        reasons = _reasons(risk_level, categories or [], not name and not cipher, refused)
        if reasons:
            entries.append(Entry(pk, risk_level, reasons, refused, contacts.get(pk),
                                 follow_ups.get(pk)))
    return sorted(entries, key=lambda e: (RISK_ORDER.get(e.risk_level, 9),
                                          -(e.last_contact.timestamp() if e.last_contact else 0),
                                          e.person_id))


def with_people(entries: list[Entry]) -> list[Entry]:
    """The entries with their person files loaded, in one query."""
    files = Person.objects.select_related("district").defer(
        "marks", "mental_state", "health_notes", "risk_reasons").in_bulk(
        [entry.person_id for entry in entries])
    for entry in entries:
        entry.person = files[entry.person_id]
    return entries
