"""Admission (入站): an expected arrival, the security check and health screening, the photo and
fingerprints (or why not), the zone and bed, the person's categories and the support plan.

One transaction: a refused admission writes nothing. Apps above shelter hear of it through
`listeners`, called openly at the end of `admit`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.actors import recorded
from songnuan.people import biometrics
from songnuan.people.biometrics import BiometricsInput
from songnuan.people.models import Category, Flag, Person, Status
from songnuan.people.services import move_person, refresh_derived
from songnuan.refusals import Conflict, Refused
from songnuan.shelter import listeners
from songnuan.shelter.allocation import Screening
from songnuan.shelter.beds import check_bed, free_beds, placement_for, suggest_bed
from songnuan.shelter.models import (
    Arrival,
    ArrivalStatus,
    Bed,
    Stay,
    StayStatus,
    SupportAction,
)

MIN_TEMPERATURE_C = Decimal("30.0")
MAX_TEMPERATURE_C = Decimal("44.0")


# Support plans by category (三(四): emergency and transitional support for the jobless, the
# robbed and victims of domestic violence; the critically ill and suspected mentally ill to
# hospital with police and health workers).
SUPPORT_PLANS: dict[str, tuple[str, ...]] = {
    Category.JOBLESS_MIGRANT: ("job_help", "travel_help"),
    Category.ROBBED: ("police_report", "travel_help"),
    Category.DOMESTIC_VIOLENCE: ("womens_federation", "safety_measures"),
    Category.CRITICALLY_ILL: ("hospital",),
    Category.MENTAL_ILLNESS: ("psychiatric_assessment",),
    Category.MINOR: ("guardian_contact",),
    Category.ELDERLY: ("care_needs",),
    Category.DISABILITY: ("disability_aids",),
}
SUPPORT_ACTIONS = {
    "job_help": gettext_lazy("Job help: refer to the employment service or a job fair"),
    "travel_help": gettext_lazy("Travel help: a ticket home or to work"),
    "police_report": gettext_lazy("Help report the robbery to the police"),
    "womens_federation": gettext_lazy("Refer to the women's federation"),
    "safety_measures": gettext_lazy(
        "Safety measures: keep whereabouts confidential, screen visitors and calls"),
    "hospital": gettext_lazy("Send to hospital, with police and health workers"),
    "psychiatric_assessment": gettext_lazy(
        "Psychiatric assessment, with police and health workers"),
    "guardian_contact": gettext_lazy("Contact the guardians and the minors' protection centre"),
    "care_needs": gettext_lazy("Check care needs and family support"),
    "disability_aids": gettext_lazy("Arrange aids and contact the disabled persons' federation"),
}


# --- Arrivals ------------------------------------------------------------------------------

@transaction.atomic
def expect_arrival(site: Any, *, person: Person | None = None, description: str = "",
                   coming_from: str = "", expected_at: datetime.datetime | None = None,
                   source: str = "", by: Any = None) -> Arrival:
    """Tell a station someone is on the way (outreach calls this when a squad escorts a person).

    The same `source` for the same site is one arrival, so a retried call never makes two.
    """
    if person is None and not description.strip():
        raise Refused(_("Say who is coming, or link a person file."), field="description")
    if source:
        known = Arrival.objects.filter(site=site, source=source).first()
        if known is not None:
            return known
    return Arrival.objects.create(
        site=site, person=person, description=description.strip(),
        coming_from=coming_from.strip(), expected_at=expected_at or timezone.now(),
        source=source, created_by=recorded(by),
    )


@transaction.atomic
def cancel_arrival(arrival: Arrival) -> Arrival:
    if arrival.status != ArrivalStatus.EXPECTED:
        raise Conflict(_("Only an expected arrival can be cancelled."))
    arrival.status = ArrivalStatus.CANCELLED
    arrival.save()
    return arrival


# --- Admission -----------------------------------------------------------------------------

@dataclass
class AdmissionInput:
    route: str = "walk_in"
    items_held: str = ""
    dangerous_items: str = ""
    temperature_c: Decimal | None = None
    injuries: str = ""
    frostbite: bool = False
    infectious_symptoms: bool = False
    mental_illness_signs: bool = False
    intoxicated: bool = False
    health_notes: str = ""
    categories: list[str] = field(default_factory=list)
    bed: Bed | None = None
    override_reason: str = ""
    # None: the caller gathers no biometrics (the API, imports); the tracing step stays open.
    biometrics: BiometricsInput | None = None

    def screening(self, person: Person | None = None) -> Screening:
        critically_ill = Category.CRITICALLY_ILL in self.categories or (
            person is not None and Category.CRITICALLY_ILL in person.categories)
        return Screening(
            temperature_c=self.temperature_c, infectious_symptoms=self.infectious_symptoms,
            mental_illness_signs=self.mental_illness_signs, injuries=self.injuries,
            frostbite=self.frostbite, intoxicated=self.intoxicated,
            critically_ill=critically_ill,
        )


def check_admission_input(data: AdmissionInput) -> None:
    if data.temperature_c is not None and not (
            MIN_TEMPERATURE_C <= Decimal(data.temperature_c) <= MAX_TEMPERATURE_C):
        raise Refused(_("A body temperature between %(low)s and %(high)s °C, please.") % {
            "low": MIN_TEMPERATURE_C, "high": MAX_TEMPERATURE_C}, field="temperature_c")
    unknown = [c for c in data.categories if c not in Category.values]
    if unknown:
        raise Refused(_("Unknown category."), field="categories")
    if data.biometrics is not None:
        biometrics.check_input(data.biometrics)


def check_site_has_room(site: Any) -> None:
    if not free_beds(site).exists():
        used = Stay.objects.filter(site=site, status=StayStatus.OPEN).count()
        raise Conflict(_(
            "%(site)s is full (%(used)s beds taken): refer the person to another station."
        ) % {"site": site, "used": used})


@transaction.atomic
def admit(person: Person, site: Any, data: AdmissionInput, *, by: Any,
          arrival: Arrival | None = None, now: datetime.datetime | None = None) -> Stay:
    """Admission (入站): security check, health screening, classification, zone and bed."""
    now = now or timezone.now()
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id:
        raise Conflict(_("This file was merged into another: admit the kept file."))
    current = Stay.objects.filter(person=person, status=StayStatus.OPEN).select_related("site")
    if current.exists():
        raise Conflict(_("%(person)s is already staying at %(site)s.") % {
            "person": person, "site": current.first().site})
    if arrival is not None:
        arrival = Arrival.objects.select_for_update().get(pk=arrival.pk)
        if arrival.site_id != site.pk or arrival.status != ArrivalStatus.EXPECTED:
            raise Conflict(_("This arrival is not expected at this station."))
    check_admission_input(data)
    check_site_has_room(site)
    placement = placement_for(person, data.screening(person), timezone.localdate(now))
    bed = data.bed or suggest_bed(site, placement)
    if bed is None:
        raise Refused(_(
            "No free bed in a zone that fits this person: choose one and have a manager "
            "override, or refer the person to another station."), field="bed")
    override = check_bed(bed, site, placement, by=by, override_reason=data.override_reason)
    try:
        stay = Stay.objects.create(
            person=person, site=site, arrival=arrival, route=data.route, admitted_at=now,
            admitted_by=recorded(by), items_held=data.items_held.strip(),
            dangerous_items=data.dangerous_items.strip(), temperature_c=data.temperature_c,
            injuries=data.injuries.strip(), frostbite=data.frostbite,
            infectious_symptoms=data.infectious_symptoms,
            mental_illness_signs=data.mental_illness_signs, intoxicated=data.intoxicated,
            health_notes=data.health_notes.strip(), condition=placement.condition,
            zone=bed.zone, bed=bed, override_reason=override,
            override_by=recorded(by) if override else None,
            limit_days=settings.SHELTER_STAY_LIMIT_DAYS,
        )
    except IntegrityError:
        raise Conflict(_("This bed was just taken: choose another."), field="bed") from None
    if arrival is not None:
        arrival.status = ArrivalStatus.ADMITTED
        if arrival.person_id is None:
            arrival.person = person
        arrival.save()
    _classify(person, data)
    if data.biometrics is not None:
        biometrics.record(person, data.biometrics, by=by, now=now)
    move_person(person, Status.IN_STATION, site=site, day=timezone.localdate(now))
    plan_support(stay)
    listeners.admitted(stay)
    return stay


def _classify(person: Person, data: AdmissionInput) -> None:
    person.categories = list(dict.fromkeys([*person.categories, *data.categories]))
    flags = list(person.flags)
    for observed, flag in ((data.frostbite, Flag.FROSTBITE),
                           (bool(data.injuries.strip()), Flag.INJURED),
                           (data.intoxicated, Flag.INTOXICATED),
                           (data.infectious_symptoms, Flag.INFECTIOUS_SYMPTOMS)):
        if observed and flag not in flags:
            flags.append(flag)
    person.flags = flags
    if data.mental_illness_signs and Category.MENTAL_ILLNESS not in person.categories:
        person.categories.append(Category.MENTAL_ILLNESS)


def plan_support(stay: Stay) -> list[SupportAction]:
    """The support plan's actions for the person's categories (kept when already planned)."""
    refresh_derived(stay.person, timezone.localdate())
    created = []
    for category in stay.person.categories:
        for action in SUPPORT_PLANS.get(category, ()):
            item, made = SupportAction.objects.get_or_create(
                stay=stay, action=action, defaults={"category": category})
            if made:
                created.append(item)
    return created
