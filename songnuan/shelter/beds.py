"""Zones and beds: create a zone, the free beds, the bed to suggest and the checks on a bed
chosen by hand (the zoning rules themselves are in `allocation`)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.roles import OVERRIDE_ALLOCATION
from songnuan.people.models import Person
from songnuan.refusals import Conflict, Refused
from songnuan.shelter import allocation
from songnuan.shelter.allocation import Placement, Screening
from songnuan.shelter.models import (
    Bed,
    Stay,
    StayStatus,
    Zone,
)

# --- Zones --------------------------------------------------------------------------------

@transaction.atomic
def create_zone(site: Any, *, name: str, sex: str, age_group: str, condition: str,
                beds: int) -> Zone:
    if Zone.objects.filter(site=site, name=name.strip()).exists():
        raise Refused(_("This station already has a zone of that name."), field="name")
    zone = Zone.objects.create(site=site, name=name.strip(), sex=sex, age_group=age_group,
                               condition=condition)
    Bed.objects.bulk_create([Bed(zone=zone, label=f"{number:02d}")
                             for number in range(1, beds + 1)])
    return zone


# --- Beds ----------------------------------------------------------------------------------

def occupied_bed_ids(site_ids: Iterable[int]) -> set[int]:
    return set(Stay.objects.filter(site_id__in=list(site_ids), status=StayStatus.OPEN,
                                   bed__isnull=False).values_list("bed_id", flat=True))


def free_beds(site: Any) -> QuerySet:
    taken = Stay.objects.filter(bed=OuterRef("pk"), status=StayStatus.OPEN)
    return (Bed.objects.filter(zone__site=site, zone__is_active=True, is_active=True)
            .exclude(Exists(taken)).select_related("zone").order_by("zone__name", "label"))


def placement_for(person: Person, screening: Screening, day: datetime.date | None = None,
                  ) -> Placement:
    day = day or timezone.localdate()
    return Placement(
        sex=person.sex,
        age_group=allocation.age_group_for(person.age_on(day)),
        condition=allocation.condition_for(screening, settings.SHELTER_FEVER_C),
    )


def suggest_bed(site: Any, placement: Placement) -> Bed | None:
    """A free bed in a zone the rules allow, the best-fitting zone first."""
    fitting = [bed for bed in free_beds(site) if not allocation.violations(bed.zone, placement)]
    if not fitting:
        return None
    return min(fitting, key=lambda bed: (*allocation.rank(bed.zone, placement),
                                         bed.zone.name, _natural(bed.label)))


def _natural(label: str) -> tuple:
    digits = "".join(ch for ch in label if ch.isdigit())
    return (int(digits) if digits else 0, label)


def check_bed(bed: Bed, site: Any, placement: Placement, *, by: Any, override_reason: str,
              stay: Stay | None = None) -> str:
    """Refuse a bed that is elsewhere, out of service, taken or against the rules (unless a
    manager overrides with a reason); return the override reason kept on the stay."""
    if bed.zone.site_id != site.pk:
        raise Refused(_("This bed is not in this station."), field="bed")
    if not (bed.is_active and bed.zone.is_active):
        raise Refused(_("This bed is out of service."), field="bed")
    taken = Stay.objects.filter(bed=bed, status=StayStatus.OPEN)
    if stay is not None:
        taken = taken.exclude(pk=stay.pk)
    if taken.exists():
        raise Conflict(_("This bed is taken."), field="bed")
    broken = allocation.violations(bed.zone, placement)
    if not broken:
        return ""
    if not by.has_perm(OVERRIDE_ALLOCATION):
        raise Refused(" ".join(broken) + " " + _(
            "Only a manager can override the placement rules."), field="bed")
    if not override_reason.strip():
        raise Refused(" ".join(broken) + " " + _(
            "Give a reason to override the placement rules."), field="override_reason")
    return override_reason.strip()
