"""Duty (值班): rosters of the leader on duty and the duty officer, and alerts that reach them.

The notice asks for leader-on-duty (领导带班) and 24-hour duty rosters and for emergencies to be
reported at once (四(四)); an alert goes to whoever the roster says is on duty at that moment.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping


class DutyRole(models.TextChoices):
    LEADER = "leader", _("Leader on duty")
    OFFICER = "officer", _("Duty officer")


class DutyShift(AuditedModel):
    """One person on the roster for one role and scope (a district, or the city when empty)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person on duty"),
                             on_delete=models.PROTECT, related_name="duty_shifts")
    role = models.CharField(_("duty role"), max_length=10, choices=DutyRole.choices)
    district = models.ForeignKey(
        "network.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="duty_shifts",
        help_text=_("Empty for the city roster."),
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        ordering = ["starts_at", "role"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        indexes = [models.Index(fields=["district", "role", "starts_at", "ends_at"])]
        constraints = [models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                              name="duty_shift_ends_after_start")]

    def __str__(self) -> str:
        starts = timezone.localtime(self.starts_at)
        return f"{self.get_role_display()} {self.user} {starts:%Y-%m-%d %H:%M}"


class Topic(models.TextChoices):
    PROTOCOL = "protocol", _("Cold-weather protocol")
    WEATHER_STALE = "weather_stale", _("Weather data stale")
    LEAD_OVERDUE = "lead_overdue", _("Lead overdue")
    TRACING_OVERDUE = "tracing_overdue", _("Tracing deadline overdue")
    ESCALATION = "escalation", _("Not acknowledged in time")
    MUTUAL_AID = "mutual_aid", _("Mutual aid")
    SQUADS_SHORT = "squads_short", _("Squads short")
    WORKER_SILENT = "worker_silent", _("Background worker silent")
    INCIDENT = "incident", _("Incident")
    COVERAGE_GAP = "coverage_gap", _("Roster gap")
    BRIEFING = "briefing", _("Daily briefing")


class Severity(models.TextChoices):
    INFO = "info", pgettext_lazy("alert severity", "Information")
    WARNING = "warning", pgettext_lazy("alert severity", "Warning")
    SEVERE = "severe", pgettext_lazy("alert severity", "Severe")


def _addressed_to(user) -> Q:
    return Q(recipient=user)


class Alert(models.Model):
    """One fact told to one person on duty; `key` names the fact so it is told only once."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"),
                                  on_delete=models.CASCADE, related_name="alerts")
    district = models.ForeignKey("network.District", verbose_name=_("district"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    topic = models.CharField(_("topic"), max_length=20, choices=Topic.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices,
                                default=Severity.WARNING)
    text = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("link"), max_length=200, blank=True)
    key = models.CharField(_("key"), max_length=120, db_index=True)
    escalated_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="escalations")
    created_at = models.DateTimeField(_("created"), db_index=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(assigned=_addressed_to)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        indexes = [models.Index(fields=["recipient", "acknowledged_at"])]
        constraints = [models.UniqueConstraint(fields=["key", "recipient"],
                                               name="duty_alert_once_per_recipient")]

    def __str__(self) -> str:
        return f"{self.get_topic_display()} → {self.recipient}"

    def get_absolute_url(self) -> str:
        return reverse("duty:inbox") + f"#alert-{self.pk}"

    @property
    def is_acknowledged(self) -> bool:
        return self.acknowledged_at is not None


# The parts of a handover note, in the order the next shift reads them.
SECTIONS = ("open_leads", "people_in_field", "incidents", "supplies_short", "watch")


class Handover(models.Model):
    """One handover note of a scope's duty desk."""

    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("written by"))
    written_at = models.DateTimeField(_("written"), db_index=True)
    open_leads = models.TextField(_("open leads"), max_length=2000, blank=True)
    people_in_field = models.TextField(_("people in the field"), max_length=2000,
                                       blank=True)
    incidents = models.TextField(_("incidents"), max_length=2000, blank=True)
    supplies_short = models.TextField(_("supplies short"), max_length=2000,
                                      blank=True)
    watch = models.TextField(_("things to watch"), max_length=2000, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        app_label = "duty"
        ordering = ["-written_at", "-pk"]
        verbose_name = _("handover")
        verbose_name_plural = _("handovers")

    def get_absolute_url(self) -> str:
        return reverse("duty:handover", args=[self.pk])

    def parts(self) -> list[tuple[str, str]]:
        """(label, text) of each part written."""
        return [(self._meta.get_field(name).verbose_name, getattr(self, name))
                for name in SECTIONS if getattr(self, name)]
