"""Cameras (摄像头) over places where people sleep rough, and what their owners' platforms detect.

A camera's owner (public security, urban management, transport, a business) signs what its
platform sends with a shared secret; each detection becomes a candidate that a dispatcher
confirms into a lead or dismisses. Pictures are stored with the camera's privacy masks already
applied: a blurred copy for everyone allowed to verify, a copy with faces left for the few
allowed to see sensitive data.
"""

from __future__ import annotations

import datetime
import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping
from songnuan.people import crypto


class OwnerKind(models.TextChoices):
    PUBLIC_SECURITY = "public_security", _("Public security")
    URBAN_MANAGEMENT = "urban_management", _("Urban management")
    TRANSPORT = "transport", _("Transport")
    BUSINESS = "business", _("Business")


class FeedKind(models.TextChoices):
    VENDOR_PUSH = "vendor_push", _("Vendor platform pushes detections")
    SNAPSHOT_URL = "snapshot_url", _("Snapshot URL polled at night")
    MANUAL_UPLOAD = "manual_upload", _("Pictures uploaded by hand")


class Label(models.TextChoices):
    LYING = "lying", _("Person lying")
    SITTING_STILL = "sitting_still", _("Person sitting still")
    PERSON = "person", _("Person")


class CandidateStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for verification")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    MASKED = "masked", _("Only in masked areas")
    BELOW_THRESHOLD = "below", _("Below the camera's threshold")


class FoundBy(models.TextChoices):
    VENDOR = "vendor", _("The owner's platform")
    DETECTOR = "detector", _("Our detector")


class DismissReason(models.TextChoices):
    NOT_A_PERSON = "not_a_person", _("Not a person")
    WORKER_OR_PASSER_BY = "worker_or_passer_by", _("A worker or a passer-by")
    HELPED_TONIGHT = "helped_tonight", _("Already helped tonight")
    OTHER = "other", _("Other")


def new_key_id() -> str:
    return f"cam_{secrets.token_hex(8)}"


class CameraOwner(AuditedModel):
    """An organisation whose platform sends detections, identified by a key id and signing with
    a shared secret. HMAC needs the secret itself to check a signature, so it is stored
    encrypted (people.crypto), never hashed, and shown only once when issued."""

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind of owner"), max_length=20, choices=OwnerKind.choices)
    key_id = models.CharField(_("key id"), max_length=40, unique=True, default=new_key_id,
                              editable=False)
    secret_encrypted = models.TextField(editable=False, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(city_wide=True)
    audit_exclude = ("secret_encrypted",)

    class Meta:
        ordering = ["name"]
        verbose_name = _("camera owner")
        verbose_name_plural = _("camera owners")

    def __str__(self) -> str:
        return self.name

    def secret(self) -> str:
        return crypto.decrypt(self.secret_encrypted)


class Camera(AuditedModel):
    """A camera: where it is, what it watches, whose it is, when it looks, what it must never
    store (privacy masks: rectangles [x, y, width, height] in fractions of the picture), and
    when it last sent anything."""

    code = models.CharField(_("camera code"), max_length=64,
                            help_text=_("The code the owner's platform sends with each picture."))
    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(CameraOwner, verbose_name=_("owned by"), on_delete=models.PROTECT,
                              related_name="cameras")
    lat = models.FloatField(_("latitude (WGS-84)"),
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("longitude (WGS-84)"),
                            validators=[MinValueValidator(-180), MaxValueValidator(180)])
    coord_system = models.CharField(_("coordinates as given"), max_length=6, default="wgs84")
    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 on_delete=models.PROTECT, related_name="cameras")
    hotspot = models.ForeignKey("outreach.Hotspot", verbose_name=_("watched hotspot"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="cameras")
    feed_kind = models.CharField(_("kind of feed"), max_length=16, choices=FeedKind.choices,
                                 default=FeedKind.VENDOR_PUSH)
    snapshot_url = models.URLField(
        _("snapshot URL"), max_length=500, blank=True,
        help_text=_("Where the camera's current picture is fetched at night (snapshot feeds)."))
    active_from = models.TimeField(_("active from"), default=datetime.time(18, 0))
    active_until = models.TimeField(_("active until"), default=datetime.time(8, 0))
    masks = models.JSONField(_("privacy masks"), default=list, blank=True)
    silent_after_minutes = models.PositiveIntegerField(
        _("silent after (minutes)"), default=60,
        help_text=_("Flag the camera when no picture came for this long in its active hours."))
    last_picture_at = models.DateTimeField(_("last picture"), null=True, blank=True)
    last_detection_at = models.DateTimeField(_("last detection"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    fetch_problem = models.CharField(_("snapshot not fetched"), max_length=300, blank=True)
    fetch_problem_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")
    audit_exclude = ("last_picture_at", "last_detection_at", "fetch_problem",
                     "fetch_problem_at")

    class Meta:
        ordering = ["district__code", "name"]
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")
        constraints = [models.UniqueConstraint(fields=["owner", "code"],
                                               name="camera_code_once_per_owner")]

    def __str__(self) -> str:
        return self.name

    def is_active_at(self, local_time: datetime.time) -> bool:
        """Whether `local_time` falls in the active hours (which may run past midnight)."""
        if self.active_from <= self.active_until:
            return self.active_from <= local_time < self.active_until
        return local_time >= self.active_from or local_time < self.active_until

    def health(self, now: datetime.datetime | None = None) -> str:
        """inactive, fetch_problem (its snapshot URL failed last time), silent or ok."""
        if not self.is_active:
            return "inactive"
        if self.fetch_problem:
            return "fetch_problem"
        return "silent" if self.is_silent(now) else "ok"

    def is_silent(self, now: datetime.datetime | None = None) -> bool:
        """No picture for longer than `silent_after_minutes` while it should be looking."""
        now = now or timezone.now()
        if not self.is_active or not self.is_active_at(timezone.localtime(now).time()):
            return False
        limit = datetime.timedelta(minutes=self.silent_after_minutes)
        return self.last_picture_at is None or now - self.last_picture_at > limit


def picture_path(instance: Detection, filename: str) -> str:
    now = timezone.now()
    return f"cameras/{now:%Y/%m/%d}/{secrets.token_hex(12)}.jpg"


class Detection(AuditedModel):
    """A detection from a camera and the candidate it makes for verification (待核实)."""

    owner = models.ForeignKey(CameraOwner, on_delete=models.PROTECT, related_name="+")
    event_id = models.CharField(_("vendor's event id"), max_length=100)
    request_digest = models.CharField(max_length=64, editable=False)
    camera = models.ForeignKey(Camera, verbose_name=_("camera"), on_delete=models.PROTECT,
                               related_name="detections")
    captured_at = models.DateTimeField(_("picture taken"))
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    first_seen_at = models.DateTimeField(_("first seen"))
    label = models.CharField(_("label"), max_length=16, choices=Label.choices)
    found_by = models.CharField(_("found by"), max_length=10, choices=FoundBy.choices,
                                default=FoundBy.VENDOR)
    confidence = models.FloatField(_("confidence"))
    threshold = models.FloatField(_("camera's threshold"), null=True, blank=True,
                                  help_text=_("The camera's threshold when it was received."))
    boxes = models.JSONField(_("boxes"), default=list)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    picture = models.FileField(_("picture, faces blurred"), upload_to=picture_path, blank=True)
    clear_picture = models.FileField(upload_to=picture_path, blank=True)
    faces_found = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(_("status"), max_length=10, choices=CandidateStatus.choices,
                              default=CandidateStatus.PENDING, db_index=True)
    dismiss_reason = models.CharField(_("reason"), max_length=20, blank=True,
                                      choices=DismissReason.choices)
    decision_note = models.CharField(_("note"), max_length=300, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("verified by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("verified"), null=True, blank=True)
    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="camera_detections")
    pictures_deleted_at = models.DateTimeField(_("pictures deleted"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="camera__district")
    audit_exclude = ("request_digest", "boxes")

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("camera detection")
        verbose_name_plural = _("camera detections")
        constraints = [models.UniqueConstraint(fields=["owner", "event_id"],
                                               name="detection_event_once_per_owner")]
        indexes = [models.Index(fields=["status", "decided_at"])]

    def __str__(self) -> str:
        return f"{self.camera} {timezone.localtime(self.captured_at):%Y-%m-%d %H:%M}"

    @property
    def stay_minutes(self) -> int:
        return int((self.captured_at - self.first_seen_at).total_seconds() // 60)


class Track(models.Model):
    """One place in a camera's picture where our detector keeps finding a person (the same box,
    overlapping by more than half, snapshot after snapshot). A person still there after the
    setting's minutes at night becomes one candidate; a passer-by's track ends at once."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="tracks")
    box = models.JSONField(default=list)
    is_lying = models.BooleanField(default=False)
    score = models.FloatField(default=0)
    first_seen_at = models.DateTimeField()
    last_seen_at = models.DateTimeField(db_index=True)
    snapshots = models.PositiveIntegerField(default=1)
    detection = models.OneToOneField(Detection, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="track")

    class Meta:
        ordering = ["camera", "first_seen_at"]

    @property
    def still_minutes(self) -> float:
        return (self.last_seen_at - self.first_seen_at).total_seconds() / 60


class UsedSignature(models.Model):
    """A signature already accepted: the same signed request again is a replay."""

    signature = models.CharField(max_length=64, unique=True)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)
