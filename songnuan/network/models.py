"""The relief network: the city and its districts, the four levels of sites, and warming visits."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping
from songnuan.network import hours
from songnuan.words import in_language


class City(models.Model):
    """The one city this deployment serves, as `songnuan setup-city` set it up.

    No row means the default city, whose districts the registry was seeded with. The map
    extent is the box around the city's districts; the time is Beijing time everywhere in
    China (Xinjiang included), which is the project's TIME_ZONE.
    """

    code = models.CharField(_("division code"), max_length=6)
    name = models.CharField(_("name"), max_length=30)
    name_en = models.CharField(_("English name"), max_length=60)
    province = models.CharField(_("province"), max_length=30, blank=True)
    hotline = models.CharField(_("rescue hotline"), max_length=30)
    station_name = models.CharField(_("rescue station"), max_length=60)
    station_contact = models.CharField(_("station contact"), max_length=100)
    south = models.FloatField(_("southern edge"))
    west = models.FloatField(_("western edge"))
    north = models.FloatField(_("northern edge"))
    east = models.FloatField(_("eastern edge"))
    set_up_at = models.DateTimeField(_("set up at"), auto_now=True)
    # The winter campaign's usual season here (month and day), which setup estimates from the
    # city's latitude (songnuan.geo.climate) and the administrator corrects; each winter's
    # campaign starts from these dates, and an extension adds `extension_days` at a time.
    season_start_month = models.PositiveSmallIntegerField(_("season starts (month)"), default=11)
    season_start_day = models.PositiveSmallIntegerField(_("season starts (day)"), default=1)
    season_end_month = models.PositiveSmallIntegerField(_("season ends (month)"), default=3)
    season_end_day = models.PositiveSmallIntegerField(_("season ends (day)"), default=15)
    extension_days = models.PositiveSmallIntegerField(
        _("days an extension adds"), default=14,
        help_text=_("Proposed when the cold-weather protocol is active near the season's end."))

    class Meta:
        verbose_name = _("city")
        verbose_name_plural = _("cities")

    def __str__(self) -> str:
        return in_language(self.name, self.name_en)

    def save(self, *args, **kwargs) -> None:
        self.pk = 1  # one deployment, one city
        super().save(*args, **kwargs)

    def season_for(self, winter_starting: int) -> tuple[datetime.date, datetime.date]:
        """The usual campaign period of the winter starting in that year (start, planned end)."""
        start = datetime.date(winter_starting, self.season_start_month, self.season_start_day)
        end_year = winter_starting + (1 if self.season_end_month < self.season_start_month
                                      else 0)
        return start, datetime.date(end_year, self.season_end_month, self.season_end_day)


class District(models.Model):
    """A district-level division (区/市) with its GB/T 2260 code."""

    code = models.CharField(_("division code"), max_length=6, unique=True)
    name = models.CharField(_("name"), max_length=20, unique=True)
    name_en = models.CharField(_("English name"), max_length=40)
    centre_lat = models.FloatField(_("centre latitude"))
    centre_lon = models.FloatField(_("centre longitude"))

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="pk")

    class Meta:
        ordering = ["code"]
        verbose_name = _("district")
        verbose_name_plural = _("districts")

    def __str__(self) -> str:
        """The name in the language being spoken; `name` stays the data (APIs, matching)."""
        return in_language(self.name, self.name_en)


def district_names(pks=None) -> dict[int, str]:
    """Each district's name in the language being spoken, by primary key (all, or those), in
    the order of their codes."""
    districts = District.objects.all() if pks is None else District.objects.filter(pk__in=pks)
    return {district.pk: str(district) for district in districts.order_by("code")}


class SiteLevel(models.TextChoices):
    CENTRAL_STATION = "central", _("Central station")
    SUB_STATION = "sub", _("Sub-station")
    RELIEF_POINT = "relief", _("Temporary relief point")
    GUIDANCE_POINT = "guidance", _("Help-guidance point")


# The flat four-level chain of the campaign notice (三(二)): which level each level hangs under.
PARENT_LEVEL = {
    SiteLevel.CENTRAL_STATION: None,
    SiteLevel.SUB_STATION: SiteLevel.CENTRAL_STATION,
    SiteLevel.RELIEF_POINT: SiteLevel.SUB_STATION,
    SiteLevel.GUIDANCE_POINT: SiteLevel.SUB_STATION,
}


class HostType(models.TextChoices):
    """The facility a site is housed in (a city's branded community points sit in everyday
    places)."""

    RESCUE_STATION = "rescue_station", _("Rescue station")
    ELDERLY_CARE = "elderly_care", _("Elderly-care facility")
    LOTTERY_KIOSK = "lottery_kiosk", _("Welfare-lottery kiosk")
    POLICE_ROOM = "police_room", _("Community police room")
    COMMUNITY_CENTRE = "community_centre", _("Community centre")
    OTHER = "other", _("Other")


class Service(models.TextChoices):
    WARM_ROOM = "warm_room", _("Warm room")
    HOT_FOOD = "hot_food", _("Hot drinks and meals")
    BEDS = "beds", _("Overnight beds")
    MEDICAL = "medical", _("Medical check")
    CHARGING = "charging", _("Phone charging")
    SUPPLIES = "supplies", _("Cold-weather supplies")
    GUIDANCE = "guidance", _("Guidance only")


class SiteStatus(models.TextChoices):
    """What staff set; "full" is never typed, it is derived from occupancy."""

    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")
    SUSPENDED = "suspended", _("Suspended")


class Site(AuditedModel):
    """A place in the four-level network: 中心站, 分站, 临时救助点 or 求助引导点."""

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=SiteLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent site"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    host_type = models.CharField(
        _("host facility"), max_length=20, choices=HostType.choices, default=HostType.OTHER
    )
    is_qindao_yijia = models.BooleanField(
        _("community point"), default=False,
        help_text=_("A relief point run in a community facility under the city's own brand "
                    "for such points."),
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="sites"
    )
    district_override_reason = models.CharField(
        _("reason for overriding the district"), max_length=200, blank=True,
        help_text=_("Empty when the district is the one the coordinates lie in."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"))
    lon = models.FloatField(_("longitude (WGS-84)"), db_index=True)
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    hours = models.JSONField(
        _("opening hours"), default=list, blank=True,
        help_text=_("Weekly spans such as “Mon-Sun 18:00-08:00”; overnight spans allowed."),
    )
    is_24h = models.BooleanField(_("open 24 hours"), default=False)
    open_in_cold_protocol = models.BooleanField(
        _("open around the clock during the cold-weather protocol"), default=False
    )
    services = models.JSONField(_("services"), default=list, blank=True)
    seats = models.PositiveIntegerField(_("seats"), default=0)
    beds = models.PositiveIntegerField(_("beds"), default=0)
    status = models.CharField(
        _("status"), max_length=10, choices=SiteStatus.choices, default=SiteStatus.OPEN
    )
    status_reason = models.CharField(_("reason for the status"), max_length=200, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", site="pk")
    audit_exclude = ("updated_at",)

    class Meta:
        ordering = ["district__code", "level", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")
        indexes = [models.Index(fields=["lat", "lon"], name="network_site_latlon")]

    def __str__(self) -> str:
        return self.name

    def service_labels(self) -> list[str]:
        labels = dict(Service.choices)
        return [str(labels[code]) for code in self.services if code in labels]

    def hours_display(self) -> list[str]:
        try:
            return [hours.describe(span) for span in hours.parse_hours(self.hours)]
        except hours.HoursError:
            return list(self.hours)

    @property
    def hours_text(self) -> str:
        return "; ".join(self.hours)


class WarmingVisit(AuditedModel):
    """One person warming up at a site (取暖): arrival and departure, no identity needed."""

    site = models.ForeignKey(
        Site, verbose_name=_("site"), on_delete=models.CASCADE, related_name="warming_visits"
    )
    arrived_at = models.DateTimeField(_("arrived"), db_index=True)
    left_at = models.DateTimeField(_("left"), null=True, blank=True, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="site__district", site="site")

    class Meta:
        ordering = ["-arrived_at"]
        verbose_name = _("warming visit")
        verbose_name_plural = _("warming visits")
        indexes = [models.Index(fields=["site", "left_at"], name="network_visit_open")]

    def __str__(self) -> str:
        return f"{self.site} {timezone.localtime(self.arrived_at):%Y-%m-%d %H:%M}"


class PartnerMessageStatus(models.TextChoices):
    NEW = "new", pgettext_lazy("partner message", "New")
    TAKEN = "taken", _("Taken into tracing")
    DISMISSED = "dismissed", _("Dismissed")


class PartnerMessage(models.Model):
    """A message another city's deployment sent here (network.partners), kept as it came.

    Idempotent on the sender's message id: the same message again is the same row. The app that
    acts on its kind takes it (a family-search report becomes a missing-person report) or an
    officer dismisses it with the reason.
    """

    sender_code = models.CharField(_("sending city"), max_length=6)
    message_id = models.CharField(_("message id"), max_length=64)
    kind = models.CharField(_("kind"), max_length=30)
    payload = models.JSONField(_("content"))
    content_hash = models.CharField(max_length=64)
    received_at = models.DateTimeField(_("received at"), default=timezone.now)
    status = models.CharField(_("status"), max_length=10, choices=PartnerMessageStatus.choices,
                              default=PartnerMessageStatus.NEW)
    handled_at = models.DateTimeField(_("handled at"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("handled by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    dismiss_reason = models.CharField(_("reason for dismissing"), max_length=200, blank=True)
    # Why the app acting on the kind could not take it when it came (it waits for an officer).
    problem = models.CharField(_("problem"), max_length=300, blank=True)

    # Addressed to the city, so everyone with the permission sees every message.
    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(city_wide=True)

    class Meta:
        ordering = ["-received_at", "-pk"]
        verbose_name = _("message from a partner city")
        verbose_name_plural = _("messages from partner cities")
        constraints = [
            models.UniqueConstraint(fields=["sender_code", "message_id"],
                                    name="network_partner_message_once"),
        ]

    def __str__(self) -> str:
        return f"{self.sender_code} {self.kind} {self.message_id}"

    @property
    def is_new(self) -> bool:
        return self.status == PartnerMessageStatus.NEW



class OutgoingStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class OutgoingPartnerMessage(models.Model):
    """A message to a partner city's deployment, kept until it is acknowledged (and after, as
    the record of what was sent). The worker posts it signed and tries again with growing
    pauses; the receiver keeps a message once per id, so a retry can never make two."""

    to_city = models.CharField(_("to city"), max_length=6)
    kind = models.CharField(_("kind"), max_length=30)
    payload = models.JSONField(_("content"))
    message_id = models.CharField(_("message id"), max_length=64, unique=True)
    # What the message is about here, as "app.model:pk" (tracing.missingreport:12).
    subject = models.CharField(_("about"), max_length=100, blank=True, db_index=True)
    status = models.CharField(_("status"), max_length=10, choices=OutgoingStatus.choices,
                              default=OutgoingStatus.QUEUED)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=300, blank=True)
    retry_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    receipt = models.PositiveIntegerField(_("partner's receipt"), null=True, blank=True)
    created_at = models.DateTimeField(_("queued at"), default=timezone.now)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                   on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("message to a partner city")
        verbose_name_plural = _("messages to partner cities")
        indexes = [models.Index(fields=["status", "retry_at"])]

    def __str__(self) -> str:
        return f"{self.to_city} {self.kind} {self.message_id}"
