"""Tracing: families' missing-person reports, cases for unidentified admitted people, their
legal deadlines, police comparison requests, candidate reviews and public announcements."""

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
from songnuan.images import MetadataFreeImageField
from songnuan.people import crypto

CASE_SCOPING = Scoping(district="case__site__district", site="case__site")


class HolidayYear(AuditedModel):
    """One year's State Council holiday arrangement (放假安排): days off and adjusted workdays.

    Seeded from the `chinesecalendar` package; an administrator adds or corrects a year when
    the State Council publishes it (usually in November for the next year).
    """

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    holidays = models.JSONField(_("days off (YYYY-MM-DD)"), default=list, blank=True)
    workdays = models.JSONField(_("adjusted working days (YYYY-MM-DD)"), default=list,
                                blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(city_wide=True)
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["year"]
        verbose_name = _("holiday arrangement")
        verbose_name_plural = _("holiday arrangements")

    def __str__(self) -> str:
        return str(self.year)


class ReportSource(models.TextChoices):
    PUBLIC = "public", _("Family, online form")
    STAFF = "staff", _("Entered by staff")
    IMPORT = "import", _("Imported list")
    PARTNER = "partner", _("Partner city")


class ReportStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("missing report", "Open")
    FOUND = "found", _("Found")
    CLOSED = "closed", _("Closed")


def report_photo_path(instance: MissingReport, filename: str) -> str:
    return f"tracing/reports/{timezone.now():%Y/%m}/{filename}"


class MissingReport(AuditedModel):
    """A family's report of a missing person (寻人登记)."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, editable=False)
    name = models.CharField(_("name of the missing person"), max_length=50, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True,
                           choices=[("M", _("Male")), ("F", _("Female"))])
    birth_year = models.PositiveSmallIntegerField(_("birth year"), null=True, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    id_number_cipher = models.TextField(_("ID number (encrypted)"), blank=True, editable=False)
    id_number_digest = models.CharField(_("ID number lookup hash"), max_length=64, blank=True,
                                        db_index=True, editable=False)
    native_place = models.CharField(_("native place"), max_length=100, blank=True)
    dialect = models.CharField(_("dialect"), max_length=50, blank=True)
    features = models.TextField(_("features and marks"), blank=True,
                                help_text=_("Separate features with ；"))
    missing_since = models.DateField(_("missing since"), null=True, blank=True)
    last_seen_place = models.CharField(_("last seen at"), max_length=200, blank=True)
    description = models.TextField(_("what happened"), blank=True)
    photo = MetadataFreeImageField(_("photo"), upload_to=report_photo_path, blank=True)
    # The photo's face embedding (faces extra); null without a photo, a face or the extra.
    face_embedding = models.JSONField(null=True, blank=True, editable=False)
    reporter_name = models.CharField(_("your name"), max_length=50)
    reporter_phone = models.CharField(_("your phone"), max_length=20)
    reporter_relation = models.CharField(_("relation to the missing person"), max_length=30,
                                         blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified at"), null=True, blank=True)
    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 on_delete=models.PROTECT, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=ReportSource.choices,
                              default=ReportSource.STAFF)
    external_id = models.CharField(_("external record number"), max_length=40, blank=True,
                                   help_text=_("The record's number in the list it was "
                                               "imported from."))
    # A report a partner city's deployment sent (source "partner"): that city's code and its
    # message id, so the same message never files two reports.
    partner_city = models.CharField(_("sent by the city"), max_length=6, blank=True)
    partner_message_id = models.CharField(_("partner's message id"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ReportStatus.choices,
                              default=ReportStatus.OPEN)
    created_at = models.DateTimeField(_("reported at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")
    sensitive_fields = ("id_number_cipher", "id_number_digest", "reporter_phone")
    audit_exclude = ("face_embedding",)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [models.UniqueConstraint(
            fields=["external_id"], condition=~Q(external_id=""),
            name="tracing_report_external_id_unique"),
            models.UniqueConstraint(
                fields=["partner_city", "partner_message_id"],
                condition=~Q(partner_message_id=""), name="tracing_report_partner_message_once")]
        verbose_name = _("missing-person report")
        verbose_name_plural = _("missing-person reports")

    def __str__(self) -> str:
        return f"{self.reference} {self.name or _('(no name)')}"

    def get_absolute_url(self) -> str:
        return reverse("tracing:report", args=[self.pk])

    def age_on(self, day: datetime.date) -> int | None:
        return day.year - self.birth_year if self.birth_year else None

    @property
    def has_id_number(self) -> bool:
        return bool(self.id_number_cipher)

    def id_number(self) -> str:
        """The decrypted number: callers show it only to staff with accounts.view_sensitive."""
        return crypto.decrypt(self.id_number_cipher)

    def set_id_number(self, number: str) -> None:
        """Store the number encrypted, with the keyed hash for exact lookup (as person files)."""
        self.id_number_cipher = crypto.encrypt(number)
        self.id_number_digest = crypto.keyed_hash(number)

    def feature_list(self) -> list[str]:
        return [f.strip() for f in self.features.replace("；", ";").split(";") if f.strip()]


class PhotoFace(models.Model):
    """The face embedding of a person's photo (faces extra); null when the photo shows none."""

    photo = models.OneToOneField("people.PersonPhoto", on_delete=models.CASCADE,
                                 related_name="face")
    embedding = models.JSONField(null=True, blank=True)
    computed_at = models.DateTimeField(default=timezone.now)


class PhoneCode(models.Model):
    """A one-time code sent by SMS to check a family's phone number; only its hash is kept."""

    phone = models.CharField(max_length=20, db_index=True)
    code_hash = models.CharField(max_length=64)
    sent_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    attempts = models.PositiveSmallIntegerField(default=0)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-sent_at"]


class CaseStatus(models.TextChoices):
    OPEN = "open", _("Enquiry in progress")
    STRANDED = "stranded", _("Stranded (滞留)")
    SETTLEMENT = "settlement", _("Settlement path open")
    IDENTIFIED = "identified", _("Identified")
    CLOSED = "closed", _("Closed")


LIVE_STATUSES = (CaseStatus.OPEN, CaseStatus.STRANDED, CaseStatus.SETTLEMENT)


class Ranking(models.TextChoices):
    """Where the comparison of a case's person with the open reports stands: it runs in the
    worker after the admission commits."""

    WAITING = "waiting", _("Being compared with the open reports")
    DONE = "done", _("Compared with the open reports")
    FAILED = "failed", _("Comparison with the open reports failed")


class TracingCase(AuditedModel):
    """Identity enquiry for an admitted person whose identity is unknown (民发〔2015〕158号)."""

    person = models.ForeignKey("people.Person", verbose_name=_("person"),
                               on_delete=models.PROTECT, related_name="tracing_cases")
    stay = models.ForeignKey("shelter.Stay", verbose_name=_("stay"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="+")
    site = models.ForeignKey("network.Site", verbose_name=_("station"), on_delete=models.PROTECT,
                             related_name="+")
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=12, choices=CaseStatus.choices,
                              default=CaseStatus.OPEN)
    found_place = models.CharField(_("where found"), max_length=200, blank=True)
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("case officer"),
                                null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="tracing_cases")
    matched_report = models.ForeignKey(MissingReport, verbose_name=_("matched report"),
                                       null=True, blank=True, on_delete=models.SET_NULL,
                                       related_name="+")
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    ranking = models.CharField(_("comparison with the open reports"), max_length=8,
                               choices=Ranking.choices, default=Ranking.DONE)
    ranked_at = models.DateTimeField(_("last compared at"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="site__district", site="site")
    audit_exclude = ("ranking", "ranked_at")

    class Meta:
        ordering = ["-opened_at", "-pk"]
        verbose_name = _("tracing case")
        verbose_name_plural = _("tracing cases")
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=~Q(status="closed")
                                    & ~Q(status="identified"),
                                    name="tracing_one_live_case_per_person"),
        ]

    def __str__(self) -> str:
        return _("Case %(id)s: %(person)s") % {"id": self.pk, "person": self.person}

    def get_absolute_url(self) -> str:
        return reverse("tracing:case", args=[self.pk])

    def announcement_or_none(self) -> Announcement | None:
        return Announcement.objects.filter(case=self).first()

    @property
    def is_live(self) -> bool:
        return self.status in LIVE_STATUSES


class StepKind(models.TextChoices):
    BIOMETRICS = "biometrics", _("Fingerprints and photo taken and compared")
    ANNOUNCEMENT = "announcement", _("Family-search announcement published")
    DNA_REQUEST = "dna_request", _("DNA collection requested from the police")
    STRANDED = "stranded", _("Stranded-case review (care placement)")
    SETTLEMENT = "settlement", _("Settlement (落户安置) path opens")


class DueStep:
    """A step of a case with a kind, a due date and the time it was done."""

    def __str__(self) -> str:
        return str(self.get_kind_display())

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        return self.done_at is None and (now or timezone.now()) > self.due_at


class CaseStep(DueStep, AuditedModel):
    """One deadline of a case; `calendar_gap` marks a due date computed without holiday data."""

    case = models.ForeignKey(TracingCase, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="steps")
    kind = models.CharField(_("step"), max_length=20, choices=StepKind.choices)
    due_at = models.DateTimeField(_("due by"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    calendar_gap = models.BooleanField(_("no holiday data for the year"), default=False)

    objects = ScopedQuerySet.as_manager()
    scoping = CASE_SCOPING

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("case step")
        verbose_name_plural = _("case steps")
        constraints = [models.UniqueConstraint(fields=["case", "kind"],
                                               name="tracing_one_step_per_kind")]


class ComparisonKind(models.TextChoices):
    FINGERPRINT = "fingerprint", _("Fingerprint")
    FACE = "face", _("Face")
    DNA = "dna", _("DNA")


class ComparisonStatus(models.TextChoices):
    SENT = "sent", _("Sent")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    MATCHED = "matched", _("Matched an identity")
    NO_MATCH = "no_match", _("No match")


def evidence_path(instance: ComparisonRequest, filename: str) -> str:
    return f"tracing/evidence/{timezone.now():%Y/%m}/{filename}"


def _sent_to(user) -> Q:
    return Q(liaison=user)


class ComparisonRequest(AuditedModel):
    """A request to the police to compare fingerprints, face or DNA, and its result."""

    case = models.ForeignKey(TracingCase, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="comparisons")
    kind = models.CharField(_("comparison"), max_length=12, choices=ComparisonKind.choices)
    liaison = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("police liaison"),
                                on_delete=models.PROTECT, related_name="comparison_requests")
    status = models.CharField(_("status"), max_length=12, choices=ComparisonStatus.choices,
                              default=ComparisonStatus.SENT)
    message = models.TextField(_("request"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    acknowledged_at = models.DateTimeField(_("acknowledged at"), null=True, blank=True)
    due_at = models.DateTimeField(_("answer due by"), null=True, blank=True)
    result_at = models.DateTimeField(_("result at"), null=True, blank=True)
    police_reference = models.CharField(_("police reference"), max_length=60, blank=True)
    matched_identity = models.CharField(_("matched identity"), max_length=200, blank=True)
    result_notes = models.TextField(_("result notes"), blank=True)
    evidence = models.FileField(_("evidence"), upload_to=evidence_path, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="case__site__district", site="case__site", assigned=_sent_to)
    sensitive_fields = ("matched_identity",)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("comparison request")
        verbose_name_plural = _("comparison requests")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} · {self.case_id}"

    def get_absolute_url(self) -> str:
        return reverse("tracing:comparison", args=[self.pk])

    @property
    def is_answered(self) -> bool:
        return self.status in (ComparisonStatus.MATCHED, ComparisonStatus.NO_MATCH)

    def is_overdue(self, now: datetime.datetime | None = None) -> bool:
        return (not self.is_answered and self.due_at is not None
                and (now or timezone.now()) > self.due_at)


class Decision(models.TextChoices):
    PENDING = "pending", _("To review")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", pgettext_lazy("candidate", "Rejected")


class CandidateReview(AuditedModel):
    """The engine's suggestion that a case's person is a reported missing person, and the
    officer's decision on it."""

    case = models.ForeignKey(TracingCase, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="candidates")
    report = models.ForeignKey(MissingReport, verbose_name=_("report"), on_delete=models.CASCADE,
                               related_name="candidates")
    score = models.FloatField(_("match probability"))
    explanation = models.JSONField(_("explanation"), default=list)
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices,
                                default=Decision.PENDING)
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = CASE_SCOPING

    class Meta:
        ordering = ["-score", "pk"]
        verbose_name = _("candidate")
        verbose_name_plural = _("candidates")
        constraints = [models.UniqueConstraint(fields=["case", "report"],
                                               name="tracing_one_review_per_pair")]

    def __str__(self) -> str:
        return f"{self.case_id} ↔ {self.report.reference}"


class Announcement(AuditedModel):
    """A family-search announcement (寻亲公告) for a case, public until taken down."""

    case = models.OneToOneField(TracingCase, verbose_name=_("case"), on_delete=models.CASCADE,
                                related_name="announcement")
    title = models.CharField(_("title"), max_length=100)
    text = models.TextField(_("text"))
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    age_estimate = models.PositiveSmallIntegerField(_("estimated age"), null=True, blank=True)
    height_cm = models.PositiveSmallIntegerField(_("height (cm)"), null=True, blank=True)
    features = models.TextField(_("features"), blank=True)
    found_place = models.CharField(_("where found"), max_length=200, blank=True)
    found_on = models.DateField(_("found on"))
    contact = models.CharField(_("station contact"), max_length=200)
    photo = MetadataFreeImageField(_("photo"), upload_to="tracing/announcements/", blank=True)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    refreshed_at = models.DateTimeField(_("last refreshed at"), null=True, blank=True)
    taken_down_at = models.DateTimeField(_("taken down at"), null=True, blank=True)
    taken_down_reason = models.CharField(_("why taken down"), max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = CASE_SCOPING

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("announcement")
        verbose_name_plural = _("announcements")

    def __str__(self) -> str:
        return self.title

    @property
    def is_public(self) -> bool:
        return self.taken_down_at is None


class Channel(models.TextChoices):
    """Where a family-search announcement is published (民政部救助寻亲 rules: the national
    platform and the press or media of the place found)."""

    SITE = "site", _("This site")
    NATIONAL = "national", _("National family-search platform (全国救助寻亲网)")
    PRESS = "press", _("Press")
    SOCIAL = "social", _("Social media")


class Publication(AuditedModel):
    """One publication or refresh of an announcement on one channel, with the reference the
    channel returned."""

    announcement = models.ForeignKey(Announcement, verbose_name=_("announcement"),
                                     on_delete=models.CASCADE, related_name="publications")
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    reference = models.CharField(_("reference returned"), max_length=100, blank=True)
    is_refresh = models.BooleanField(_("refresh"), default=False)
    published_at = models.DateTimeField(_("published at"), default=timezone.now)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="announcement__case__site__district",
                      site="announcement__case__site")

    class Meta:
        ordering = ["-published_at", "-pk"]
        verbose_name = _("publication")
        verbose_name_plural = _("publications")


class ReturnStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DEPARTED = "departed", _("On the way home")
    ARRIVED = "arrived", _("Arrived, received")
    CANCELLED = "cancelled", pgettext_lazy("return", "Cancelled")


class TicketMode(models.TextChoices):
    TRAIN = "train", _("Train")
    COACH = "coach", _("Coach")
    FLIGHT = "flight", _("Flight")
    CAR = "car", _("Station vehicle")


class ReceiverKind(models.TextChoices):
    FAMILY = "family", _("Family")
    BUREAU = "bureau", _("Local civil-affairs bureau")
    STATION = "station", _("Another city's rescue station")


class ReturnPlan(AuditedModel):
    """Escorted return home (送返): route, tickets, escort, who receives the person and what
    they were given; the escort confirms departure, the receiving side confirms arrival through
    a link with a one-time code (only the code's hash is kept)."""

    case = models.ForeignKey(TracingCase, verbose_name=_("case"), on_delete=models.PROTECT,
                             related_name="returns")
    status = models.CharField(_("status"), max_length=10, choices=ReturnStatus.choices,
                              default=ReturnStatus.PLANNED)
    destination = models.CharField(_("going home to"), max_length=200)
    route = models.CharField(_("route"), max_length=300)
    travel_mode = models.CharField(_("how they travel home"), max_length=10)
    ticket_kind = models.CharField(_("ticket"), max_length=10, choices=TicketMode.choices)
    ticket_number = models.CharField(_("train, coach or flight number"), max_length=40,
                                     blank=True)
    departs_at = models.DateTimeField(_("departs at"))
    arrives_at = models.DateTimeField(_("arrives at"))
    escort = models.CharField(_("escorted by"), max_length=100, blank=True)
    escort_phone = models.CharField(_("escort's phone"), max_length=20, blank=True)
    escort_user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("escorting staff"),
                                    null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="escorted_returns")
    receiver_kind = models.CharField(_("received by"), max_length=10,
                                     choices=ReceiverKind.choices)
    receiver_name = models.CharField(_("receiving contact"), max_length=100)
    receiver_phone = models.CharField(_("receiving contact's phone"), max_length=20)
    receiver_org = models.CharField(_("receiving bureau or station"), max_length=100,
                                    blank=True)
    supplies = models.CharField(_("supplies given"), max_length=300, blank=True)
    money_yuan = models.DecimalField(_("money given (yuan)"), max_digits=8, decimal_places=2,
                                     default=0)
    link_token = models.CharField(max_length=43, unique=True, editable=False)
    code_hash = models.CharField(max_length=100, blank=True, editable=False)
    code_expires_at = models.DateTimeField(null=True, blank=True, editable=False)
    code_attempts = models.PositiveSmallIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(_("planned at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    departed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    arrived_at = models.DateTimeField(_("arrival confirmed at"), null=True, blank=True)
    received_by_name = models.CharField(_("received by (name)"), max_length=100, blank=True)
    arrival_note = models.CharField(_("note on arrival"), max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = CASE_SCOPING
    sensitive_fields = ("receiver_phone", "escort_phone")
    audit_exclude = ("code_hash", "code_attempts")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("return plan")
        verbose_name_plural = _("return plans")
        constraints = [models.UniqueConstraint(
            fields=["case"], condition=~Q(status="cancelled"),
            name="tracing_one_live_return_per_case")]

    def __str__(self) -> str:
        return _("Return of %(person)s to %(place)s") % {"person": self.case.person,
                                                          "place": self.destination}

    def get_absolute_url(self) -> str:
        return reverse("tracing:return", args=[self.pk])


class FollowUpStatus(models.TextChoices):
    DUE = "due", _("To do")
    DONE = "done", _("Done")


class FollowUp(AuditedModel):
    """After return (源头治理): a contact with the family or the local bureau some months after
    the person went home, so they do not end up on the street again."""

    case = models.ForeignKey(TracingCase, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="follow_ups")
    months = models.PositiveSmallIntegerField(_("months after return"))
    due_at = models.DateTimeField(_("due by"))
    contact = models.CharField(_("contact"), max_length=200)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    outcome = models.CharField(_("how they are"), max_length=300, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ScopedQuerySet.as_manager()
    scoping = CASE_SCOPING

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("follow-up after return")
        verbose_name_plural = _("follow-ups after return")
        constraints = [models.UniqueConstraint(fields=["case", "months"],
                                               name="tracing_one_follow_up_per_month")]

    def is_due(self, now: datetime.datetime | None = None) -> bool:
        return self.done_at is None and (now or timezone.now()) >= self.due_at


class ReEncounter(AuditedModel):
    """A returned or settled person met on the street again, linked to their file and case."""

    case = models.ForeignKey(TracingCase, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="re_encounters")
    person = models.ForeignKey("people.Person", verbose_name=_("person met"),
                               on_delete=models.PROTECT, related_name="+")
    encounter_id = models.PositiveIntegerField(_("encounter"))
    at = models.DateTimeField(_("met at"))
    place = models.CharField(_("place"), max_length=200, blank=True)
    score = models.FloatField(_("match probability"), default=1.0)

    objects = ScopedQuerySet.as_manager()
    scoping = CASE_SCOPING

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("re-encounter after return")
        verbose_name_plural = _("re-encounters after return")
        constraints = [models.UniqueConstraint(fields=["case", "encounter_id"],
                                               name="tracing_re_encounter_once")]


class SettlementKind(models.TextChoices):
    """The settlement (落户安置) path in its order: the station applies, the police register the
    household, the person is placed (民发〔2015〕158号 and the provincial settlement rules)."""

    APPLICATION = "application", _("Settlement application to the civil-affairs bureau")
    REGISTRATION = "registration", _("Household registration by the police (落户)")
    PLACEMENT = "placement", _("Placement in a welfare institution or a community")


SETTLEMENT_ORDER = (SettlementKind.APPLICATION, SettlementKind.REGISTRATION,
                    SettlementKind.PLACEMENT)


class PlacementKind(models.TextChoices):
    INSTITUTION = "institution", _("Welfare institution")
    COMMUNITY = "community", _("Community (dispersed support)")


def settlement_document_path(instance: SettlementStep, filename: str) -> str:
    return f"tracing/settlement/{timezone.now():%Y/%m}/{filename}"


class SettlementStep(DueStep, AuditedModel):
    """One step of a case's settlement, with its owner, due date and document."""

    case = models.ForeignKey(TracingCase, verbose_name=_("case"), on_delete=models.CASCADE,
                             related_name="settlement_steps")
    kind = models.CharField(_("step"), max_length=12, choices=SettlementKind.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("owner"), null=True,
                              blank=True, on_delete=models.SET_NULL, related_name="+")
    due_at = models.DateTimeField(_("due by"))
    done_at = models.DateTimeField(_("done at"), null=True, blank=True)
    done_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                on_delete=models.SET_NULL, related_name="+")
    reference = models.CharField(_("document number"), max_length=60, blank=True)
    document = models.FileField(_("document"), upload_to=settlement_document_path, blank=True)
    placement = models.CharField(_("placed in"), max_length=12, choices=PlacementKind.choices,
                                 blank=True)
    place = models.CharField(_("institution or community"), max_length=100, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = CASE_SCOPING

    class Meta:
        ordering = ["due_at", "pk"]
        verbose_name = _("settlement step")
        verbose_name_plural = _("settlement steps")
        constraints = [models.UniqueConstraint(fields=["case", "kind"],
                                               name="tracing_one_settlement_step_per_kind")]
