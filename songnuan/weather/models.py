"""Weather per district, the cold-weather protocol's rules and decisions, and the campaign.

Forecast periods and official warnings (CMA warning-signal scheme) come in from files, the HTTP
feed or the duty officer; the rule engine (`engine.py`) turns them into protocol levels, which
are recorded as `ProtocolDecision`s with the rule and data that caused them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping
from songnuan.weather.levels import LEVEL_LABELS, ProtocolLevel

# Physically possible near-surface values anywhere in China; outside them an input is a typo.
MIN_TEMPERATURE_C = -60.0
MAX_TEMPERATURE_C = 50.0
MAX_WIND_MS = 75.0
MAX_PERIOD_HOURS = 48


class Source(models.TextChoices):
    FILE = "file", _("File import")
    FEED = "feed", _("Weather service feed")
    MANUAL = "manual", _("Manual entry")
    DEMO = "demo", _("Demo data")


class Precipitation(models.TextChoices):
    NONE = "none", _("None")
    RAIN = "rain", _("Rain")
    FREEZING_RAIN = "freezing_rain", _("Freezing rain")
    SLEET = "sleet", _("Sleet")
    SNOW = "snow", _("Snow")


FREEZING_PRECIPITATION = frozenset({Precipitation.FREEZING_RAIN, Precipitation.SLEET,
                                    Precipitation.SNOW})


class WarningType(models.TextChoices):
    """The CMA warning signals that matter to people sleeping rough (气象灾害预警信号)."""

    COLD_WAVE = "cold_wave", _("Cold wave")  # 寒潮
    LOW_TEMPERATURE = "low_temperature", _("Low temperature")  # 低温
    BLIZZARD = "blizzard", _("Blizzard")  # 暴雪
    ROAD_ICING = "road_icing", _("Road icing")  # 道路结冰
    GALE = "gale", _("Gale")  # 大风
    FREEZING = "freezing", _("Freezing")  # 冰冻


class WarningLevel(models.IntegerChoices):
    """CMA signal colours, in rising severity."""

    BLUE = 1, _("Blue")
    YELLOW = 2, _("Yellow")
    ORANGE = 3, _("Orange")
    RED = 4, _("Red")


LEVEL_CHOICES = [(int(level), label) for level, label in LEVEL_LABELS.items()]


class Forecast(AuditedModel):
    """The weather expected (or observed) in a district over one period, hourly or daily."""

    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 on_delete=models.CASCADE, related_name="forecasts")
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"))
    min_c = models.FloatField(_("minimum temperature (°C)"))
    max_c = models.FloatField(_("maximum temperature (°C)"))
    wind_ms = models.FloatField(_("wind speed (m/s)"), default=0)
    precipitation = models.CharField(_("precipitation"), max_length=20,
                                      choices=Precipitation.choices, default=Precipitation.NONE)
    issued_at = models.DateTimeField(_("issued at"), default=timezone.now)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        ordering = ["district__code", "starts_at", "ends_at"]
        verbose_name = _("forecast")
        verbose_name_plural = _("forecasts")
        constraints = [
            models.UniqueConstraint(fields=["district", "starts_at", "ends_at"],
                                    name="weather_forecast_one_per_period"),
            models.CheckConstraint(condition=Q(ends_at__gt=models.F("starts_at")),
                                   name="weather_forecast_period_forward"),
            models.CheckConstraint(condition=Q(min_c__lte=models.F("max_c")),
                                   name="weather_forecast_min_below_max"),
        ]
        indexes = [models.Index(fields=["district", "starts_at"]),
                   models.Index(fields=["ends_at"])]

    def __str__(self) -> str:
        starts = timezone.localtime(self.starts_at)
        return f"{self.district} {starts:%m-%d %H:%M} {self.min_c:.0f}…{self.max_c:.0f} °C"

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


class WeatherWarning(AuditedModel):
    """An official warning signal (预警信号) for a district, with its validity period."""

    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 on_delete=models.CASCADE, related_name="weather_warnings")
    reference = models.CharField(_("reference"), max_length=60,
                                 help_text=_("The issuer's identifier of this warning."))
    type = models.CharField(_("type"), max_length=20, choices=WarningType.choices)
    level = models.PositiveSmallIntegerField(_("level"), choices=WarningLevel.choices)
    issued_at = models.DateTimeField(_("issued at"))
    valid_from = models.DateTimeField(_("valid from"))
    valid_until = models.DateTimeField(_("valid until"))
    text = models.TextField(_("text"), blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    cancelled_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        ordering = ["-valid_from", "district__code"]
        verbose_name = _("weather warning")
        verbose_name_plural = _("weather warnings")
        constraints = [
            models.UniqueConstraint(fields=["district", "reference"],
                                    name="weather_warning_reference_unique"),
            models.CheckConstraint(condition=Q(valid_until__gt=models.F("valid_from")),
                                   name="weather_warning_period_forward"),
        ]
        indexes = [models.Index(fields=["district", "valid_until"])]

    def __str__(self) -> str:
        return f"{self.district}{self.get_type_display()}{self.get_level_display()}"

    @property
    def effective_until(self) -> datetime.datetime:
        """When it stops counting: its validity end, or the moment it was lifted."""
        if self.cancelled_at and self.cancelled_at < self.valid_until:
            return max(self.cancelled_at, self.valid_from)
        return self.valid_until

    def is_valid_at(self, at: datetime.datetime) -> bool:
        return self.valid_from <= at < self.effective_until


class ProtocolRules(AuditedModel):
    """One version of the activation rules a city administrator edits and tests.

    Exactly one version is active; decisions point at the version that made them, so an active
    version is never edited in place: a change is a new draft, tested, then activated.
    """

    name = models.CharField(_("name"), max_length=100)
    is_active = models.BooleanField(_("active"), default=False)
    alert_min_c = models.FloatField(
        _("cold alert at or below (°C)"), default=0.0,
        help_text=_("The protocol starts when any night is forecast this cold or colder."))
    severe_min_c = models.FloatField(_("severe cold at or below (°C)"), default=-5.0)
    extreme_min_c = models.FloatField(_("extreme cold at or below (°C)"), default=-10.0)
    use_wind_chill = models.BooleanField(
        _("include wind chill"), default=True,
        help_text=_("Compare the felt temperature, with the wind, instead of the air's."))
    drop_c = models.FloatField(_("sudden drop of at least (°C)"), default=8.0)
    drop_hours = models.PositiveSmallIntegerField(_("within (hours)"), default=24)
    drop_to_c = models.FloatField(
        _("to at or below (°C)"), default=4.0,
        help_text=_("As in the CMA cold-wave signal: a drop only counts when it ends this cold."))
    drop_level = models.PositiveSmallIntegerField(_("level for a sudden drop"),
                                                  choices=LEVEL_CHOICES, default=2)
    freezing_level = models.PositiveSmallIntegerField(
        _("level for freezing rain or snow overnight"), choices=LEVEL_CHOICES, default=2)
    night_starts_hour = models.PositiveSmallIntegerField(_("night starts (hour)"), default=18)
    night_ends_hour = models.PositiveSmallIntegerField(_("night ends (hour)"), default=8)
    warning_levels = models.JSONField(
        _("levels for warnings"), default=dict, blank=True,
        help_text=_("For each warning type, the protocol level of a blue, yellow, orange and "
                    "red signal."))
    lead_hours = models.PositiveSmallIntegerField(
        _("lead time (hours)"), default=12,
        help_text=_("Activate this long before the cold arrives."))
    hold_hours = models.PositiveSmallIntegerField(
        _("hold-off (hours)"), default=24,
        help_text=_("Stay at a level this long after its last reason, so levels do not flap."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("created by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    activated_at = models.DateTimeField(_("activated at"), null=True, blank=True)
    # The city the version was made for (GB/T 2260), and how its defaults were estimated.
    city_code = models.CharField(_("city"), max_length=6, blank=True)
    basis = models.JSONField(_("basis"), default=dict, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(city_wide=True)

    class Meta:
        ordering = ["-is_active", "-created_at", "-pk"]
        verbose_name = _("protocol rules")
        verbose_name_plural = _("protocol rules")
        constraints = [
            models.UniqueConstraint(fields=["is_active"], condition=Q(is_active=True),
                                    name="weather_one_active_rules"),
        ]

    def __str__(self) -> str:
        return self.name


class ProtocolDecision(AuditedModel):
    """A protocol level in force in a district from a time, and why.

    Automatic decisions follow one another (each ends where the next starts); a manual
    override lies on top of them until it expires or is ended.
    """

    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 on_delete=models.CASCADE, related_name="protocol_decisions")
    level = models.PositiveSmallIntegerField(_("level"), choices=LEVEL_CHOICES)
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("until"), null=True, blank=True)
    expected_until = models.DateTimeField(
        _("expected until"), null=True, blank=True,
        help_text=_("When the level is expected to end, from the forecast and the hold-off."))
    rule = models.CharField(_("rule"), max_length=30)
    reason = models.CharField(_("reason"), max_length=300)
    data = models.JSONField(_("data"), default=dict, blank=True)
    rules = models.ForeignKey(ProtocolRules, verbose_name=_("rules version"), null=True,
                              blank=True, on_delete=models.PROTECT, related_name="decisions")
    is_override = models.BooleanField(_("manual override"), default=False)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(_("decided at"), default=timezone.now)
    expiry_noticed = models.BooleanField(default=False)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        ordering = ["-starts_at", "-pk"]
        verbose_name = _("protocol decision")
        verbose_name_plural = _("protocol decisions")
        permissions = [("override_protocol", _("Can override the cold-weather protocol"))]
        indexes = [models.Index(fields=["district", "is_override", "starts_at"])]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__isnull=True)
                                   | Q(ends_at__gt=models.F("starts_at")),
                                   name="weather_decision_period_forward"),
            models.CheckConstraint(condition=Q(is_override=False) | Q(ends_at__isnull=False),
                                   name="weather_override_expires"),
        ]

    def __str__(self) -> str:
        starts = timezone.localtime(self.starts_at)
        return f"{self.district} {self.level_label} {starts:%m-%d %H:%M}"

    @property
    def level_label(self) -> str:
        return ProtocolLevel(self.level).label

    @property
    def until(self) -> datetime.datetime | None:
        return self.ends_at or self.expected_until


class NoticeKind(models.TextChoices):
    LEVEL_CHANGE = "level_change", _("Protocol level changed")
    OVERRIDE = "override", _("Manual override")
    OVERRIDE_ENDED = "override_ended", _("Override ended")
    STALE_DATA = "stale_data", _("Weather data is stale")
    FEED_ERROR = "feed_error", _("Weather feed failed")
    EXTENSION = "extension", _("Campaign extension proposed")


class ProtocolNotice(models.Model):
    """A notification owed to a district's duty leader and squads (sent by SMS later)."""

    district = models.ForeignKey("network.District", verbose_name=_("district"), null=True,
                                 blank=True, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("kind"), max_length=20, choices=NoticeKind.choices)
    recipients = models.CharField(_("to"), max_length=200)
    message = models.CharField(_("message"), max_length=500)
    decision = models.ForeignKey(ProtocolDecision, null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="notices")
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("protocol notice")
        verbose_name_plural = _("protocol notices")

    def __str__(self) -> str:
        return self.message


class FeedStatus(models.Model):
    """The health of one weather source: when it last brought good data, and its last error."""

    name = models.CharField(max_length=40, unique=True)
    last_success_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=500, blank=True)
    failures = models.PositiveIntegerField(default=0)
    stale_noticed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("weather feed status")
        verbose_name_plural = _("weather feed status")

    def __str__(self) -> str:
        return self.name


class Campaign(AuditedModel):
    """The winter campaign (寒冬送温暖专项救助行动) and its period."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    starts_on = models.DateField(_("start"))
    planned_end_on = models.DateField(_("planned end"))

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(city_wide=True)

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(planned_end_on__gt=models.F("starts_on")),
                                   name="weather_campaign_ends_after_start"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def ends_on(self) -> datetime.date:
        """The planned end, moved by the latest approved extension."""
        approved = [ext.new_end_on for ext in self.extensions.all()
                    if ext.status == ExtensionStatus.APPROVED]
        return max([self.planned_end_on, *approved])

    def covers(self, day: datetime.date) -> bool:
        return self.starts_on <= day <= self.ends_on


class ExtensionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CampaignExtension(AuditedModel):
    """An extension of the campaign when severe weather demands it, with its reason."""

    campaign = models.ForeignKey(Campaign, verbose_name=_("campaign"), on_delete=models.CASCADE,
                                 related_name="extensions")
    new_end_on = models.DateField(_("new end"))
    reason = models.CharField(_("reason"), max_length=300)
    status = models.CharField(_("status"), max_length=10, choices=ExtensionStatus.choices,
                              default=ExtensionStatus.PROPOSED)
    proposed_automatically = models.BooleanField(_("proposed automatically"), default=False)
    proposed_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    decided_on = models.DateField(_("decision date"), null=True, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"),
                                   null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(city_wide=True)

    class Meta:
        ordering = ["-proposed_at", "-pk"]
        verbose_name = _("campaign extension")
        verbose_name_plural = _("campaign extensions")

    def __str__(self) -> str:
        return f"{self.campaign} → {self.new_end_on}"
