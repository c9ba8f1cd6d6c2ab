"""Street outreach. For now only the hotspot registry: places where people sleep rough."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping


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
        from songnuan.outreach.services import district_for_point

        found = district_for_point(self.lat, self.lon)
        if found is None:
            raise ValidationError({"lat": _("This point is not in Qingdao.")})
        if self.district_id is None:
            self.district = found

    def required_patrols(self, protocol_active: bool) -> int:
        return self.patrols_per_night_protocol if protocol_active else self.patrols_per_night
