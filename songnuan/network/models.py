"""The relief network: Qingdao's districts and the four levels of sites."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.scoping import ScopedQuerySet, Scoping


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
        return self.name


class SiteLevel(models.TextChoices):
    CENTRAL_STATION = "central", _("Central station")
    SUB_STATION = "sub", _("Sub-station")
    RELIEF_POINT = "relief", _("Temporary relief point")
    GUIDANCE_POINT = "guidance", _("Help-guidance point")


class Site(models.Model):
    """A place in the four-level network: 中心站, 分站, 临时救助点 or 求助引导点."""

    name = models.CharField(_("name"), max_length=100)
    level = models.CharField(_("level"), max_length=10, choices=SiteLevel.choices)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent site"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="children",
    )
    district = models.ForeignKey(
        District, verbose_name=_("district"), on_delete=models.PROTECT, related_name="sites"
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    lat = models.FloatField(_("latitude (WGS-84)"))
    lon = models.FloatField(_("longitude (WGS-84)"))
    phone = models.CharField(_("contact phone"), max_length=30, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district", site="pk")

    class Meta:
        ordering = ["district__code", "level", "name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name
