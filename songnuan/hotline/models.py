"""The 24-hour hotline's call log (热线来电登记) and the calls' recordings.

Every call to the rescue hotline is a row, whether it became a lead, a family's missing report or
nothing at all (a silent or nuisance call). Recordings come from the call-centre system through a
signed connector (hotline.connector) or a folder import, are kept for the retention period and
then deleted by a periodic job; each playback is logged as a sensitive read.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping


class CallKind(models.TextChoices):
    REPORT = "report", _("Report of someone in need")
    ENQUIRY = "enquiry", _("Enquiry")
    FAMILY = "family", _("Family asking after someone")
    COMPLAINT = "complaint", _("Complaint")
    SILENT = "silent", _("Silent or nuisance call")


def _answered_by(user) -> models.Q:
    return models.Q(operator=user)


class Call(AuditedModel):
    """One call to the hotline: when, from which number, how long, who answered, what it was
    and what it led to."""

    started_at = models.DateTimeField(_("call started"), db_index=True)
    caller_phone = models.CharField(_("caller's number"), max_length=20, blank=True)
    duration_s = models.PositiveIntegerField(_("duration (seconds)"), default=0)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("operator"),
                                 on_delete=models.PROTECT, related_name="hotline_calls")
    district = models.ForeignKey("network.District", verbose_name=_("district"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind of call"), max_length=10, choices=CallKind.choices)
    note = models.TextField(_("note"), max_length=1000, blank=True)
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="hotline_calls")
    missing_report = models.ForeignKey(
        "tracing.MissingReport", verbose_name=_("missing report"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="hotline_calls")
    logged_at = models.DateTimeField(_("logged"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    # A call with no district (a centre operator's, about nobody in particular) is seen by the
    # city and by the operator who took it.
    scoping = Scoping(district="district", assigned=_answered_by)
    sensitive_fields = ("caller_phone",)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("hotline call")
        verbose_name_plural = _("hotline calls")
        indexes = [models.Index(fields=["district", "started_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(duration_s__gte=0),
                                              name="hotline_call_duration_not_negative")]

    def __str__(self) -> str:
        return f"#{self.pk} {timezone.localtime(self.started_at):%Y-%m-%d %H:%M}"


def recording_path(instance: Recording, filename: str) -> str:
    now = timezone.now()
    return f"hotline/{now:%Y/%m}/{secrets.token_hex(12)}.{instance.extension}"


class Recording(AuditedModel):
    """A call's recording, kept until `keep_until` (the retention period from the call, or
    shorter only by a manager with a reason)."""

    call = models.ForeignKey(Call, verbose_name=_("call"), on_delete=models.CASCADE,
                             related_name="recordings")
    audio = models.FileField(_("recording"), upload_to=recording_path)
    extension = models.CharField(max_length=4, editable=False)
    size = models.PositiveIntegerField(_("size (bytes)"), editable=False)
    original_name = models.CharField(_("file name"), max_length=200, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    keep_until = models.DateTimeField(_("kept until"), db_index=True)
    shortened_reason = models.CharField(_("reason for a shorter period"), max_length=300,
                                        blank=True)
    shortened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="call__district")
    sensitive_fields = ("audio",)

    class Meta:
        ordering = ["received_at", "pk"]
        verbose_name = _("call recording")
        verbose_name_plural = _("call recordings")
        permissions = [("shorten_retention",
                        "Can keep a call recording for less than the standard period")]

    def __str__(self) -> str:
        return f"{self.call} {self.original_name}".strip()


class UsedSignature(models.Model):
    """A connector signature already accepted: the same signed request again is a replay."""

    signature = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
