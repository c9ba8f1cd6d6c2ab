"""The outbox: every text message the system sends, whatever backend delivers it."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class Outbox(models.Model):
    """One text message (SMS) to a phone, kept as the record of what was said and when."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    text = models.TextField(_("text"))
    purpose = models.CharField(_("purpose"), max_length=40, db_index=True)
    reference = models.CharField(pgettext_lazy("related record", "reference"), max_length=80,
                                 blank=True)
    status = models.CharField(_("status"), max_length=10, choices=OutboxStatus.choices,
                              default=OutboxStatus.QUEUED)
    backend = models.CharField(_("backend"), max_length=200, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("delivery attempts"), default=0)
    # When a failed message is due to be tried again; empty once it is sent or given up.
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("outgoing message")
        verbose_name_plural = _("outbox")
        indexes = [models.Index(fields=["status", "retry_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.phone}"
