"""Duty handovers (交接班): at each change of shift the desk officer writes what the next shift
must know, and someone of the next shift reads and acknowledges it.

The notice asks for 24-hour duty (四(四)); a handover is written by someone on the roster of its
scope (a district, or the city) and acknowledged by someone else on duty there afterwards.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.accounts.models import User
from songnuan.accounts.scoping import ScopedQuerySet, Scoping
from songnuan.duty.models import DutyShift
from songnuan.refusals import Conflict, Refused

# A desk officer may write the handover up to this long after their shift ended.
WRITE_GRACE = datetime.timedelta(hours=1)
SECTIONS = ("open_leads", "people_in_field", "incidents", "supplies_short", "watch")


class Handover(models.Model):
    """One handover note of a scope's duty desk."""

    district = models.ForeignKey("network.District", verbose_name=gettext_lazy("district"),
                                 null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="+")
    written_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=gettext_lazy("written by"))
    written_at = models.DateTimeField(gettext_lazy("written"), db_index=True)
    open_leads = models.TextField(gettext_lazy("open leads"), max_length=2000, blank=True)
    people_in_field = models.TextField(gettext_lazy("people in the field"), max_length=2000,
                                       blank=True)
    incidents = models.TextField(gettext_lazy("incidents"), max_length=2000, blank=True)
    supplies_short = models.TextField(gettext_lazy("supplies short"), max_length=2000,
                                      blank=True)
    watch = models.TextField(gettext_lazy("things to watch"), max_length=2000, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(gettext_lazy("acknowledged"), null=True, blank=True)

    objects = ScopedQuerySet.as_manager()
    scoping = Scoping(district="district")

    class Meta:
        app_label = "duty"
        ordering = ["-written_at", "-pk"]
        verbose_name = gettext_lazy("handover")
        verbose_name_plural = gettext_lazy("handovers")

    def get_absolute_url(self) -> str:
        return reverse("duty:handover", args=[self.pk])

    def parts(self) -> list[tuple[str, str]]:
        """(label, text) of each part written."""
        return [(self._meta.get_field(name).verbose_name, getattr(self, name))
                for name in SECTIONS if getattr(self, name)]


def _on_roster(user: User, district, start: datetime.datetime,
               end: datetime.datetime) -> bool:
    return DutyShift.objects.filter(user=user, district=district, starts_at__lte=end,
                                    ends_at__gt=start).exists()


def write(district, *, by: User, now: datetime.datetime | None = None,
          **sections: str) -> Handover:
    """Record the handover of `district` (None: the city) written by someone on its roster."""
    now = now or timezone.now()
    texts = {name: (sections.get(name) or "").strip() for name in SECTIONS}
    if not any(texts.values()):
        raise Refused(_("Write at least one part of the handover."), "open_leads")
    if not _on_roster(by, district, now - WRITE_GRACE, now):
        raise Refused(_("Only someone on this duty roster now or within the last hour writes "
                        "its handover."))
    return Handover.objects.create(district=district, written_by=by, written_at=now, **texts)


@transaction.atomic
def acknowledge(handover: Handover, *, by: User,
                now: datetime.datetime | None = None) -> Handover:
    """The next shift has read it: someone else on duty for the scope after it was written."""
    now = now or timezone.now()
    if by.pk == handover.written_by_id:
        raise Refused(_("The next shift acknowledges a handover, not its writer."))
    if not _on_roster(by, handover.district, now, now):
        raise Refused(_("Only someone on this duty roster now acknowledges its handover."))
    if not Handover.objects.filter(pk=handover.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=by, acknowledged_at=now):
        raise Conflict(_("This handover has already been acknowledged."))
    handover.refresh_from_db()
    return handover
