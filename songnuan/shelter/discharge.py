"""Discharge (离站): how the stay ends, checked field by field, the bed freed, belongings
returned and the person's status moved on."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.actors import recorded
from songnuan.people.models import Status
from songnuan.people.services import move_person
from songnuan.refusals import Refused
from songnuan.shelter.listeners import left_without_discharge
from songnuan.shelter.models import (
    Alert,
    Outcome,
    Stay,
    StayStatus,
    TravelMode,
)
from songnuan.shelter.stays import ensure_open


@dataclass
class DischargeInput:
    outcome: str = ""
    destination: str = ""
    travel_mode: str = ""
    family_contact: str = ""
    family_phone: str = ""
    notes: str = ""


REQUIRED_FOR_OUTCOME = {
    Outcome.RETURNED_HOME: ("destination", "travel_mode"),
    Outcome.TRANSFERRED: ("destination",),
    Outcome.HOSPITAL: ("destination",),
    Outcome.LEFT: ("notes",),
    Outcome.SETTLED: ("destination",),
}
STATUS_AFTER = {
    Outcome.RETURNED_HOME: Status.RETURNED_HOME,
    Outcome.TRANSFERRED: Status.IN_STATION,
    Outcome.HOSPITAL: Status.IN_HOSPITAL,
    Outcome.LEFT: Status.ON_STREET,
    Outcome.SETTLED: Status.SETTLED,
}


def _required_message(outcome: str, name: str) -> str:
    messages = {
        ("destination", Outcome.RETURNED_HOME): _("Where is the person going home to?"),
        ("destination", Outcome.TRANSFERRED): _("Which station or institution takes them?"),
        ("destination", Outcome.HOSPITAL): _("Which hospital?"),
        ("destination", Outcome.SETTLED): _("Where are they settled (institution or address)?"),
        ("travel_mode", Outcome.RETURNED_HOME): _("How do they travel home?"),
        ("notes", Outcome.LEFT): _("Record when and how they left, and what they were told."),
    }
    return messages.get((name, outcome), _("This field is required."))


def discharge_refusals(data: DischargeInput) -> list[Refused]:
    """Everything missing or wrong in a discharge, field by field (a form shows them all)."""
    if data.outcome not in Outcome.values:
        return [Refused(_("Choose how the stay ends."), field="outcome")]
    found = [Refused(_required_message(data.outcome, name), field=name)
             for name in REQUIRED_FOR_OUTCOME[data.outcome] if not getattr(data, name).strip()]
    if data.outcome != Outcome.RETURNED_HOME:
        return found
    if data.travel_mode and data.travel_mode not in TravelMode.values:
        found.append(Refused(_("Choose how they travel home."), field="travel_mode"))
    if not (data.family_contact.strip() or data.family_phone.strip()) and (
            data.travel_mode in (TravelMode.FAMILY, TravelMode.ESCORT)):
        found.append(Refused(_("Who in the family receives them, and their phone?"),
                             field="family_contact"))
    if data.travel_mode == TravelMode.FAMILY and not data.family_phone.strip():
        found.append(Refused(_("The family's phone number, please."), field="family_phone"))
    return found


def check_discharge(data: DischargeInput) -> None:
    for refusal in discharge_refusals(data):
        raise refusal


@transaction.atomic
def discharge(stay: Stay, data: DischargeInput, *, by: Any,
              now: datetime.datetime | None = None) -> Stay:
    """Discharge (离站): record how the stay ends, free the bed, return belongings."""
    now = now or timezone.now()
    stay = Stay.objects.select_for_update().select_related("person", "site").get(pk=stay.pk)
    ensure_open(stay)
    check_discharge(data)
    if now < stay.admitted_at:
        raise Refused(_("The discharge cannot be before the admission."))
    stay.status = StayStatus.CLOSED
    stay.discharged_at = now
    stay.discharged_by = recorded(by)
    stay.outcome = data.outcome
    stay.destination = data.destination.strip()
    stay.travel_mode = data.travel_mode if data.outcome == Outcome.RETURNED_HOME else ""
    stay.family_contact = data.family_contact.strip()
    stay.family_phone = data.family_phone.strip()
    stay.discharge_notes = data.notes.strip()
    if stay.items_held and not stay.items_returned_at:
        stay.items_returned_at = now
    stay.save()
    Alert.objects.filter(stay=stay, resolved_at__isnull=True).update(resolved_at=now)
    district_id = stay.site.district_id
    move_person(stay.person, STATUS_AFTER[data.outcome], site=None, district_id=district_id,
                day=timezone.localdate(now))
    if data.outcome == Outcome.LEFT:
        left_without_discharge(stay, by)
    return stay
