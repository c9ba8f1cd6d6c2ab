"""The alerts that keep stays and zones in check: stays near or over their limit, zones in use
not disinfected today; `raise_alerts` records them once a day."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from songnuan.shelter.models import (
    Alert,
    AlertKind,
    Disinfection,
    Stay,
    StayStatus,
    Zone,
)


def stays_ending(stays: QuerySet, now: datetime.datetime | None = None) -> list[Stay]:
    """Open stays due within SHELTER_STAY_WARNING_DAYS (not yet over), soonest first."""
    now = now or timezone.now()
    horizon = datetime.timedelta(days=settings.SHELTER_STAY_WARNING_DAYS)
    found = [stay for stay in stays.filter(status=StayStatus.OPEN)
             if now <= stay.due_at <= now + horizon]
    return sorted(found, key=lambda stay: stay.due_at)


def stays_over(stays: QuerySet, now: datetime.datetime | None = None) -> list[Stay]:
    now = now or timezone.now()
    found = [stay for stay in stays.filter(status=StayStatus.OPEN) if stay.due_at < now]
    return sorted(found, key=lambda stay: stay.due_at)


def zones_not_disinfected(zones: QuerySet, day: datetime.date | None = None) -> QuerySet:
    """Zones in use (someone stays there) with no disinfection recorded on `day`."""
    day = day or timezone.localdate()
    start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
    end = start + datetime.timedelta(days=1)
    done = Disinfection.objects.filter(zone=OuterRef("pk"), done_at__gte=start, done_at__lt=end)
    return (zones.filter(is_active=True)
            .annotate(open_stays=Count("stays", filter=Q(stays__status=StayStatus.OPEN)))
            .filter(open_stays__gt=0).exclude(Exists(done)).select_related("site"))


@transaction.atomic
def raise_alerts(now: datetime.datetime | None = None) -> int:
    """Record today's stay-limit and disinfection alerts once each; resolve those that passed."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    stays = Stay.objects.select_related("person")
    raised = 0
    for kind, found in ((AlertKind.STAY_ENDING, stays_ending(stays, now)),
                        (AlertKind.STAY_OVER, stays_over(stays, now))):
        for stay in found:
            _alert, made = Alert.objects.get_or_create(kind=kind, day=day, stay=stay,
                                                  defaults={"site_id": stay.site_id})
            raised += made
    for zone in zones_not_disinfected(Zone.objects.all(), day):
        _alert, made = Alert.objects.get_or_create(
            kind=AlertKind.NOT_DISINFECTED, day=day, zone=zone,
            defaults={"site_id": zone.site_id})
        raised += made
    Alert.objects.filter(day__lt=day, resolved_at__isnull=True).update(resolved_at=now)
    return raised
