"""Station life: expected arrivals, admissions (入站) with their checks, zones and beds,
daily logs, referrals, support plans, discharges (离站) and light relief-point visits.

A Stay is one admission to one site, from the security check to the discharge; it is closed by
the discharge and cannot be edited afterwards.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping

SITE_SCOPING = Scoping(district="site__district", site="site")


class ZoneSex(models.TextChoices):
    MEN = "M", _("Men")
    WOMEN = "F", _("Women")
    ANY = "", _("Any")


class AgeGroup(models.TextChoices):
    MINOR = "minor", _("Minors")
    ADULT = "adult", _("Adults")
    ELDERLY = "elderly", _("Elderly")


class Condition(models.TextChoices):
    """What a person's physical and mental state calls for, mildest first."""

    GENERAL = "general", _("General")
    MEDICAL = "medical", _("Medical observation")
    MENTAL = "mental", _("Mental-health observation")
    ISOLATION = "isolation", _("Infectious isolation")


class Zone(AuditedModel):
    """A part of a station housing one kind of person (分区居住: by sex, age and condition)."""

    site = models.ForeignKey("network.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="zones")
    name = models.CharField(_("name"), max_length=50)
    sex = models.CharField(_("sex"), max_length=1, choices=ZoneSex.choices, blank=True)
    age_group = models.CharField(_("age group"), max_length=10, choices=AgeGroup.choices,
                                 default=AgeGroup.ADULT)
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices,
                                 default=Condition.GENERAL)
    is_active = models.BooleanField(_("in use"), default=True)

    objects = ScopedQuerySet.as_manager()
    scoping = SITE_SCOPING

    class Meta:
        ordering = ["site", "name"]
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        constraints = [models.UniqueConstraint(fields=["site", "name"], name="shelter_zone_name")]

    def __str__(self) -> str:
        return self.name

    def rule_label(self) -> str:
        parts = [str(self.get_sex_display()) if self.sex else str(_("Men and women")),
                 str(self.get_age_group_display()), str(self.get_condition_display())]
        return " · ".join(parts)


class Bed(AuditedModel):
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT,
                             related_name="beds")
    label = models.CharField(_("bed"), max_length=20)
    is_active = models.BooleanField(_("in service"), default=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="zone__site__district", site="zone__site")

    class Meta:
        ordering = ["zone", "label"]
        verbose_name = _("bed")
        verbose_name_plural = _("beds")
        constraints = [models.UniqueConstraint(fields=["zone", "label"], name="shelter_bed_label")]

    def __str__(self) -> str:
        return f"{self.zone.name} {self.label}"


class ArrivalStatus(models.TextChoices):
    EXPECTED = "expected", _("Expected")
    ADMITTED = "admitted", _("Admitted")
    CANCELLED = "cancelled", _("Cancelled")


class Arrival(AuditedModel):
    """Someone on their way to a station: a squad escorting a person, a transfer, a phone call."""

    site = models.ForeignKey("network.Site", verbose_name=_("station"), on_delete=models.PROTECT,
                             related_name="arrivals")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="arrivals")
    description = models.CharField(_("description"), max_length=200, blank=True,
                                   help_text=_("Who is coming, when there is no person file yet."))
    coming_from = models.CharField(_("coming from"), max_length=100, blank=True,
                                   help_text=_("The squad, site or place they come from."))
    expected_at = models.DateTimeField(_("expected at"))
    status = models.CharField(_("status"), max_length=10, choices=ArrivalStatus.choices,
                              default=ArrivalStatus.EXPECTED)
    source = models.CharField(_("source"), max_length=100, blank=True,
                              help_text=_("The record that sent them, e.g. outreach.encounter:12."))
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = SITE_SCOPING

    class Meta:
        ordering = ["expected_at", "pk"]
        verbose_name = _("expected arrival")
        verbose_name_plural = _("expected arrivals")

    def __str__(self) -> str:
        who = self.person.display_name if self.person_id else self.description
        return f"{who} ← {self.coming_from}" if self.coming_from else who


class AdmissionRoute(models.TextChoices):
    ESCORTED = "escorted", _("Escorted in")
    WALK_IN = "walk_in", _("Walked in")
    TRANSFER = "transfer", _("Transferred from another site")


class StayStatus(models.TextChoices):
    OPEN = "open", _("In the station")
    CLOSED = "closed", _("Discharged")


class Outcome(models.TextChoices):
    RETURNED_HOME = "returned_home", _("Returned home")
    TRANSFERRED = "transferred", _("Transferred")
    HOSPITAL = "hospital", _("Sent to hospital")
    LEFT = "left", _("Left on their own")
    SETTLED = "settled", _("Settled (落户安置)")


class TravelMode(models.TextChoices):
    TICKET = "ticket", _("Ticket bought for them")
    ESCORT = "escort", _("Escorted home by staff")
    FAMILY = "family", _("Picked up by family")


class Stay(AuditedModel):
    """One admission to a station: checks on arrival, the bed, and the discharge that closes it."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"),
                               on_delete=models.PROTECT, related_name="stays")
    site = models.ForeignKey("network.Site", verbose_name=_("station"), on_delete=models.PROTECT,
                             related_name="stays")
    arrival = models.OneToOneField(Arrival, verbose_name=_("arrival"), null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="stay")
    route = models.CharField(_("how they came"), max_length=10, choices=AdmissionRoute.choices,
                             default=AdmissionRoute.WALK_IN)
    admitted_at = models.DateTimeField(_("admitted at"), default=timezone.now)
    admitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    # Security check (安检)
    items_held = models.TextField(_("belongings held"), blank=True)
    dangerous_items = models.TextField(_("dangerous items found"), blank=True)
    items_returned_at = models.DateTimeField(_("belongings returned at"), null=True, blank=True)
    # Health screening
    temperature_c = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1,
                                        null=True, blank=True)
    injuries = models.TextField(_("injuries"), blank=True)
    frostbite = models.BooleanField(_("frostbite"), default=False)
    infectious_symptoms = models.BooleanField(_("infectious symptoms"), default=False)
    mental_illness_signs = models.BooleanField(_("signs of mental illness"), default=False)
    intoxicated = models.BooleanField(_("intoxicated"), default=False)
    health_notes = models.TextField(_("health notes"), blank=True)
    # Classification and placement
    condition = models.CharField(_("condition"), max_length=10, choices=Condition.choices,
                                 default=Condition.GENERAL)
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="stays")
    bed = models.ForeignKey(Bed, verbose_name=_("bed"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="stays")
    override_reason = models.CharField(_("reason for overriding the placement rules"),
                                       max_length=200, blank=True)
    override_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    limit_days = models.PositiveSmallIntegerField(_("stay limit (days)"))
    limit_extension_reason = models.CharField(_("why the stay was extended"), max_length=200,
                                              blank=True)
    status = models.CharField(_("status"), max_length=10, choices=StayStatus.choices,
                              default=StayStatus.OPEN)
    # Discharge (离站)
    discharged_at = models.DateTimeField(_("discharged at"), null=True, blank=True)
    discharged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                      on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(pgettext_lazy("stay", "outcome"), max_length=20,
                               choices=Outcome.choices, blank=True)
    destination = models.CharField(_("destination"), max_length=200, blank=True)
    travel_mode = models.CharField(_("how they travel"), max_length=10,
                                   choices=TravelMode.choices, blank=True)
    family_contact = models.CharField(_("family contact"), max_length=100, blank=True)
    family_phone = models.CharField(_("family phone"), max_length=30, blank=True)
    discharge_notes = models.TextField(_("discharge notes"), blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = SITE_SCOPING
    sensitive_fields = ("temperature_c", "injuries", "frostbite", "infectious_symptoms",
                        "mental_illness_signs", "intoxicated", "health_notes")

    class Meta:
        ordering = ["-admitted_at", "-pk"]
        verbose_name = _("stay")
        verbose_name_plural = _("stays")
        permissions = [("override_allocation", _("Can override the zone and bed rules"))]
        constraints = [
            models.UniqueConstraint(fields=["bed"], condition=Q(status="open"),
                                    name="shelter_one_open_stay_per_bed"),
            models.UniqueConstraint(fields=["person"], condition=Q(status="open"),
                                    name="shelter_one_open_stay_per_person"),
        ]
        indexes = [models.Index(fields=["site", "status"])]

    def __str__(self) -> str:
        return f"{self.person} @ {self.site}"

    def get_absolute_url(self) -> str:
        return reverse("shelter:stay", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status == StayStatus.OPEN

    @property
    def due_at(self) -> datetime.datetime:
        return self.admitted_at + datetime.timedelta(days=self.limit_days)

    def days_left(self, now: datetime.datetime | None = None) -> float:
        now = now or timezone.now()
        return (self.due_at - now).total_seconds() / 86400

    def is_over_limit(self, now: datetime.datetime | None = None) -> bool:
        return self.is_open and self.days_left(now) < 0


class LogKind(models.TextChoices):
    ROLL_CALL = "roll_call", _("Roll call")
    MEAL = "meal", _("Meal")
    HEALTH = "health", _("Health check")
    NOTE = "note", _("Note")


class Meal(models.TextChoices):
    BREAKFAST = "breakfast", _("Breakfast")
    LUNCH = "lunch", _("Lunch")
    DINNER = "dinner", _("Dinner")


class StayLog(AuditedModel):
    """A daily service record for one stay: present at roll call, a meal, a health check, a note."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.CASCADE,
                             related_name="logs")
    kind = models.CharField(_("kind"), max_length=10, choices=LogKind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    present = models.BooleanField(_("present"), null=True, blank=True)
    meal = models.CharField(_("meal"), max_length=10, choices=Meal.choices, blank=True)
    temperature_c = models.DecimalField(_("temperature (°C)"), max_digits=3, decimal_places=1,
                                        null=True, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="stay__site__district", site="stay__site")
    sensitive_fields = ("temperature_c",)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("daily log entry")
        verbose_name_plural = _("daily log")
        indexes = [models.Index(fields=["stay", "kind", "at"])]


class EntryCheck(AuditedModel):
    """The security check at a station's door (入站安检): what was found on a person coming in,
    what was taken into safekeeping, or why they were refused entry."""

    site = models.ForeignKey("network.Site", verbose_name=_("station"), on_delete=models.CASCADE,
                             related_name="entry_checks")
    at = models.DateTimeField(_("time"), default=timezone.now)
    stay = models.ForeignKey(Stay, verbose_name=_("stay"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="entry_checks")
    who = models.CharField(_("who"), max_length=100, blank=True,
                           help_text=_("For someone not admitted: a description."))
    items_found = models.CharField(_("items found"), max_length=300, blank=True)
    items_confiscated = models.CharField(_("items confiscated"), max_length=300, blank=True)
    refused = models.BooleanField(_("refused entry"), default=False)
    refusal_reason = models.CharField(_("reason for refusing entry"), max_length=300,
                                      blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="site__district", site="site")

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("security check at entry")
        verbose_name_plural = _("security checks at entry")


class Disinfection(AuditedModel):
    """Daily disinfection of a zone (三(五): 每日消毒)."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.CASCADE,
                             related_name="disinfections")
    done_at = models.DateTimeField(_("done at"), default=timezone.now)
    agent = models.CharField(_("disinfectant"), max_length=60, blank=True)
    notes = models.CharField(_("notes"), max_length=200, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="zone__site__district", site="zone__site")

    class Meta:
        ordering = ["-done_at"]
        verbose_name = _("disinfection")
        verbose_name_plural = _("disinfections")
        indexes = [models.Index(fields=["zone", "done_at"])]


class SupportAction(AuditedModel):
    """One step of a person's support plan, drawn from their categories (三(四))."""

    stay = models.ForeignKey(Stay, verbose_name=_("stay"), on_delete=models.CASCADE,
                             related_name="support_actions")
    category = models.CharField(_("category"), max_length=20)
    action = models.CharField(pgettext_lazy("measure", "action"), max_length=30)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    notes = models.CharField(_("notes"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="stay__site__district", site="stay__site")

    class Meta:
        ordering = ["pk"]
        verbose_name = _("support action")
        verbose_name_plural = _("support plan")
        constraints = [models.UniqueConstraint(fields=["stay", "action"],
                                               name="shelter_one_action_per_stay")]


class ReferralKind(models.TextChoices):
    HOSPITAL = "hospital", _("Hospital")
    PSYCHIATRIC = "psychiatric", _("Psychiatric hospital")
    POLICE = "police", _("Police")
    WELFARE = "welfare", _("Welfare institution")
    WOMENS_FEDERATION = "womens_federation", _("Women's federation")
    EMPLOYMENT = "employment", _("Employment service")
    OTHER = "other", _("Other")


class ReferralStatus(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    ACCEPTED = "accepted", _("Accepted")
    IN_CARE = "in_care", _("In their care")
    COMPLETED = "completed", _("Completed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


REFERRAL_CLOSED = (ReferralStatus.COMPLETED, ReferralStatus.DECLINED, ReferralStatus.CANCELLED)


class Referral(AuditedModel):
    """A person handed to a hospital, the police or an institution, with where it stands."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"),
                               on_delete=models.PROTECT, related_name="referrals")
    site = models.ForeignKey("network.Site", verbose_name=_("referring site"),
                             on_delete=models.PROTECT, related_name="referrals")
    stay = models.ForeignKey(Stay, verbose_name=_("stay"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="referrals")
    kind = models.CharField(_("referred to"), max_length=20, choices=ReferralKind.choices)
    organisation = models.CharField(_("organisation"), max_length=100)
    reason = models.CharField(_("reason"), max_length=200)
    with_police = models.BooleanField(_("police accompany"), default=False)
    with_health = models.BooleanField(_("health workers accompany"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=ReferralStatus.choices,
                              default=ReferralStatus.REQUESTED)
    status_note = models.CharField(_("latest news"), max_length=200, blank=True)
    requested_at = models.DateTimeField(_("requested at"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = SITE_SCOPING
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")

    def __str__(self) -> str:
        return f"{self.person} → {self.organisation}"

    @property
    def is_closed(self) -> bool:
        return self.status in REFERRAL_CLOSED


class ReliefVisit(AuditedModel):
    """A warming visit to a relief point: light, and a person file only when one is linked."""

    site = models.ForeignKey("network.Site", verbose_name=_("relief point"),
                             on_delete=models.PROTECT, related_name="relief_visits")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="relief_visits")
    description = models.CharField(_("description"), max_length=100, blank=True,
                                   help_text=_("e.g. man, about 50, grey coat"))
    people_count = models.PositiveSmallIntegerField(pgettext_lazy("count", "people"), default=1)
    arrived_at = models.DateTimeField(_("arrived at"), default=timezone.now)
    left_at = models.DateTimeField(_("left at"), null=True, blank=True)
    services = models.CharField(_("services given"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = SITE_SCOPING

    class Meta:
        ordering = ["-arrived_at", "-pk"]
        verbose_name = _("relief-point visit")
        verbose_name_plural = _("relief-point visits")
        indexes = [models.Index(fields=["site", "left_at"])]


class AlertKind(models.TextChoices):
    STAY_ENDING = "stay_ending", _("Stay limit approaching")
    STAY_OVER = "stay_over", _("Stay limit passed")
    NOT_DISINFECTED = "not_disinfected", _("Zone not disinfected today")


class Alert(models.Model):
    """A reminder the periodic checks raised, once a day per stay or zone, until resolved."""

    site = models.ForeignKey("network.Site", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=AlertKind.choices)
    day = models.DateField(_("day"))
    stay = models.ForeignKey(Stay, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="alerts")
    zone = models.ForeignKey(Zone, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="alerts")
    raised_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = SITE_SCOPING

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("shelter alert")
        verbose_name_plural = _("shelter alerts")
        constraints = [
            models.UniqueConstraint(fields=["kind", "day", "stay"], condition=Q(stay__isnull=False),
                                    name="shelter_stay_alert_once_a_day"),
            models.UniqueConstraint(fields=["kind", "day", "zone"], condition=Q(zone__isnull=False),
                                    name="shelter_zone_alert_once_a_day"),
        ]
