"""Person files (一人一档一画像): one record per person, whatever they are called on the street.

The ID number is stored only encrypted, with a keyed hash for exact lookup; the portrait (flags
and a computed risk level with its reasons) is refreshed by `services` on every change.
"""

from __future__ import annotations

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping, scope_of
from songnuan.images import MetadataFreeImageField
from songnuan.people import crypto
from songnuan.people.identity import IdNumberError, IdNumberInfo, parse_id_number
from songnuan.people.site_links import site_link_filter

ADULT_AGE = 18
ELDERLY_AGE = 60


class Sex(models.TextChoices):
    MALE = "M", _("Male")
    FEMALE = "F", _("Female")
    UNKNOWN = "", _("Unknown")


class Category(models.TextChoices):
    JOBLESS_MIGRANT = "jobless", _("Jobless migrant worker")
    ROBBED = "robbed", _("Robbed or stranded")
    DOMESTIC_VIOLENCE = "domestic_violence", _("Domestic-violence victim")
    ELDERLY = "elderly", _("Elderly")
    MINOR = "minor", _("Minor")
    DISABILITY = "disability", _("Person with disability")
    CRITICALLY_ILL = "critically_ill", _("Critically ill")
    MENTAL_ILLNESS = "mental_illness", _("Suspected mental illness")
    ROUGH_SLEEPER = "rough_sleeper", _("Rough sleeper")
    OTHER = "other", _("Other")


class Status(models.TextChoices):
    ON_STREET = "on_street", _("On the street")
    AT_RELIEF_POINT = "relief_point", _("At a relief point")
    IN_STATION = "in_station", _("In a station")
    IN_HOSPITAL = "in_hospital", _("In hospital")
    RETURNED_HOME = "returned_home", _("Returned home")
    SETTLED = "settled", _("Settled")
    DECEASED = "deceased", _("Deceased")


class Flag(models.TextChoices):
    """Vulnerabilities staff observe; together with categories they make the portrait."""

    FROSTBITE = "frostbite", _("Frostbite")
    INJURED = "injured", _("Injured")
    INTOXICATED = "intoxicated", _("Intoxicated")
    INFECTIOUS_SYMPTOMS = "infectious", _("Infectious symptoms")
    PREGNANT = "pregnant", _("Pregnant")
    CHRONIC_ILLNESS = "chronic_illness", _("Chronic illness")
    NO_WARM_CLOTHING = "no_warm_clothing", _("No warm clothing")
    REFUSES_HELP = "refuses_help", _("Refuses help")
    COMMUNICATION = "communication", _("Cannot communicate (speech, hearing, language)")


class RiskLevel(models.TextChoices):
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


def _linked_to_users_sites(user) -> Q:
    scope = getattr(user, "_songnuan_scope", None) or scope_of(user)
    if not scope.site_ids:
        return Q(pk__in=[])
    return Q(registered_at__in=scope.site_ids) | site_link_filter(scope.site_ids)


class Person(AuditedModel):
    """One person, one file: who they are, what they need, where they are now."""

    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    alias = models.CharField(
        _("alias"), max_length=50, blank=True,
        help_text=_("What staff call them when the name is unknown (e.g. 桥洞老人)."),
    )
    self_name = models.CharField(_("name they give"), max_length=50, blank=True)
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    # Only a date that did not come from an ID number: the number's region and birth date would
    # give away 14 of its 18 digits beside the encrypted value (id_birth_date() reads it there).
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    age_estimate = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    age_estimated_on = models.DateField(_("age estimated on"), null=True, blank=True)
    birth_year = models.PositiveSmallIntegerField(
        _("birth year"), null=True, blank=True, db_index=True, editable=False,
        help_text=_("From the birth date or the ID number, or from the estimated age and when it "
                    "was estimated."),
    )
    id_number_cipher = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_digest = models.CharField(
        _("ID number lookup hash"), max_length=64, blank=True, db_index=True, editable=False
    )
    native_place = models.CharField(_("native place"), max_length=100, blank=True)
    dialect = models.CharField(_("dialect"), max_length=50, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    marks = models.TextField(_("distinguishing marks"), blank=True)
    categories = models.JSONField(_("categories"), default=list, blank=True)
    flags = models.JSONField(_("vulnerability flags"), default=list, blank=True)
    mental_state = models.TextField(_("mental state"), blank=True)
    health_notes = models.TextField(_("health notes"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices,
                              default=Status.ON_STREET)
    risk_level = models.CharField(_("risk level"), max_length=10, choices=RiskLevel.choices,
                                  default=RiskLevel.LOW, editable=False)
    risk_reasons = models.JSONField(_("risk reasons"), default=list, blank=True, editable=False)
    district = models.ForeignKey(
        "network.District", verbose_name=_("district"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="people",
        help_text=_("Where the person is now or was last seen."),
    )
    current_site = models.ForeignKey(
        "network.Site", verbose_name=_("current site"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="people_present",
    )
    registered_at = models.ForeignKey(
        "network.Site", verbose_name=_("registered at"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="people_registered",
    )
    merged_into = models.ForeignKey(
        "self", verbose_name=_("merged into"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="merged_records",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), null=True, blank=True,
        on_delete=models.SET_NULL, related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", site="current_site", assigned=_linked_to_users_sites)
    sensitive_fields = ("id_number_cipher", "id_number_digest", "mental_state", "health_notes")
    audit_exclude = ("updated_at",)
    # What the person file shows only with accounts.view_sensitive (besides photos).
    SENSITIVE_SHOWN = ("id_number", "mental_state", "health_notes")

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(
                fields=["id_number_digest"], name="people_one_live_file_per_id_number",
                condition=Q(merged_into__isnull=True) & ~Q(id_number_digest=""),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("people:detail", args=[self.pk])

    @property
    def display_name(self) -> str:
        """The name in force (see `identities`): a confirmed name, else the name the person
        gives (marked as theirs), else what staff call them."""
        if self.name:
            return self.name
        if self.self_name:
            return str(_("%(name)s (as they say)") % {"name": self.self_name})
        if self.alias:
            return f"「{self.alias}」"
        return str(_("Unnamed person #%(id)s") % {"id": self.pk})

    @property
    def has_id_number(self) -> bool:
        return bool(self.id_number_cipher)

    def id_number(self) -> str:
        """The decrypted number: callers show it only to staff with accounts.view_sensitive."""
        return crypto.decrypt(self.id_number_cipher)

    def _id_info(self) -> IdNumberInfo | None:
        """What the encrypted number says, read once per number; None when no key opens it."""
        if not self.id_number_cipher:
            return None
        cached = getattr(self, "_id_info_cache", None)
        if cached is None or cached[0] != self.id_number_cipher:
            try:
                info = parse_id_number(self.id_number())
            except (crypto.DecryptionError, IdNumberError):
                info = None
            cached = self._id_info_cache = (self.id_number_cipher, info)
        return cached[1]

    def id_birth_date(self) -> datetime.date | None:
        info = self._id_info()
        return info.birth_date if info else None

    def id_region(self) -> str:
        """The place the number was issued in: shown, like the number, only to permitted staff."""
        info = self._id_info()
        return info.region_name if info else ""

    def born_on(self) -> datetime.date | None:
        """The full birth date: as recorded, or read from the ID number."""
        return self.birth_date or self.id_birth_date()

    @property
    def has_exact_birth(self) -> bool:
        return bool(self.birth_date or self.id_number_cipher)

    def age_on(self, day: datetime.date) -> int | None:
        born = self.born_on()
        if born:
            years = day.year - born.year
            if (day.month, day.day) < (born.month, born.day):
                years -= 1
            return years
        if self.id_number_cipher and self.birth_year:  # a number no configured key opens
            return day.year - self.birth_year
        if self.age_estimate is not None:
            since = self.age_estimated_on or day
            return self.age_estimate + max(0, day.year - since.year)
        return None

    @property
    def age(self) -> int | None:
        return self.age_on(datetime.date.today())

    @property
    def is_unidentified(self) -> bool:
        return not self.name and not self.id_number_cipher

    def category_labels(self) -> list[str]:
        return [str(Category(c).label) for c in self.categories if c in Category.values]

    def flag_labels(self) -> list[str]:
        return [str(Flag(f).label) for f in self.flags if f in Flag.values]


def photo_path(instance: PersonPhoto, filename: str) -> str:
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "jpg"
    return f"people/{instance.person_id}/{uuid.uuid4().hex}.{extension}"


class PersonPhoto(AuditedModel):
    """A photo of the person (sensitive): taken at admission as the MCA working rules require."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="photos")
    image = MetadataFreeImageField(_("photo"), upload_to=photo_path)
    caption = models.CharField(_("caption"), max_length=100, blank=True)
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)
    taken_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    # None: not checked (no face detector installed, or a photo added before the check).
    face_found = models.BooleanField(_("face found"), null=True, blank=True)
    without_face_reason = models.CharField(
        _("why the photo shows no face"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="person__district", site="person__current_site")

    class Meta:
        ordering = ["-taken_at"]
        verbose_name = _("photo")
        verbose_name_plural = _("photos")


class PersonMerge(AuditedModel):
    """Two files found to be one person: what moved where, so the merge can be undone."""

    survivor = models.ForeignKey(Person, verbose_name=_("kept file"), on_delete=models.PROTECT,
                                 related_name="merges_received")
    absorbed = models.ForeignKey(Person, verbose_name=_("merged file"), on_delete=models.PROTECT,
                                 related_name="merges_given")
    reason = models.CharField(_("reason"), max_length=200)
    moved = models.JSONField(default=dict)  # "app.model.field" -> [pk, ...]
    filled = models.JSONField(default=dict)  # survivor field -> [value before, value set]
    merged_at = models.DateTimeField(_("merged at"), auto_now_add=True)
    merged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)
    undone_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="survivor__district", site="survivor__current_site",
                      assigned=lambda user: Q(survivor__in=Person.objects.filter(
                          _linked_to_users_sites(user))))
    sensitive_fields = ("filled",)

    class Meta:
        ordering = ["-merged_at", "-pk"]
        verbose_name = _("merge of person files")
        verbose_name_plural = _("merges of person files")

    @property
    def is_undone(self) -> bool:
        return self.undone_at is not None


class NotTakenReason(models.TextChoices):
    """Why a photo or fingerprints were not taken at admission (recorded, never silent)."""

    REFUSES = "refuses", _("Refuses")
    CANNOT = "cannot", _("Cannot (injury, illness, disability)")


class Biometric(models.TextChoices):
    PHOTO = "photo", _("Photo")
    FINGERPRINTS = "fingerprints", _("Fingerprints")


def scan_path(instance: FingerprintCapture, filename: str) -> str:
    return f"people/{instance.person_id}/fingerprints/{uuid.uuid4().hex}.jpg"


class FingerprintCapture(AuditedModel):
    """Fingerprints taken (采集指纹): on which device, by whom, when, and what the police system
    returned for them (its reference number) or the scan itself."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="fingerprints")
    device = models.CharField(_("device"), max_length=100)
    operator = models.ForeignKey(settings.AUTH_USER_MODEL,
                                 verbose_name=_("fingerprints taken by"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    captured_at = models.DateTimeField(_("captured at"))
    police_reference = models.CharField(_("police system reference"), max_length=50, blank=True)
    scan = MetadataFreeImageField(_("scan"), upload_to=scan_path, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="person__district", site="person__current_site")
    sensitive_fields = ("police_reference",)

    class Meta:
        ordering = ["-captured_at", "-pk"]
        verbose_name = _("fingerprint capture")
        verbose_name_plural = _("fingerprint captures")

    def __str__(self) -> str:
        return f"{self.device} {self.captured_at:%Y-%m-%d %H:%M}"


class BiometricNotTaken(AuditedModel):
    """A photo or fingerprints the person refused or could not give, with the reason."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="biometrics_not_taken")
    biometric = models.CharField(_("what"), max_length=12, choices=Biometric.choices)
    reason = models.CharField(_("reason"), max_length=10, choices=NotTakenReason.choices)
    note = models.CharField(_("details"), max_length=200)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="person__district", site="person__current_site")

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("biometric not taken")
        verbose_name_plural = _("biometrics not taken")


class IdentitySource(models.TextChoices):
    SELF_GIVEN = "self_given", _("Given by the person")
    STAFF = "staff", _("Recorded by staff from papers")
    MATCH = "match", _("Confirmed match with a missing-person report")
    POLICE = "police", _("Checked against the police records")


class IdentityStatus(models.TextChoices):
    IN_FORCE = "in_force", _("In force")
    SUPERSEDED = "superseded", _("Superseded")
    HELD = "held", _("Contradicts the identity in force: held for a decision")


class Identity(AuditedModel):
    """Who the person is said to be, by whom and when (身份信息来源): a history, never a silent
    overwrite. One record per person is in force; its name is the one every page shows."""

    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.CASCADE,
                               related_name="identities")
    name = models.CharField(pgettext_lazy("person", "name"), max_length=50, blank=True)
    id_number_cipher = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_digest = models.CharField(_("ID number lookup hash"), max_length=64, blank=True,
                                        editable=False)
    native_place = models.CharField(_("native place"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=12, choices=IdentitySource.choices)
    reference = models.CharField(_("reference"), max_length=100, blank=True,
                                 help_text=_("The report, police record or document it rests on."))
    status = models.CharField(_("status"), max_length=12, choices=IdentityStatus.choices)
    reason = models.CharField(_("reason to supersede"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    superseded_at = models.DateTimeField(_("superseded at"), null=True, blank=True)
    superseded_by = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL,
                                      related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="person__district", site="person__current_site",
                      assigned=lambda user: Q(person__in=Person.objects.filter(
                          _linked_to_users_sites(user))))
    sensitive_fields = ("id_number_cipher", "id_number_digest")

    class Meta:
        ordering = ["-recorded_at", "-pk"]
        verbose_name = _("identity")
        verbose_name_plural = _("identities")
        constraints = [models.UniqueConstraint(
            fields=["person"], condition=Q(status="in_force"),
            name="people_one_identity_in_force")]

    def __str__(self) -> str:
        return self.name or str(self.get_source_display())

    @property
    def has_id_number(self) -> bool:
        return bool(self.id_number_cipher)

    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_cipher)

    @property
    def is_confirmed(self) -> bool:
        return self.source != IdentitySource.SELF_GIVEN
