"""Station workflows: expect an arrival, admit (security check, screening, zone and bed), keep
the daily logs, refer, extend, discharge; and the alerts that keep stays and zones in check.

Every workflow is one transaction: a refused admission or discharge writes nothing. Rules refuse
with `songnuan.refusals.Refused` (`Conflict` when the state of things is at fault).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.accounts.roles import OVERRIDE_ALLOCATION
from songnuan.people.models import Category, Flag, Person, Status
from songnuan.people.services import move_person, refresh_derived
from songnuan.refusals import Conflict, Refused
from songnuan.shelter import allocation, listeners
from songnuan.shelter.allocation import Placement, Screening
from songnuan.shelter.models import (
    Alert,
    AlertKind,
    Arrival,
    ArrivalStatus,
    Bed,
    Disinfection,
    LogKind,
    Outcome,
    Referral,
    ReferralStatus,
    ReliefVisit,
    Stay,
    StayLog,
    StayStatus,
    SupportAction,
    TravelMode,
    Zone,
)

MIN_TEMPERATURE_C = Decimal("30.0")
MAX_TEMPERATURE_C = Decimal("44.0")
MAX_EXTENSION_DAYS = 90

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


def _user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


# --- Zones --------------------------------------------------------------------------------

@transaction.atomic
def create_zone(site: Any, *, name: str, sex: str, age_group: str, condition: str,
                beds: int) -> Zone:
    if Zone.objects.filter(site=site, name=name.strip()).exists():
        raise Refused(_("This station already has a zone of that name."), field="name")
    zone = Zone.objects.create(site=site, name=name.strip(), sex=sex, age_group=age_group,
                               condition=condition)
    Bed.objects.bulk_create([Bed(zone=zone, label=f"{number:02d}")
                             for number in range(1, beds + 1)])
    return zone


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
        source=source, created_by=_user(by),
    )


@transaction.atomic
def cancel_arrival(arrival: Arrival) -> Arrival:
    if arrival.status != ArrivalStatus.EXPECTED:
        raise Conflict(_("Only an expected arrival can be cancelled."))
    arrival.status = ArrivalStatus.CANCELLED
    arrival.save()
    return arrival


# --- Beds ----------------------------------------------------------------------------------

def occupied_bed_ids(site_ids: Iterable[int]) -> set[int]:
    return set(Stay.objects.filter(site_id__in=list(site_ids), status=StayStatus.OPEN,
                                   bed__isnull=False).values_list("bed_id", flat=True))


def free_beds(site: Any) -> QuerySet:
    taken = Stay.objects.filter(bed=OuterRef("pk"), status=StayStatus.OPEN)
    return (Bed.objects.filter(zone__site=site, zone__is_active=True, is_active=True)
            .exclude(Exists(taken)).select_related("zone").order_by("zone__name", "label"))


def placement_for(person: Person, screening: Screening, day: datetime.date | None = None,
                  ) -> Placement:
    day = day or timezone.localdate()
    return Placement(
        sex=person.sex,
        age_group=allocation.age_group_for(person.age_on(day)),
        condition=allocation.condition_for(screening, settings.SHELTER_FEVER_C),
    )


def suggest_bed(site: Any, placement: Placement) -> Bed | None:
    """A free bed in a zone the rules allow, the best-fitting zone first."""
    fitting = [bed for bed in free_beds(site) if not allocation.violations(bed.zone, placement)]
    if not fitting:
        return None
    return min(fitting, key=lambda bed: (*allocation.rank(bed.zone, placement),
                                         bed.zone.name, _natural(bed.label)))


def _natural(label: str) -> tuple:
    digits = "".join(ch for ch in label if ch.isdigit())
    return (int(digits) if digits else 0, label)


def check_bed(bed: Bed, site: Any, placement: Placement, *, by: Any, override_reason: str,
              stay: Stay | None = None) -> str:
    """Refuse a bed that is elsewhere, out of service, taken or against the rules (unless a
    manager overrides with a reason); return the override reason kept on the stay."""
    if bed.zone.site_id != site.pk:
        raise Refused(_("This bed is not in this station."), field="bed")
    if not (bed.is_active and bed.zone.is_active):
        raise Refused(_("This bed is out of service."), field="bed")
    taken = Stay.objects.filter(bed=bed, status=StayStatus.OPEN)
    if stay is not None:
        taken = taken.exclude(pk=stay.pk)
    if taken.exists():
        raise Conflict(_("This bed is taken."), field="bed")
    broken = allocation.violations(bed.zone, placement)
    if not broken:
        return ""
    if not by.has_perm(OVERRIDE_ALLOCATION):
        raise Refused(" ".join(broken) + " " + _(
            "Only a manager can override the placement rules."), field="bed")
    if not override_reason.strip():
        raise Refused(" ".join(broken) + " " + _(
            "Give a reason to override the placement rules."), field="override_reason")
    return override_reason.strip()


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
            admitted_by=_user(by), items_held=data.items_held.strip(),
            dangerous_items=data.dangerous_items.strip(), temperature_c=data.temperature_c,
            injuries=data.injuries.strip(), frostbite=data.frostbite,
            infectious_symptoms=data.infectious_symptoms,
            mental_illness_signs=data.mental_illness_signs, intoxicated=data.intoxicated,
            health_notes=data.health_notes.strip(), condition=placement.condition,
            zone=bed.zone, bed=bed, override_reason=override,
            override_by=_user(by) if override else None,
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
        stay.override_reason, stay.override_by = override, _user(by)
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
                                           present=entry.present, recorded_by=_user(by)))
        if entry.temperature_c is not None:
            logs.append(StayLog.objects.create(
                stay=entry.stay, kind=LogKind.HEALTH, at=at, temperature_c=entry.temperature_c,
                recorded_by=_user(by)))
    return logs


@transaction.atomic
def record_meal(site: Any, meal: str, stays: list[Stay], *, by: Any,
                at: datetime.datetime | None = None) -> list[StayLog]:
    at = at or timezone.now()
    stays = _open_stays_of(site, stays)
    return [StayLog.objects.create(stay=stay, kind=LogKind.MEAL, meal=meal, at=at,
                                   recorded_by=_user(by)) for stay in stays]


@transaction.atomic
def record_note(stay: Stay, notes: str, *, by: Any) -> StayLog:
    ensure_open(stay)
    if not notes.strip():
        raise Refused(_("Write the note."), field="notes")
    return StayLog.objects.create(stay=stay, kind=LogKind.NOTE, notes=notes.strip(),
                                  recorded_by=_user(by))


@transaction.atomic
def record_disinfection(zone: Zone, *, by: Any, agent: str = "", notes: str = "",
                        at: datetime.datetime | None = None) -> Disinfection:
    done = Disinfection.objects.create(zone=zone, agent=agent.strip(), notes=notes.strip(),
                                       done_at=at or timezone.now(), done_by=_user(by))
    Alert.objects.filter(zone=zone, kind=AlertKind.NOT_DISINFECTED,
                         resolved_at__isnull=True).update(resolved_at=done.done_at)
    return done


@transaction.atomic
def complete_action(action: SupportAction, *, by: Any, notes: str = "",
                    now: datetime.datetime | None = None) -> SupportAction:
    ensure_open(action.stay)
    if action.done_at:
        raise Conflict(_("This action is already done."))
    action.done_at = now or timezone.now()
    action.done_by = _user(by)
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
        with_health=with_health, requested_by=_user(by), requested_at=now or timezone.now(),
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


# --- Discharge -----------------------------------------------------------------------------

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
    stay.discharged_by = _user(by)
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
    return stay


# --- Relief-point visits -------------------------------------------------------------------

@transaction.atomic
def record_visit(site: Any, *, by: Any, description: str = "", person: Person | None = None,
                 people_count: int = 1, services: str = "") -> ReliefVisit:
    if people_count < 1 or people_count > 50:
        raise Refused(_("Between 1 and 50 people, please."), field="people_count")
    visit = ReliefVisit.objects.create(
        site=site, person=person, description=description.strip(), people_count=people_count,
        services=services.strip(), recorded_by=_user(by))
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


# --- Alerts --------------------------------------------------------------------------------

def stays_ending(stays: QuerySet, now: datetime.datetime | None = None) -> list[Stay]:
    """Open stays due within SHELTER_STAY_WARNING_DAYS (not yet over), soonest first."""
    now = now or timezone.now()
    horizon = datetime.timedelta(days=settings.SHELTER_STAY_WARNING_DAYS)
    found = [stay for stay in stays.filter(status=StayStatus.OPEN)
             if now <= stay.due_at <= now + horizon]
    return sorted(found, key=lambda stay: stay.due_at)


def stays_over(stays: QuerySet, now: datetime.datetime | None = None) -> list[Stay]:
    now = now or timezone.now()
    found = [stay for stay in stays.filter(status=StayStatus.OPEN) if stay.due_at < now]
    return sorted(found, key=lambda stay: stay.due_at)


def zones_not_disinfected(zones: QuerySet, day: datetime.date | None = None) -> QuerySet:
    """Zones in use (someone stays there) with no disinfection recorded on `day`."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    done = Disinfection.objects.filter(zone=OuterRef("pk"), done_at__gte=start, done_at__lt=end)
    return (zones.filter(is_active=True)
            .annotate(open_stays=Count("stays", filter=Q(stays__status=StayStatus.OPEN)))
            .filter(open_stays__gt=0).exclude(Exists(done)).select_related("site"))


@transaction.atomic
def raise_alerts(now: datetime.datetime | None = None) -> int:
    """Record today's stay-limit and disinfection alerts once each; resolve those that passed."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    stays = Stay.objects.select_related("person")
    raised = 0
    for kind, found in ((AlertKind.STAY_ENDING, stays_ending(stays, now)),
                        (AlertKind.STAY_OVER, stays_over(stays, now))):
        for stay in found:
            _alert, made = Alert.objects.get_or_create(kind=kind, day=day, stay=stay,
                                                  defaults={"site_id": stay.site_id})
            raised += made
    for zone in zones_not_disinfected(Zone.objects.all(), day):
        _alert, made = Alert.objects.get_or_create(
            kind=AlertKind.NOT_DISINFECTED, day=day, zone=zone,
            defaults={"site_id": zone.site_id})
        raised += made
    Alert.objects.filter(day__lt=day, resolved_at__isnull=True).update(resolved_at=now)
    return raised
