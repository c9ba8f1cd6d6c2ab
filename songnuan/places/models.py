"""The gazetteer (地名库): named places a squad can drive to, with their search keys."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from songnuan.accounts.audit import AuditedModel
from songnuan.accounts.scoping import ScopedQuerySet, Scoping
from songnuan.places.keys import SearchKey, split_aliases


class PlaceKind(models.TextChoices):
    LANDMARK = "landmark", _("Landmark")
    UNDERPASS = "underpass", _("Underpass")
    BRIDGE_CULVERT = "bridge_culvert", _("Bridge culvert")
    TRANSPORT_STATION = "transport_station", _("Transport station")
    ROAD = "road", _("Road")
    JUNCTION = "junction", _("Junction")
    PARK = "park", _("Park")
    BUILDING = "building", _("Building")
    OTHER = "other", _("Other")


class PlaceQuerySet(ScopedQuerySet):
    def active(self) -> PlaceQuerySet:
        return self.filter(is_active=True)


class Place(AuditedModel):
    """A named place (地名) with its aliases, kind and WGS-84 point.

    The district always follows from the point (see `services.save_place`); the search keys
    follow from the name and aliases on every save, so the resolver never computes them.
    """

    name = models.CharField(pgettext_lazy("object", "name"), max_length=100)
    aliases = models.JSONField(_("aliases"), default=list, blank=True,
                               help_text=_("Other names people use for the place."))
    kind = models.CharField(_("kind"), max_length=20, choices=PlaceKind.choices,
                            default=PlaceKind.OTHER)
    lat = models.FloatField(_("latitude (WGS-84)"),
                            validators=[MinValueValidator(-90), MaxValueValidator(90)])
    lon = models.FloatField(_("longitude (WGS-84)"),
                            validators=[MinValueValidator(-180), MaxValueValidator(180)])
    district = models.ForeignKey("network.District", verbose_name=_("district"),
                                 on_delete=models.PROTECT, related_name="places")
    is_active = models.BooleanField(_("active"), default=True)
    # Search keys, one entry per name (the name first, then each alias).
    search_text = models.JSONField(default=list, editable=False)
    search_pinyin = models.JSONField(default=list, editable=False)
    search_initials = models.JSONField(default=list, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PlaceQuerySet.as_manager()
    scoping = Scoping(district="district")
    audit_exclude = ("search_text", "search_pinyin", "search_initials", "updated_at")

    class Meta:
        ordering = ["district__code", "name"]
        verbose_name = _("place")
        verbose_name_plural = _("places")
        indexes = [models.Index(fields=["lat", "lon"], name="places_place_latlon")]

    def __str__(self) -> str:
        return self.name

    def names(self) -> list[str]:
        return [self.name, *[alias for alias in self.aliases if alias != self.name]]

    def search_keys(self) -> list[SearchKey]:
        return [SearchKey(text, spelled, first) for text, spelled, first in zip(
            self.search_text, self.search_pinyin, self.search_initials, strict=False)]

    def refresh_search_keys(self) -> None:
        keys = [SearchKey.of(name) for name in self.names()]
        self.search_text = [key.text for key in keys]
        self.search_pinyin = [key.pinyin for key in keys]
        self.search_initials = [key.initials for key in keys]

    def save(self, *args, **kwargs) -> None:
        self.aliases = split_aliases("；".join(self.aliases)) if self.aliases else []
        self.refresh_search_keys()
        super().save(*args, **kwargs)
