"""Changes to an open stay: the security check, a bed move, an extension, support actions done
and referrals to hospitals, the police or institutions."""

from __future__ import annotations

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.actors import recorded
from songnuan.refusals import Conflict, Refused
from songnuan.shelter.allocation import Screening
from songnuan.shelter.beds import check_bed, placement_for
from songnuan.shelter.models import (
    Bed,
    Referral,
    ReferralStatus,
    Stay,
    SupportAction,
)

MAX_EXTENSION_DAYS = 90


def ensure_open(stay: Stay) -> None:
    if not stay.is_open:
        raise Conflict(_("This stay is closed: a discharged stay cannot be changed."))


@transaction.atomic
def update_security_check(stay: Stay, *, items_held: str | None = None,
                          dangerous_items: str | None = None) -> Stay:
    stay = Stay.objects.select_for_update().get(pk=stay.pk)
    ensure_open(stay)
    if items_held is not None:
        stay.items_held = items_held.strip()
    if dangerous_items is not None:
        stay.dangerous_items = dangerous_items.strip()
    stay.save()
    return stay


@transaction.atomic
def move_bed(stay: Stay, bed: Bed, *, by: Any, override_reason: str = "") -> Stay:
    stay = Stay.objects.select_for_update().select_related("person").get(pk=stay.pk)
    ensure_open(stay)
    screening = Screening(
        temperature_c=stay.temperature_c, infectious_symptoms=stay.infectious_symptoms,
        mental_illness_signs=stay.mental_illness_signs, injuries=stay.injuries,
        frostbite=stay.frostbite, intoxicated=stay.intoxicated)
    placement = placement_for(stay.person, screening)
    override = check_bed(bed, stay.site, placement, by=by, override_reason=override_reason,
                         stay=stay)
    stay.bed, stay.zone = bed, bed.zone
    if override:
        stay.override_reason, stay.override_by = override, recorded(by)
    stay.save()
    return stay


@transaction.atomic
def extend_stay(stay: Stay, *, days: int, reason: str) -> Stay:
    stay = Stay.objects.select_for_update().get(pk=stay.pk)
    ensure_open(stay)
    if not 1 <= days <= MAX_EXTENSION_DAYS:
        raise Refused(_("Extend by 1 to %(max)s days.") % {"max": MAX_EXTENSION_DAYS},
                      field="days")
    if not reason.strip():
        raise Refused(_("Say why the stay is extended."), field="reason")
    stay.limit_days += days
    stay.limit_extension_reason = reason.strip()
    stay.save()
    return stay


def complete_action(action: SupportAction, *, by: Any, notes: str = "",
                    now: datetime.datetime | None = None) -> SupportAction:
    ensure_open(action.stay)
    if action.done_at:
        raise Conflict(_("This action is already done."))
    action.done_at = now or timezone.now()
    action.done_by = recorded(by)
    action.notes = notes.strip()
    action.save()
    return action


# --- Referrals -----------------------------------------------------------------------------

@transaction.atomic
def refer(stay: Stay, *, kind: str, organisation: str, reason: str, by: Any,
          with_police: bool = False, with_health: bool = False,
          now: datetime.datetime | None = None) -> Referral:
    ensure_open(stay)
    if not organisation.strip():
        raise Refused(_("Name the hospital, police unit or institution."), field="organisation")
    if not reason.strip():
        raise Refused(_("Say why the person is referred."), field="reason")
    return Referral.objects.create(
        person=stay.person, site=stay.site, stay=stay, kind=kind,
        organisation=organisation.strip(), reason=reason.strip(), with_police=with_police,
        with_health=with_health, requested_by=recorded(by), requested_at=now or timezone.now(),
    )


@transaction.atomic
def update_referral(referral: Referral, *, status: str, note: str = "") -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    if referral.is_closed:
        raise Conflict(_("This referral is closed."))
    if status not in ReferralStatus.values:
        raise Refused(_("Unknown status."), field="status")
    referral.status = status
    referral.status_note = note.strip()
    referral.save()
    return referral
