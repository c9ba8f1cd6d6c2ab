"""Incidents (突发事件) and emergency plans (应急预案).

The notice asks for emergency plans (三(一)) and for emergencies to be reported at once through
the leader on duty (四(四)). An incident is reported by whoever is there, goes up its reporting
chain as rows of `EscalationStep` (so a worker restart neither loses nor repeats a step), opens
the matching plan's checklist, and is closed only with a written review.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping


class Kind(models.TextChoices):
    DEATH = "death", _("Death")
    COLD_INJURY = "cold_injury", _("Frostbite, hypothermia or serious injury")
    FIRE_GAS = "fire_gas", _("Fire or gas")
    INFECTION = "infection", _("Infectious disease cluster")
    VIOLENCE = "violence", _("Violence or threat")
    MISSING = "missing", _("Person missing from a station")
    ESCORT_ACCIDENT = "escort_accident", _("Traffic accident during an escort")
    PUBLIC_OPINION = "public_opinion", _("Public-opinion event")
    OTHER = "other", pgettext_lazy("incident kind", "Other")


class Level(models.TextChoices):
    """Severity as the national scheme grades emergencies (一般/较大/重大)."""

    GENERAL = "general", pgettext_lazy("incident severity", "General")
    SERIOUS = "serious", pgettext_lazy("incident severity", "Serious")
    MAJOR = "major", pgettext_lazy("incident severity", "Major")


# The incidents `Incident.is_grave` flags, as a filter: the campaign report and the briefing
# count them.
GRAVE = Q(kind=Kind.DEATH) | (Q(kind=Kind.COLD_INJURY) & ~Q(level=Level.GENERAL))


class Status(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("incident", "Reported")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("incident", "Acknowledged")
    CLOSED = "closed", pgettext_lazy("incident", "Closed")


def _reported_by_or_told(user) -> Q:
    told = EscalationStep.objects.filter(recipients=user).values("incident_id")
    return Q(reported_by=user) | Q(pk__in=told)


class Incident(AuditedModel):
    """One emergency: what, how bad, where, who, what was done, and how it was closed."""

    client_request_id = models.CharField(max_length=64, unique=True)
    kind = models.CharField(_("type of incident"), max_length=20, choices=Kind.choices)
    level = models.CharField(_("severity"), max_length=10, choices=Level.choices,
                             default=Level.GENERAL)
    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 on_delete=models.PROTECT, related_name="incidents")
    site = models.ForeignKey("network.Site", verbose_name=_("site"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="incidents")
    task = models.ForeignKey("outreach.Task", verbose_name=_("task"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="incidents")
    place = models.CharField(_("place"), max_length=200)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    occurred_at = models.DateTimeField(_("happened at"))
    reported_at = models.DateTimeField(_("reported at"), db_index=True)
    reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("reported by"),
                                    on_delete=models.PROTECT, related_name="incidents_reported")
    people = models.ManyToManyField("people.Person", verbose_name=_("people involved"),
                                    blank=True, related_name="incidents")
    description = models.TextField(_("what happened"), max_length=2000, blank=True)
    actions_taken = models.TextField(_("what was done"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=15, choices=Status.choices,
                              default=Status.REPORTED)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    written_report_due_at = models.DateTimeField(_("written report due"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    review_cause = models.TextField(_("cause"), max_length=2000, blank=True)
    review_lessons = models.TextField(_("lessons"), max_length=2000, blank=True)
    review_measures = models.TextField(_("measures"), max_length=2000, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", site="site", assigned=_reported_by_or_told)

    class Meta:
        ordering = ["-reported_at", "-pk"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")
        indexes = [models.Index(fields=["district", "status", "reported_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.place}"

    def get_absolute_url(self) -> str:
        return reverse("incidents:detail", args=[self.pk])

    @property
    def is_closed(self) -> bool:
        return self.status == Status.CLOSED

    @property
    def is_grave(self) -> bool:
        """A death or a serious cold injury: flagged in the campaign figures (`GRAVE`)."""
        return self.kind == Kind.DEATH or (
            self.kind == Kind.COLD_INJURY and self.level != Level.GENERAL)


class ActionKind(models.TextChoices):
    REPORTED = "reported", pgettext_lazy("incident", "Reported")
    TOLD = "told", _("Reporting chain")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("incident", "Acknowledged")
    NOTE = "note", _("Action taken")
    CHECKLIST = "checklist", _("Checklist")
    CLOSED = "closed", pgettext_lazy("incident", "Closed")


class IncidentAction(models.Model):
    """One line of the incident's timeline: who did what, when."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="actions")
    kind = models.CharField(max_length=15, choices=ActionKind.choices)
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    text = models.CharField(_("text"), max_length=1000)

    class Meta:
        ordering = ["at", "pk"]


def attachment_path(instance: Attachment, filename: str) -> str:
    return f"incidents/{timezone.now():%Y/%m}/{secrets.token_hex(12)}.{instance.extension}"


class Attachment(models.Model):
    """A photo or a document of an incident: the scene, a doctor's note, the written follow-up.
    Photos are stored without the metadata the camera wrote into them."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("file"), upload_to=attachment_path)
    name = models.CharField(_("name"), max_length=120)  # as it was uploaded
    extension = models.CharField(max_length=8)
    size = models.PositiveIntegerField()
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return self.name


class ChainLevel(models.TextChoices):
    DISTRICT = "district", _("District leader on duty")
    CITY = "city", _("City duty desk")
    BUREAU = "bureau", _("City bureau")


class EscalationStep(models.Model):
    """One level of an incident's reporting chain, told at `notify_at`, to acknowledge by
    `due_at`. A step that is only an escalation (`always` false) is skipped when the step before
    it was acknowledged in time or was itself skipped."""

    incident = models.ForeignKey(Incident, on_delete=models.CASCADE, related_name="steps")
    order = models.PositiveSmallIntegerField()
    level = models.CharField(_("level"), max_length=10, choices=ChainLevel.choices)
    always = models.BooleanField(default=True)
    notify_at = models.DateTimeField(db_index=True)
    due_at = models.DateTimeField(_("acknowledge by"))
    sent_at = models.DateTimeField(null=True, blank=True)
    skipped_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")
    recipients = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True,
                                        related_name="incident_steps")

    class Meta:
        ordering = ["incident", "order"]
        constraints = [models.UniqueConstraint(fields=["incident", "order"],
                                               name="incidents_one_step_per_order")]
        indexes = [models.Index(fields=["sent_at", "skipped_at", "notify_at"])]

    @property
    def alert_key(self) -> str:
        return f"incident:{self.incident_id}:step:{self.order}"

    def is_late(self, now) -> bool:
        return self.acknowledged_at is None and self.skipped_at is None and now > self.due_at


# --------------------------------------------------------------------------- plans


class EmergencyPlan(AuditedModel):
    """An emergency plan (应急预案) for one incident type or cold-weather protocol level, of the
    city or of one district; its text and checklist live in numbered versions."""

    title = models.CharField(_("title"), max_length=120)
    kind = models.CharField(_("type of incident"), max_length=20, choices=Kind.choices,
                            blank=True)
    protocol_level = models.PositiveSmallIntegerField(
        _("cold-weather protocol level"), null=True, blank=True,
        help_text=_("For a plan that belongs to a protocol level rather than an incident type."))
    district = models.ForeignKey("network.District", verbose_name=_("district"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+",
                                 help_text=_("Empty for the city's plan."))
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"),
                              on_delete=models.PROTECT, related_name="+")
    is_active = models.BooleanField(_("in force"), default=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", assigned=lambda user: Q(district__isnull=True))

    class Meta:
        ordering = ["kind", "title"]
        verbose_name = _("emergency plan")
        verbose_name_plural = _("emergency plans")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("incidents:plan_detail", args=[self.pk])

    def current(self) -> PlanVersion | None:
        return self.versions.order_by("-number").first()


class PlanVersion(models.Model):
    """One version of a plan: never changed once written, so a checklist always shows the
    version it was opened from."""

    plan = models.ForeignKey(EmergencyPlan, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("plan text"), max_length=20000, blank=True)
    items = models.JSONField(_("checklist"), default=list)
    note = models.CharField(_("what changed"), max_length=200, blank=True)
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+")
    written_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["plan", "-number"]
        constraints = [models.UniqueConstraint(fields=["plan", "number"],
                                               name="incidents_one_plan_version_number")]


class Checklist(models.Model):
    """A plan's checklist opened for one incident, or for one change of a district's
    cold-weather protocol level, for the leader on duty to work through."""

    incident = models.ForeignKey(Incident, null=True, blank=True, on_delete=models.CASCADE,
                                 related_name="checklists")
    decision = models.ForeignKey("weather.ProtocolDecision", null=True, blank=True,
                                 on_delete=models.CASCADE, related_name="+",
                                 verbose_name=_("protocol level change"))
    district = models.ForeignKey("network.District", verbose_name=_("district"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(default=timezone.now)
    opened_for = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", assigned=lambda user: Q(opened_for=user))

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["incident", "version"],
                                    name="incidents_one_checklist_per_version"),
            models.UniqueConstraint(fields=["decision", "version"],
                                    name="incidents_one_checklist_per_level_change"),
            models.CheckConstraint(
                condition=Q(incident__isnull=False) | Q(decision__isnull=False),
                name="incidents_checklist_for_incident_or_level_change"),
        ]

    def get_absolute_url(self) -> str:
        if self.incident_id:
            return reverse("incidents:detail", args=[self.incident_id]) + f"#checklist-{self.pk}"
        return reverse("incidents:checklist", args=[self.pk])


class ChecklistItem(models.Model):
    checklist = models.ForeignKey(Checklist, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField()
    text = models.CharField(max_length=300)
    ticked_at = models.DateTimeField(null=True, blank=True)
    ticked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["checklist", "order"]
