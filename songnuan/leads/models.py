"""Leads (线索): reports of someone who may need help, from the public, the hotline or partners.

A lead moves received → triaged (or linked to an open lead as a duplicate) → assigned → en route
→ on scene → resolved with an outcome. Dispatch hangs squads and tasks off it and moves it with
`services.set_status`, which keeps the history and tells the reporter.
"""

from __future__ import annotations

import random
import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping

# Tracking codes: no 0/O, 1/I/L, so they survive being read over the phone.
TRACKING_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TRACKING_CODE_LENGTH = 8


def new_tracking_code(rng: random.Random | None = None) -> str:
    """A new code; the demo passes its own seeded stream so a seed gives the same codes."""
    chooser = rng or secrets.SystemRandom()
    return "".join(chooser.choice(TRACKING_ALPHABET) for _ in range(TRACKING_CODE_LENGTH))


class Flag(models.TextChoices):
    """What the reporter sees (vulnerability flags)."""

    LYING_DOWN = "lying_down", _("Lying on the ground")
    UNDERDRESSED = "underdressed", _("Not dressed for the cold")
    ELDERLY = "elderly", _("Elderly")
    CHILD = "child", _("A child")
    INJURED_ILL = "injured_ill", _("Injured or ill")
    CONFUSED = "confused", _("Seems confused or mentally unwell")
    INTOXICATED = "intoxicated", _("Intoxicated")

    @classmethod
    def together(cls, *groups) -> list[str]:
        """The known flags in any of `groups`, each once, in the order of the form."""
        return [flag for flag in cls.values if any(flag in group for group in groups)]


class Source(models.TextChoices):
    PUBLIC_WEB = "public_web", _("Public report page")
    PUBLIC_API = "public_api", _("Mini program / API")
    HOTLINE = "hotline", _("Hotline")
    PARTNER = "partner", _("Trusted reporter")
    CAMERA = "camera", _("Camera detection")
    PATROL = "patrol", _("Street patrol")


class LeadStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    TRIAGED = "triaged", _("Triaged")
    DUPLICATE = "duplicate", _("Linked duplicate")
    ASSIGNED = "assigned", _("Assigned")
    EN_ROUTE = "en_route", _("En route")
    ON_SCENE = "on_scene", _("On scene")
    RESOLVED = "resolved", _("Resolved")


OPEN_STATUSES = (LeadStatus.RECEIVED, LeadStatus.TRIAGED, LeadStatus.ASSIGNED,
                 LeadStatus.EN_ROUTE, LeadStatus.ON_SCENE)


class Outcome(models.TextChoices):
    HELPED_TO_SITE = "helped_to_site", _("Helped to a station or relief point")
    REFUSED_HELP = "refused_help", _("Refused help (supplies left)")
    HOSPITAL = "hospital", _("Referred to hospital")
    NOT_FOUND = "not_found", _("Not found at the place")
    INVALID = "invalid", _("Invalid report")
    PRANK = "prank", _("Prank")


class TrustedReporter(AuditedModel):
    """Someone from a partner organisation (sanitation, taxis, buses, security, charities,
    volunteers) whose reports carry the organisation and skip the public anti-abuse limits.

    They report through a personal link holding a key; only the key's hash is stored.
    """

    class Kind(models.TextChoices):
        SANITATION = "sanitation", _("Sanitation worker")
        TAXI = "taxi", _("Taxi driver")
        BUS = "bus", _("Bus driver")
        SECURITY = "security", _("Night security guard")
        CHARITY = "charity", _("Charity")
        VOLUNTEER = "volunteer", _("Volunteer")

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50)
    phone = models.CharField(_("mobile phone"), max_length=20, unique=True)
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT,
        related_name="trusted_reporters",
    )
    district = models.ForeignKey(
        "network.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Where they mostly work; empty for city-wide."),
    )
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")
    audit_exclude = ("key_hash",)
    sensitive_fields = ("phone",)

    class Meta:
        ordering = ["organisation__name", "name"]
        verbose_name = _("trusted reporter")
        verbose_name_plural = _("trusted reporters")

    def __str__(self) -> str:
        return f"{self.name}（{self.organisation}）"


class LeadQuerySet(ScopedQuerySet):
    def open(self) -> LeadQuerySet:
        return self.filter(status__in=OPEN_STATUSES)


class Lead(AuditedModel):
    """A report that someone may need help at a place."""

    tracking_code = models.CharField(_("tracking code"), max_length=12, unique=True,
                                     default=new_tracking_code, editable=False)
    client_request_id = models.CharField(max_length=64, unique=True, null=True, blank=True,
                                         editable=False)
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    status = models.CharField(_("status"), max_length=10, choices=LeadStatus.choices,
                              default=LeadStatus.RECEIVED, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)

    lat = models.FloatField(_("latitude (WGS-84)"), null=True, blank=True)
    lon = models.FloatField(_("longitude (WGS-84)"), null=True, blank=True)
    coord_system = models.CharField(_("coordinates as given"), max_length=6, blank=True)
    location_source = models.CharField(_("location from"), max_length=12, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    district = models.ForeignKey(
        "network.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="leads",
    )
    hotspot = models.ForeignKey(
        "outreach.Hotspot", verbose_name=_("nearby hotspot"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="leads",
    )
    hotspot_distance_m = models.FloatField(null=True, blank=True)

    people_count = models.PositiveSmallIntegerField(_("number of people"), default=1)
    flags = models.JSONField(_("what the reporter sees"), default=list, blank=True)
    description = models.TextField(_("description"), blank=True, max_length=1000)

    reporter_phone = models.CharField(_("reporter's phone"), max_length=20, blank=True)
    reporter_ip = models.GenericIPAddressField(null=True, blank=True, editable=False)
    source_key = models.CharField(max_length=40, blank=True, editable=False)
    trusted_reporter = models.ForeignKey(
        TrustedReporter, verbose_name=_("trusted reporter"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="leads",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("reporting organisation"), null=True,
        blank=True, on_delete=models.SET_NULL, related_name="leads",
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("taken by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )

    priority = models.SmallIntegerField(_("priority"), default=0)
    priority_reasons = models.JSONField(default=list, blank=True)
    duplicate_of = models.ForeignKey(
        "self", verbose_name=_("duplicate of"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="duplicates",
    )
    # Why intake merged this report into `duplicate_of` (see `sameness`), for staff to check.
    merge_probability = models.FloatField(_("probability of the same people"), null=True,
                                          blank=True, editable=False)
    merge_reasons = models.JSONField(default=list, blank=True, editable=False)
    photo_hash = models.CharField(max_length=16, blank=True, editable=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    objects = LeadQuerySet.as_manager()
    scoping = Scoping(district="district")
    sensitive_fields = ("reporter_phone", "reporter_ip")
    audit_exclude = ("priority_reasons", "updated_at", "merge_reasons", "photo_hash")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        indexes = [
            models.Index(fields=["status", "received_at"]),
            models.Index(fields=["lat", "lon"]),
            # The reports of a district in the merge window (one of them known only by district).
            models.Index(fields=["district", "received_at"]),
            models.Index(fields=["source_key", "received_at"]),
            models.Index(fields=["reporter_phone", "received_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="resolved", outcome__gt="") | (~Q(status="resolved")
                                                                   & Q(outcome="")),
                name="lead_outcome_iff_resolved",
            ),
            models.CheckConstraint(condition=Q(people_count__gte=1),
                                   name="lead_at_least_one_person"),
        ]

    def __str__(self) -> str:
        return self.tracking_code

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def has_location(self) -> bool:
        return self.lat is not None and self.lon is not None

    @property
    def incident(self) -> Lead:
        """The lead this one's incident is tracked on (itself, unless a duplicate)."""
        return self.duplicate_of if self.duplicate_of_id else self

    def flag_labels(self) -> list[str]:
        labels = dict(Flag.choices)
        return [str(labels.get(flag, flag)) for flag in self.flags]


class LeadStatusChange(models.Model):
    """One step in a lead's history: who moved it where, when and why."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="history")
    at = models.DateTimeField(_("time"), default=timezone.now)
    from_status = models.CharField(max_length=10, choices=LeadStatus.choices, blank=True)
    to_status = models.CharField(max_length=10, choices=LeadStatus.choices)
    outcome = models.CharField(max_length=16, choices=Outcome.choices, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                           on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(_("note"), max_length=500, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="lead__district")

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("status change")
        verbose_name_plural = _("status changes")


class NearbyLead(models.Model):
    """Two open leads close in place and time that intake judged to be about different people:
    not merged, but one squad may take both."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="nearby_links")
    other = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="+")
    distance_m = models.FloatField(_("distance (m)"))
    probability = models.FloatField(_("probability of the same people"), null=True, blank=True)
    created_at = models.DateTimeField(_("linked"), default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="lead__district")

    class Meta:
        ordering = ["distance_m", "id"]
        verbose_name = _("nearby lead")
        verbose_name_plural = _("nearby leads")
        constraints = [
            models.UniqueConstraint(fields=["lead", "other"], name="nearby_lead_once"),
            models.CheckConstraint(condition=~Q(lead=models.F("other")),
                                   name="nearby_lead_not_itself"),
        ]


def photo_path(instance: LeadPhoto, filename: str) -> str:
    now = timezone.now()
    return f"leads/photos/{now:%Y/%m}/{secrets.token_hex(12)}.jpg"


class LeadPhoto(AuditedModel):
    """A photo sent with a lead, re-encoded without its metadata. Never served publicly: only
    through the staff view that checks the photo permission and logs every read."""

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to=photo_path)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveIntegerField()
    had_gps = models.BooleanField(default=False)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="lead__district")

    class Meta:
        ordering = ["id"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")
        permissions = [("view_lead_photos", _("Can see the photos sent with leads"))]


class RateCounter(models.Model):
    """A fixed-window counter for the anti-abuse limits, shared by every server process."""

    key = models.CharField(max_length=80)
    window_start = models.BigIntegerField()  # Unix seconds
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["key", "window_start"],
                                               name="rate_counter_key_window")]


class RewardRule(AuditedModel):
    """有奖征集: which outcome of a reported incident earns the reporter what amount."""

    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=8, decimal_places=2)
    district = models.ForeignKey(
        "network.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="+",
        help_text=_("Empty: the city-wide rule; a district's own rule takes precedence."),
    )
    partners_eligible = models.BooleanField(
        _("trusted reporters eligible"), default=False,
        help_text=_("Partner organisations' staff usually report as part of their work."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        ordering = ["district__code", "outcome"]
        verbose_name = _("reward rule")
        verbose_name_plural = _("reward rules")
        constraints = [
            models.UniqueConstraint(
                fields=["outcome", "district"], condition=Q(is_active=True),
                name="one_active_reward_rule_per_outcome_and_district",
            ),
            models.UniqueConstraint(
                fields=["outcome"], condition=Q(is_active=True, district=None),
                name="one_active_city_reward_rule_per_outcome",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_outcome_display()}: ¥{self.amount_yuan}"


class ClaimStatus(models.TextChoices):
    AWAITING_CODE = "awaiting_code", _("Awaiting the confirmation code")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved, to be paid")
    PAID = "paid", _("Paid")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Code expired")


# Claims that hold an incident's single reward (expired and rejected ones release it).
HOLDING_CLAIM = ~Q(status__in=[ClaimStatus.REJECTED, ClaimStatus.EXPIRED])


class RewardClaim(AuditedModel):
    """A reporter's claim to the reward for an incident, confirmed by a code sent to the phone."""

    incident = models.ForeignKey(Lead, verbose_name=_("incident"), on_delete=models.PROTECT,
                                 related_name="reward_claims")
    lead = models.ForeignKey(Lead, verbose_name=_("claimant's report"),
                             on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("network.District", verbose_name=_("district"), null=True,
                                 blank=True, on_delete=models.PROTECT, related_name="+")
    phone = models.CharField(_("phone"), max_length=20, db_index=True)
    rule = models.ForeignKey(RewardRule, on_delete=models.PROTECT, related_name="claims")
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=8, decimal_places=2)
    status = models.CharField(_("status"), max_length=18, choices=ClaimStatus.choices,
                              default=ClaimStatus.AWAITING_CODE)
    code_hash = models.CharField(max_length=100, blank=True)
    code_sent_at = models.DateTimeField(null=True, blank=True)
    code_attempts = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(_("claimed"), auto_now_add=True)
    confirmed_at = models.DateTimeField(_("confirmed"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decision_note = models.CharField(_("reason"), max_length=300, blank=True)
    # Keyed hashes of the claimant's device and address block (no readable value is kept):
    # claims sharing either with another phone's claim are held for a manager's review.
    device_hash = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    address_cluster = models.CharField(max_length=40, blank=True, editable=False, db_index=True)
    hold_reason = models.CharField(_("held for review because"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")
    sensitive_fields = ("phone",)
    audit_exclude = ("code_hash",)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("reward claim")
        verbose_name_plural = _("reward claims")
        permissions = [("approve_rewardclaim", _("Can approve reward claims and record payouts"))]
        constraints = [models.UniqueConstraint(
            fields=["incident"], condition=HOLDING_CLAIM, name="one_reward_per_incident",
        )]

    def __str__(self) -> str:
        return f"{self.incident} ¥{self.amount_yuan} ({self.get_status_display()})"


class Payout(AuditedModel):
    """The record that an approved reward was paid, for the district's ledger."""

    class Method(models.TextChoices):
        BANK = "bank", _("Bank transfer")
        WECHAT = "wechat", _("WeChat Pay")
        ALIPAY = "alipay", _("Alipay")
        CASH = "cash", _("Cash, signed receipt")

    claim = models.OneToOneField(RewardClaim, on_delete=models.PROTECT, related_name="payout")
    district = models.ForeignKey("network.District", null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=8, decimal_places=2)
    method = models.CharField(_("method"), max_length=8, choices=Method.choices)
    reference = models.CharField(_("payment reference"), max_length=100)
    paid_at = models.DateTimeField(_("paid"), default=timezone.now)
    paid_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recorded by"),
                                null=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        ordering = ["-paid_at", "-id"]
        verbose_name = _("payout")
        verbose_name_plural = _("payouts")
