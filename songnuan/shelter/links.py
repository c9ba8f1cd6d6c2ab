"""What the shelter tells other apps: beds and seats in use, and which people a site may see."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from songnuan.shelter.models import Arrival, ArrivalStatus, ReliefVisit, Stay, StayStatus


def beds_in_use(site_ids: Iterable[int]) -> dict[int, int]:
    rows = (Stay.objects.filter(site_id__in=list(site_ids), status=StayStatus.OPEN,
                                bed__isnull=False)
            .values("site_id").annotate(used=Count("pk")))
    return {row["site_id"]: row["used"] for row in rows}


def seats_in_use(site_ids: Iterable[int]) -> dict[int, int]:
    rows = (ReliefVisit.objects.filter(site_id__in=list(site_ids), left_at__isnull=True)
            .values("site_id").annotate(used=Sum("people_count")))
    return {row["site_id"]: row["used"] or 0 for row in rows}


def stayed_or_visited(site_ids: list[int]) -> Q:
    """People who stay or stayed at, visited, or are on their way to these sites."""
    return (
        Q(pk__in=Stay.objects.filter(site_id__in=site_ids).values("person_id"))
        | Q(pk__in=ReliefVisit.objects.filter(site_id__in=site_ids, person__isnull=False)
            .values("person_id"))
        | Q(pk__in=Arrival.objects.filter(site_id__in=site_ids, person__isnull=False,
                                          status=ArrivalStatus.EXPECTED).values("person_id"))
    )


def refuse_two_open_stays(survivor, absorbed) -> str | None:
    open_stays = Stay.objects.filter(person__in=[survivor, absorbed], status=StayStatus.OPEN)
    if open_stays.count() > 1:
        return _("Both files have an open stay: discharge one stay before merging.")
    return None
