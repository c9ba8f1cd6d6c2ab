"""The daily logs of a station and a relief point: roll calls with temperatures, meals, notes,
disinfection, and people warming up at a relief point."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.actors import recorded
from songnuan.people.models import Person, Status
from songnuan.people.services import move_person
from songnuan.refusals import Conflict, Refused
from songnuan.shelter.admission import MAX_TEMPERATURE_C, MIN_TEMPERATURE_C
from songnuan.shelter.models import (
    Alert,
    AlertKind,
    Disinfection,
    EntryCheck,
    LogKind,
    ReliefVisit,
    Stay,
    StayLog,
    Zone,
)
from songnuan.shelter.stays import ensure_open

# --- Daily logs ----------------------------------------------------------------------------

@dataclass(frozen=True)
class RollCallEntry:
    stay: Stay
    present: bool
    temperature_c: Decimal | None = None


def _open_stays_of(site: Any, stays: Iterable[Stay]) -> list[Stay]:
    stays = list(stays)
    for stay in stays:
        if stay.site_id != site.pk:
            raise Refused(_("A stay in this list is not at this station."))
        ensure_open(stay)
    return stays


@transaction.atomic
def record_roll_call(site: Any, entries: list[RollCallEntry], *, by: Any,
                     at: datetime.datetime | None = None) -> list[StayLog]:
    """A roll call with, where taken, each person's temperature (health monitoring)."""
    at = at or timezone.now()
    _open_stays_of(site, [entry.stay for entry in entries])
    logs = []
    for entry in entries:
        if entry.temperature_c is not None and not (
                MIN_TEMPERATURE_C <= entry.temperature_c <= MAX_TEMPERATURE_C):
            raise Refused(_(
                "%(person)s: a body temperature between %(low)s and %(high)s °C, please."
            ) % {"person": entry.stay.person, "low": MIN_TEMPERATURE_C,
                 "high": MAX_TEMPERATURE_C}, field="temperature_c")
        logs.append(StayLog.objects.create(stay=entry.stay, kind=LogKind.ROLL_CALL, at=at,
                                           present=entry.present, recorded_by=recorded(by)))
        if entry.temperature_c is not None:
            logs.append(StayLog.objects.create(
                stay=entry.stay, kind=LogKind.HEALTH, at=at, temperature_c=entry.temperature_c,
                recorded_by=recorded(by)))
    return logs


@transaction.atomic
def record_meal(site: Any, meal: str, stays: list[Stay], *, by: Any,
                at: datetime.datetime | None = None) -> list[StayLog]:
    at = at or timezone.now()
    stays = _open_stays_of(site, stays)
    return [StayLog.objects.create(stay=stay, kind=LogKind.MEAL, meal=meal, at=at,
                                   recorded_by=recorded(by)) for stay in stays]


@transaction.atomic
def record_note(stay: Stay, notes: str, *, by: Any) -> StayLog:
    ensure_open(stay)
    if not notes.strip():
        raise Refused(_("Write the note."), field="notes")
    return StayLog.objects.create(stay=stay, kind=LogKind.NOTE, notes=notes.strip(),
                                  recorded_by=recorded(by))


@transaction.atomic
def record_disinfection(zone: Zone, *, by: Any, agent: str = "", notes: str = "",
                        at: datetime.datetime | None = None) -> Disinfection:
    done = Disinfection.objects.create(zone=zone, agent=agent.strip(), notes=notes.strip(),
                                       done_at=at or timezone.now(), done_by=recorded(by))
    Alert.objects.filter(zone=zone, kind=AlertKind.NOT_DISINFECTED,
                         resolved_at__isnull=True).update(resolved_at=done.done_at)
    return done


def record_entry_check(site: Any, *, by: Any, stay: Stay | None = None, who: str = "",
                       items_found: str = "", items_confiscated: str = "", refused: bool = False,
                       refusal_reason: str = "",
                       at: datetime.datetime | None = None) -> EntryCheck:
    """The security check at the door: for a person staying here or someone described, what was
    found and taken, or that they were refused entry and why."""
    refusals = []
    if stay is not None and stay.site_id != site.pk:
        refusals.append(Refused(_("This person is not staying at this station."), field="stay"))
    if stay is None and not who.strip():
        refusals.append(Refused(_("Choose the person staying here, or describe who it was."),
                                field="who"))
    if refused and stay is not None:
        refusals.append(Refused(_("A person refused entry has no stay here: describe them "
                                  "instead."), field="stay"))
    if refused and not refusal_reason.strip():
        refusals.append(Refused(_("Say why entry was refused."), field="refusal_reason"))
    if items_confiscated.strip() and not items_found.strip():
        refusals.append(Refused(_("Write what was found, including what was taken."),
                                field="items_found"))
    for refusal in refusals:
        raise refusal
    return EntryCheck.objects.create(
        site=site, stay=stay, who=who.strip(), items_found=items_found.strip(),
        items_confiscated=items_confiscated.strip(), refused=refused,
        refusal_reason=refusal_reason.strip() if refused else "", at=at or timezone.now(),
        recorded_by=recorded(by))


# --- Relief-point visits -------------------------------------------------------------------

@transaction.atomic
def record_visit(site: Any, *, by: Any, description: str = "", person: Person | None = None,
                 people_count: int = 1, services: str = "") -> ReliefVisit:
    if people_count < 1 or people_count > 50:
        raise Refused(_("Between 1 and 50 people, please."), field="people_count")
    visit = ReliefVisit.objects.create(
        site=site, person=person, description=description.strip(), people_count=people_count,
        services=services.strip(), recorded_by=recorded(by))
    if person is not None and person.status in (Status.ON_STREET,):
        move_person(person, Status.AT_RELIEF_POINT, site=site)
    return visit


@transaction.atomic
def end_visit(visit: ReliefVisit, at: datetime.datetime | None = None) -> ReliefVisit:
    if visit.left_at:
        raise Conflict(_("This visit has already ended."))
    visit.left_at = at or timezone.now()
    visit.save()
    if visit.person_id and visit.person.status == Status.AT_RELIEF_POINT:
        move_person(visit.person, Status.ON_STREET, site=None, district_id=visit.site.district_id)
    return visit


@transaction.atomic
def link_visit(visit: ReliefVisit, person: Person) -> ReliefVisit:
    visit.person = person
    visit.save()
    return visit
