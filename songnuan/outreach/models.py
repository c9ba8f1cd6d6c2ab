"""Street outreach: hotspots, squads, shifts, tasks, encounters, follow-ups, patrol plans."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping
from songnuan.network.city import served_city
from songnuan.network.geography import district_for_point


class PlaceType(models.TextChoices):
    # The notice's focus places (三(三)): underpasses, bridge culverts, abandoned buildings.
    UNDERPASS = "underpass", _("Underpass")
    BRIDGE_CULVERT = "bridge_culvert", _("Bridge culvert")
    ABANDONED_BUILDING = "abandoned_building", _("Abandoned building")
    STATION = "station", _("Station or terminal")
    PARK = "park", _("Park")
    BANK_VESTIBULE = "bank_vestibule", _("Bank vestibule")
    CONSTRUCTION_SITE = "construction_site", _("Construction site")
    OTHER = "other", _("Other")


class RiskLevel(models.IntegerChoices):
    LOW = 1, _("Low")
    MEDIUM = 2, _("Medium")
    HIGH = 3, _("High")


class HotspotQuerySet(ScopedQuerySet):
    def active(self) -> HotspotQuerySet:
        return self.filter(is_active=True)


class Hotspot(AuditedModel):
    """A known place where people sleep rough or shelter (重点区域), to be patrolled."""

    name = models.CharField(_("name"), max_length=100)
    place_type = models.CharField(_("type of place"), max_length=20, choices=PlaceType.choices)
    lat = models.FloatField(_("latitude (WGS-84)"),
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("longitude (WGS-84)"),
                            validators=[MinValueValidator(-180), MaxValueValidator(180)])
    district = models.ForeignKey(
        "network.District", verbose_name=_("district"), on_delete=models.PROTECT,
        related_name="hotspots", blank=True,
        help_text=_("Found from the coordinates when left empty."),
    )
    address = models.CharField(_("address or landmark"), max_length=200, blank=True)
    risk_level = models.PositiveSmallIntegerField(_("risk level"), choices=RiskLevel.choices,
                                                  default=RiskLevel.MEDIUM)
    patrols_per_night = models.PositiveSmallIntegerField(
        _("patrols per night"), default=1, validators=[MaxValueValidator(24)],
        help_text=_("Required patrol visits per night in normal weather."),
    )
    patrols_per_night_protocol = models.PositiveSmallIntegerField(
        _("patrols per night under protocol"), default=2, validators=[MaxValueValidator(24)],
        help_text=_("Required visits per night while a cold-weather protocol is in force."),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=2000)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = HotspotQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        ordering = ["district__code", "-risk_level", "name"]
        verbose_name = _("hotspot")
        verbose_name_plural = _("hotspots")
        indexes = [models.Index(fields=["lat", "lon"])]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.lat is None or self.lon is None:
            return
        if self.patrols_per_night_protocol < self.patrols_per_night:
            raise ValidationError({"patrols_per_night_protocol": _(
                "Under protocol a place needs at least as many patrols as in normal weather."
            )})
        found = district_for_point(self.lat, self.lon)
        if found is None:
            raise ValidationError({"lat": _("This point is outside %(city)s.")
                                   % {"city": served_city().display_name()}})
        if self.district_id is None:
            self.district = found

    def required_patrols(self, protocol_active: bool) -> int:
        return self.patrols_per_night_protocol if protocol_active else self.patrols_per_night


# ------------------------------------------------------------------ squads, tasks, encounters

class Agency(models.TextChoices):
    # The notice's joint patrols (三(三)): civil affairs with police, urban management, health.
    CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs")
    POLICE = "police", _("Police")
    URBAN_MANAGEMENT = "urban_management", _("Urban management")
    HEALTH = "health", pgettext_lazy("agency", "Health")
    VOLUNTEER = "volunteer", _("Volunteer")


def _members_q(path: str):
    """Rows whose squad (reached by `path`, "" for a squad itself) the user is a member of.

    A subquery rather than a join, so a squad with several members is still one row.
    """
    def assigned(user) -> models.Q:
        mine = SquadMember.objects.filter(user=user).values("squad_id")
        return models.Q(**{f"{path}pk__in" if not path else f"{path}in": mine})

    return assigned


class DutyStatus(models.TextChoices):
    """Whether a squad may be sent now: only a squad on duty and inside a shift is dispatched.

    A reserve squad is crewed but held back; the leader on duty calls it on when the squads on
    shift cannot reach the waiting leads in time (see `outreach.capacity`).
    """

    ON_DUTY = "on_duty", _("On duty")
    ON_BREAK = "on_break", _("On a break")
    OUT_OF_SERVICE = "out_of_service", _("Out of service")
    RESERVE = "reserve", _("Reserve")


class Squad(AuditedModel):
    """A rescue squad (救助分队): a mixed patrol team with a vehicle, working shifts."""

    name = models.CharField(_("name"), max_length=60)
    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 on_delete=models.PROTECT, related_name="squads")
    vehicle = models.CharField(_("vehicle"), max_length=40, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    base_lat = models.FloatField(_("base latitude (WGS-84)"))
    base_lon = models.FloatField(_("base longitude (WGS-84)"))
    capacity = models.PositiveSmallIntegerField(
        _("open tasks at most"), default=3, validators=[MinValueValidator(1)])
    duty_status = models.CharField(_("duty status"), max_length=16, choices=DutyStatus.choices,
                                   default=DutyStatus.OUT_OF_SERVICE)
    last_lat = models.FloatField(null=True, blank=True, editable=False)
    last_lon = models.FloatField(null=True, blank=True, editable=False)
    last_seen_at = models.DateTimeField(_("position sent"), null=True, blank=True,
                                        editable=False)
    # Where the squad waits until its next task (待命点), as the dispatcher last told it.
    standby_lat = models.FloatField(null=True, blank=True, editable=False)
    standby_lon = models.FloatField(null=True, blank=True, editable=False)
    standby_place = models.CharField(_("wait at"), max_length=120, blank=True, editable=False)
    standby_since = models.DateTimeField(_("told to wait there at"), null=True, blank=True,
                                         editable=False)
    # Sent there for the night (借调): its tasks do not end the order, and it covers the
    # district it waits in instead of its own.
    standby_for_the_night = models.BooleanField(_("there for the night"), default=False,
                                                editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", assigned=_members_q(""))
    audit_exclude = ("last_lat", "last_lon", "last_seen_at", "updated_at")

    class Meta:
        ordering = ["district__code", "name"]
        verbose_name = _("squad")
        verbose_name_plural = _("squads")

    def __str__(self) -> str:
        return self.name

    @property
    def is_on_duty(self) -> bool:
        return self.duty_status == DutyStatus.ON_DUTY

    def position(self) -> tuple[float, float]:
        if self.last_lat is not None and self.last_lon is not None:
            return self.last_lat, self.last_lon
        return self.base_lat, self.base_lon

    @property
    def standby(self) -> tuple[float, float] | None:
        if self.standby_lat is None or self.standby_lon is None:
            return None
        return self.standby_lat, self.standby_lon

    def forget_standby(self) -> None:
        self.standby_lat = self.standby_lon = self.standby_since = None
        self.standby_place = ""
        self.standby_for_the_night = False


class SquadMember(AuditedModel):
    squad = models.ForeignKey(Squad, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey("accounts.User", verbose_name=_("member"),
                             on_delete=models.CASCADE, related_name="squad_memberships")
    agency = models.CharField(_("agency"), max_length=20, choices=Agency.choices)
    is_leader = models.BooleanField(_("leader"), default=False)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="squad__district", assigned=_members_q("squad__"))

    class Meta:
        verbose_name = _("squad member")
        verbose_name_plural = _("squad members")
        constraints = [models.UniqueConstraint(fields=["squad", "user"],
                                               name="squad_member_once")]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_agency_display()})"


class Shift(AuditedModel):
    """When a squad works: a squad is on shift only inside one of these and while on duty."""

    squad = models.ForeignKey(Squad, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="squad__district", assigned=_members_q("squad__"))

    class Meta:
        ordering = ["starts_at"]
        verbose_name = _("shift")
        verbose_name_plural = _("shifts")
        indexes = [models.Index(fields=["squad", "starts_at", "ends_at"])]
        constraints = [models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")),
                                              name="shift_ends_after_start")]

    def __str__(self) -> str:
        return f"{self.squad} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class TaskKind(models.TextChoices):
    LEAD = "lead", _("Lead")
    FOLLOW_UP = "follow_up", _("Follow-up")


class TaskStatus(models.TextChoices):
    ASSIGNED = "assigned", _("Assigned")
    ACCEPTED = "accepted", pgettext_lazy("task", "Accepted")
    ARRIVED = "arrived", _("Arrived")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Reassigned or cancelled")
    DECLINED = "declined", _("Declined by the squad")


ACTIVE_TASK_STATUSES = (TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.ARRIVED)


class Task(AuditedModel):
    """One squad sent to one lead or follow-up (派单). At most one active task per lead."""

    kind = models.CharField(_("kind"), max_length=10, choices=TaskKind.choices)
    lead = models.ForeignKey("leads.Lead", null=True, blank=True, on_delete=models.PROTECT,
                             related_name="tasks")
    follow_up = models.ForeignKey("FollowUp", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="tasks")
    squad = models.ForeignKey(Squad, verbose_name=_("squad"), on_delete=models.PROTECT,
                              related_name="tasks")
    district = models.ForeignKey("network.District", on_delete=models.PROTECT,
                                 related_name="outreach_tasks")
    # Empty for a lead known only by its district: the squad sets the place on arrival.
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    place = models.CharField(_("place"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=TaskStatus.choices,
                              default=TaskStatus.ASSIGNED)
    reason = models.CharField(_("why this squad"), max_length=200, blank=True)
    eta_min = models.PositiveSmallIntegerField(_("expected on scene in (minutes)"), null=True,
                                               blank=True)
    is_mutual_aid = models.BooleanField(_("mutual aid"), default=False,
                                        help_text=_("A squad from another district."))
    assigned_by = models.ForeignKey("accounts.User", null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="+")
    assigned_at = models.DateTimeField(_("assigned"), default=timezone.now)
    # When the server heard of a step; the *_client_at beside them is when the squad's phone says
    # it happened, which differs when a queue of offline taps is replayed later.
    accepted_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    accepted_client_at = models.DateTimeField(_("accepted (squad's time)"), null=True,
                                              blank=True)
    arrived_at = models.DateTimeField(_("arrived"), null=True, blank=True)
    arrived_client_at = models.DateTimeField(_("arrived (squad's time)"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    closed_client_at = models.DateTimeField(_("closed (squad's time)"), null=True, blank=True)
    closed_reason = models.CharField(_("why closed"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", assigned=_members_q("squad__"))
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["-assigned_at"]
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        indexes = [models.Index(fields=["squad", "status"]),
                   models.Index(fields=["status", "assigned_at"])]
        constraints = [
            # The database's word on "one dispatcher wins": never two live tasks for a lead.
            models.UniqueConstraint(fields=["lead"], name="one_active_task_per_lead",
                                    condition=models.Q(status__in=["assigned", "accepted",
                                                                   "arrived"])),
            models.UniqueConstraint(fields=["follow_up"], name="one_active_task_per_follow_up",
                                    condition=models.Q(status__in=["assigned", "accepted",
                                                                   "arrived"])),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.squad}"

    @property
    def is_active(self) -> bool:
        return self.status in ACTIVE_TASK_STATUSES


class EncounterOutcome(models.TextChoices):
    ESCORTED = "escorted", _("Escorted to a site")
    HOSPITAL = "hospital", _("Sent to hospital")
    REFUSED = "refused", _("Refused help")
    NOT_FOUND = "not_found", _("Not found")
    FALSE_REPORT = "false_report", _("False report")


class Encounter(AuditedModel):
    """What a squad found at a place (现场处置): the people met and what became of them."""

    client_request_id = models.CharField(max_length=64, unique=True)
    task = models.ForeignKey(Task, null=True, blank=True, on_delete=models.PROTECT,
                             related_name="encounters")
    squad = models.ForeignKey(Squad, on_delete=models.PROTECT, related_name="encounters")
    district = models.ForeignKey("network.District", on_delete=models.PROTECT,
                                 related_name="outreach_encounters")
    lat = models.FloatField()
    lon = models.FloatField()
    place = models.CharField(_("place"), max_length=200, blank=True)
    at = models.DateTimeField(_("time"), default=timezone.now,
                              help_text=_("When it happened, by the squad's clock."))
    recorded_at = models.DateTimeField(_("recorded"), default=timezone.now)
    outcome = models.CharField(_("outcome"), max_length=12, choices=EncounterOutcome.choices)
    site = models.ForeignKey("network.Site", verbose_name=_("escorted to"), null=True,
                             blank=True, on_delete=models.PROTECT, related_name="+")
    hospital = models.CharField(_("hospital"), max_length=100, blank=True)
    contact_card_left = models.BooleanField(_("contact card left"), default=False)
    note = models.TextField(_("note"), blank=True, max_length=1000)
    recorded_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL,
                                    related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", assigned=_members_q("squad__"))

    class Meta:
        ordering = ["-at"]
        # The last hours' encounters are read on every task page and every plan.
        indexes = [models.Index(fields=["at"], name="outreach_encounter_at")]
        verbose_name = _("encounter")
        verbose_name_plural = _("encounters")

    def __str__(self) -> str:
        return f"{self.get_outcome_display()} {timezone.localtime(self.at):%Y-%m-%d %H:%M}"


class EncounterPerson(AuditedModel):
    """One person met in an encounter, with what became of them (one may go in, one refuse)."""

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="people")
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT,
                               related_name="outreach_encounters")
    outcome = models.CharField(_("outcome"), max_length=12, choices=EncounterOutcome.choices)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="encounter__district",
                      assigned=_members_q("encounter__squad__"))

    class Meta:
        ordering = ["pk"]
        constraints = [models.UniqueConstraint(fields=["encounter", "person"],
                                               name="encounter_person_once")]


class FollowUpStatus(models.TextChoices):
    DUE = "due", _("Scheduled")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class FollowUp(AuditedModel):
    """A revisit to someone who refused help, at the place they stay (回访)."""

    person = models.ForeignKey("people.Person", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="outreach_follow_ups")
    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT,
                                  related_name="follow_ups")
    district = models.ForeignKey("network.District", on_delete=models.PROTECT,
                                 related_name="outreach_follow_ups")
    hotspot = models.ForeignKey(Hotspot, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="follow_ups")
    lat = models.FloatField()
    lon = models.FloatField()
    place = models.CharField(_("place"), max_length=200, blank=True)
    due_at = models.DateTimeField(pgettext_lazy("follow-up", "due"), db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=FollowUpStatus.choices,
                              default=FollowUpStatus.DUE)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        ordering = ["due_at"]
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")

    def __str__(self) -> str:
        return f"{self.place or self.pk} {timezone.localtime(self.due_at):%Y-%m-%d %H:%M}"


# ------------------------------------------------------------------ night patrol plans

class PatrolPlan(AuditedModel):
    """A district's night patrol (夜间巡查): hotspots shared among squads, each with a route."""

    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 on_delete=models.PROTECT, related_name="patrol_plans")
    night = models.DateField(_("night of"))
    created_by = models.ForeignKey("accounts.User", null=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    dropped = models.JSONField(_("hotspots that did not fit"), default=list, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", assigned=lambda user: models.Q(
        pk__in=PatrolStop.objects.filter(squad__members__user=user).values("plan_id")))

    class Meta:
        ordering = ["-night", "district__code"]
        verbose_name = _("night patrol plan")
        verbose_name_plural = _("night patrol plans")

    def __str__(self) -> str:
        return f"{self.district} {self.night}"


class PatrolStop(AuditedModel):
    plan = models.ForeignKey(PatrolPlan, on_delete=models.CASCADE, related_name="stops")
    squad = models.ForeignKey(Squad, on_delete=models.CASCADE, related_name="patrol_stops")
    hotspot = models.ForeignKey(Hotspot, on_delete=models.PROTECT, related_name="patrol_stops")
    order = models.PositiveSmallIntegerField()
    planned_at = models.DateTimeField(_("planned arrival"))
    visited_at = models.DateTimeField(_("visited"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="plan__district", assigned=_members_q("squad__"))

    class Meta:
        ordering = ["squad", "order"]
        constraints = [models.UniqueConstraint(fields=["plan", "squad", "order"],
                                               name="patrol_stop_order")]

    def is_missed(self, now: datetime.datetime | None = None) -> bool:
        now = now or timezone.now()
        return self.visited_at is None and now > self.planned_at + MISSED_AFTER


MISSED_AFTER = datetime.timedelta(minutes=60)  # a stop this late and unvisited is missed


# ------------------------------------------------------------------ retried requests

class Receipt(models.Model):
    """The answer given to one staff API request carrying an idempotency key, so that a client
    retrying it (a lost reply, an offline queue replayed) gets the same answer, not a second act.
    """

    user = models.ForeignKey("accounts.User", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=64)
    action = models.CharField(max_length=40)
    target = models.CharField(max_length=80)
    status = models.PositiveSmallIntegerField()
    body = models.JSONField()
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="receipt_key_once")]

    def __str__(self) -> str:
        return f"{self.action} {self.target} → {self.status}"


class LookInAnswer(models.TextChoices):
    BROUGHT_IN = "brought_in", _("Found and brought in to the site")
    STAYS_OUT = "stays_out", _("Found, but they stay out: supplies left")
    NOT_THERE = "not_there", _("Nobody there")


class LookIn(AuditedModel):
    """A dispatcher asked a site near a lead that no squad could reach in time to look in on the
    person (by phone, outside the system): kept so the next dispatcher sees it was done, and the
    site's staff answer here what they found."""

    lead = models.ForeignKey("leads.Lead", verbose_name=_("lead"), on_delete=models.CASCADE,
                             related_name="look_ins")
    site = models.ForeignKey("network.Site", verbose_name=_("site"), on_delete=models.PROTECT,
                             related_name="+")
    asked_at = models.DateTimeField(_("asked at"), default=timezone.now)
    asked_by = models.ForeignKey("accounts.User", verbose_name=_("asked by"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="+")
    answer = models.CharField(_("answer"), max_length=16, choices=LookInAnswer.choices,
                              blank=True)
    answer_note = models.CharField(_("what they found"), max_length=300, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey("accounts.User", verbose_name=_("answered by"), null=True,
                                    blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="lead__district", site="site")

    class Meta:
        ordering = ["asked_at", "id"]
        verbose_name = _("request to look in")
        verbose_name_plural = _("requests to look in")
        # Patrollers change outreach rows (their tasks) but do not answer for a site.
        permissions = [("answer_lookin", _("Can answer a request to look in for a site"))]

    def __str__(self) -> str:
        return f"{self.site} → {self.lead} {timezone.localtime(self.asked_at):%Y-%m-%d %H:%M}"
