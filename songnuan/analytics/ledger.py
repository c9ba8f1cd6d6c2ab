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
    person: Person
    reasons: list[str] = field(default_factory=list)
    refusals: int = 0
    last_contact: datetime.datetime | None = None
    next_follow_up: datetime.datetime | None = None


def _reasons(person: Person, refusals: int) -> list[str]:
    reasons = []
    if person.risk_level in (RiskLevel.HIGH, RiskLevel.CRITICAL):
        reasons.append(_("Risk: %(level)s") % {"level": person.get_risk_level_display()})
    if refusals >= REFUSALS_TO_WATCH:
        reasons.append(_("Refused help %(n)s times") % {"n": refusals})
    if Category.ROBBED in person.categories:
        reasons.append(str(Category.ROBBED.label))
    if person.is_unidentified:
        reasons.append(_("Not identified"))
    return reasons


def ledger(user, district_ids) -> list[Entry]:
    people = (Person.objects.restrict(user, "view")
              .filter(district_id__in=district_ids, merged_into__isnull=True,
                      status__in=WATCHED_STATUSES).select_related("district")
              .defer("marks", "mental_state", "health_notes", "risk_reasons"))
    refusals = dict(EncounterPerson.objects.filter(person__in=people.values("pk"),
                                                   outcome=EncounterOutcome.REFUSED)
                    .order_by().values("person_id").annotate(n=Count("pk"))
                    .values_list("person_id", "n"))
    entries = [Entry(person, reasons, refusals.get(person.pk, 0))
               for person in people if (reasons := _reasons(person, refusals.get(person.pk, 0)))]
    ids = [entry.person.pk for entry in entries]
    contacts = dict(EncounterPerson.objects.filter(person_id__in=ids).order_by()
                    .values("person_id").annotate(last=Max("encounter__at"))
                    .values_list("person_id", "last"))
    follow_ups = dict(FollowUp.objects.filter(person_id__in=ids, status=FollowUpStatus.DUE)
                      .order_by().values("person_id").annotate(next=Min("due_at"))
                      .values_list("person_id", "next"))
    for entry in entries:
        entry.last_contact = contacts.get(entry.person.pk)
        entry.next_follow_up = follow_ups.get(entry.person.pk)
    return sorted(entries, key=lambda e: (RISK_ORDER.get(e.person.risk_level, 9),
                                          -(e.last_contact.timestamp() if e.last_contact else 0),
                                          e.person.pk))
