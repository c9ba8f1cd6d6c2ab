"""Publicity cases (典型案例): a person's story told with their consent, anonymised and reviewed.

A case is proposed from a person file, carries the informed consent (知情同意) of the person or
their guardian with the uses it allows, and is shown or exported only once a manager has approved
its anonymised text and photos. Withdrawing consent takes it down everywhere: the anonymised copy
and its photos are deleted, only the record that it was withdrawn remains.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping
from songnuan.images import MetadataFreeImageField


class Status(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("publicity case", "Draft")
    IN_REVIEW = "in_review", pgettext_lazy("publicity case", "In review")
    APPROVED = "approved", pgettext_lazy("publicity case", "Approved")
    RETURNED = "returned", pgettext_lazy("publicity case", "Returned")
    WITHDRAWN = "withdrawn", pgettext_lazy("publicity case", "Withdrawn")


class Audience(models.TextChoices):
    """Uses of a case, each wider than the one before: consent to one covers those before it."""

    INTERNAL = "internal", _("Internal training")
    BUREAU = "bureau", _("Bureau report")
    PUBLIC = "public", _("Public media")


AUDIENCE_ORDER = [Audience.INTERNAL, Audience.BUREAU, Audience.PUBLIC]


def covers(scope: str, audience: str) -> bool:
    """Whether consent given for `scope` allows a use for `audience`."""
    return AUDIENCE_ORDER.index(Audience(audience)) <= AUDIENCE_ORDER.index(Audience(scope))


class ConsentGiver(models.TextChoices):
    PERSON = "person", _("The person")
    GUARDIAN = "guardian", _("Guardian")


class ConsentMethod(models.TextChoices):
    WRITTEN = "written", _("Written, signed")
    VERBAL = "verbal", _("Verbal, with a witness")
    RECORDED = "recorded", _("Audio or video recorded")


def _proposed_by(user) -> Q:
    return Q(proposed_by=user)


class Case(AuditedModel):
    """One publicity case: the story as written, and as it may be shown."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"),
                               on_delete=models.PROTECT, related_name="publicity_cases")
    encounter = models.ForeignKey("outreach.Encounter", verbose_name=_("encounter"), null=True,
                                  blank=True, on_delete=models.SET_NULL, related_name="+")
    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 on_delete=models.PROTECT, related_name="+")
    title = models.CharField(pgettext_lazy("publicity case", "title"), max_length=100)
    story = models.TextField(_("story"), max_length=5000)
    public_title = models.CharField(_("anonymised title"), max_length=200, blank=True)
    public_story = models.TextField(_("anonymised story"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices,
                              default=Status.DRAFT)
    review_note = models.TextField(_("review note"), blank=True, max_length=1000)
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    proposed_at = models.DateTimeField(_("proposed at"), auto_now_add=True)
    reviewed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    # The story as written names the person: logged as changed, never with its words.
    sensitive_fields = ("title", "story")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", site="person__current_site", assigned=_proposed_by)

    class Meta:
        ordering = ["-proposed_at"]
        verbose_name = _("publicity case")
        verbose_name_plural = _("publicity cases")
        permissions = [("review_case", _("Can approve or return publicity cases"))]

    def __str__(self) -> str:
        return self.public_title or str(_("Case %(number)s") % {"number": self.pk})

    def get_absolute_url(self) -> str:
        return reverse("cases:detail", args=[self.pk])

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Status.WITHDRAWN

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.RETURNED)


class Consent(AuditedModel):
    """Informed consent (知情同意): who gave it, when, how, for which uses; and its withdrawal."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="consent")
    given_by = models.CharField(_("consent given by"), max_length=10,
                                choices=ConsentGiver.choices)
    guardian_name = models.CharField(_("guardian's name"), max_length=50, blank=True)
    given_on = models.DateField(_("consent given on"))
    method = models.CharField(_("how consent was given"), max_length=10,
                              choices=ConsentMethod.choices)
    witness = models.CharField(_("witness"), max_length=50, blank=True)
    scope = models.CharField(_("uses allowed"), max_length=10, choices=Audience.choices)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True,
                                    on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)
    withdrawal_reason = models.CharField(_("reason for withdrawal"), max_length=200, blank=True)
    withdrawal_recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                               on_delete=models.SET_NULL, related_name="+")

    sensitive_fields = ("guardian_name", "witness")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="case__district", site="case__person__current_site",
                      assigned=lambda user: Q(case__proposed_by=user))

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")

    @property
    def is_valid(self) -> bool:
        return self.withdrawn_on is None


def case_photo_path(instance: CasePhoto, filename: str) -> str:
    return f"cases/{instance.case_id}/{uuid.uuid4().hex}.jpg"


class CasePhoto(AuditedModel):
    """A photo of the case as it may be shown: faces blurred, no metadata. The original stays
    in the person file (or, when uploaded for the case, is not kept)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="photos")
    source = models.ForeignKey("people.PersonPhoto", null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="+")
    image = MetadataFreeImageField(_("photo"), upload_to=case_photo_path)
    faces_found = models.PositiveSmallIntegerField(default=0)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="case__district", site="case__person__current_site",
                      assigned=lambda user: Q(case__proposed_by=user))

    class Meta:
        ordering = ["pk"]
        verbose_name = _("case photo")
        verbose_name_plural = _("case photos")
