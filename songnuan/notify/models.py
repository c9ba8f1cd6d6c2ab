"""What the system tells people: text messages (the outbox) and Web Push notifications to staff
phones."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class OutboxStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    # Committed just before the provider is called: a message found so after a crash may or may
    # not have gone out, and is never handed over again automatically.
    HANDING_OVER = "handing", _("Handing over")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    UNKNOWN = "unknown", _("Outcome unknown")


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
    handed_over_at = models.DateTimeField(_("handed to the provider"), null=True, blank=True)
    provider_reference = models.CharField(_("provider's reference"), max_length=100,
                                          blank=True)
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

    @property
    def idempotency_key(self) -> str:
        """One key per message, given to providers that honour one (and to match their
        records when an outcome is unknown)."""
        return f"songnuan-sms-{self.pk}"


class PushSubscription(models.Model):
    """One browser's Web Push subscription (a phone's "tell me" address) for one staff member."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="push_subscriptions")
    endpoint = models.URLField(_("push service address"), max_length=1000, unique=True)
    p256dh = models.CharField(max_length=200)
    auth = models.CharField(max_length=100)
    user_agent = models.CharField(_("browser"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_success_at = models.DateTimeField(_("last delivered"), null=True, blank=True)
    last_failure_at = models.DateTimeField(_("last failed"), null=True, blank=True)
    last_error = models.CharField(_("error"), max_length=300, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("push subscription")
        verbose_name_plural = _("push subscriptions")

    def __str__(self) -> str:
        return f"{self.user} · {self.endpoint[:40]}"

    def info(self) -> dict:
        """The subscription in the shape the browser's PushManager gives and pywebpush takes."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": self.p256dh, "auth": self.auth}}


class PushStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")
    ACKNOWLEDGED = "acked", _("Seen")


class PushMessage(models.Model):
    """One notification to one staff member's phones, with a text message to fall back on when
    no phone says it was shown in time."""

    created_at = models.DateTimeField(_("created"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="push_messages")
    title = models.CharField(_("title"), max_length=120)
    body = models.CharField(_("text"), max_length=300)
    url = models.CharField(_("opens"), max_length=300)
    purpose = models.CharField(_("purpose"), max_length=40, db_index=True)
    reference = models.CharField(pgettext_lazy("related record", "reference"), max_length=80,
                                 db_index=True)
    # Proves to the acknowledgement endpoint that the notification came from here.
    token = models.CharField(max_length=40, unique=True)
    status = models.CharField(_("status"), max_length=10, choices=PushStatus.choices,
                              default=PushStatus.QUEUED)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("seen"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=300, blank=True)
    fallback_phone = models.CharField(_("phone for the text message"), max_length=20, blank=True)
    fallback_text = models.CharField(_("text message"), max_length=500, blank=True)
    fallback_at = models.DateTimeField(_("text message due"), null=True, blank=True)
    fallback = models.ForeignKey(Outbox, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("text message sent"))

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("push notification")
        verbose_name_plural = _("push notifications")
        indexes = [models.Index(fields=["status", "created_at"]),
                   models.Index(fields=["fallback_at"])]

    def __str__(self) -> str:
        return f"{self.purpose} → {self.user}"
