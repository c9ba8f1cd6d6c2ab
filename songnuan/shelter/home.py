"""Home-page cards for station and relief-point staff: arrivals, stays near their limit, zones
not disinfected today, free beds, people warming up now."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from songnuan.shell import Panel
from songnuan.shelter import alerts
from songnuan.shelter.models import Arrival, ArrivalStatus, Bed, ReliefVisit, Stay, Zone


def panels(user) -> list[Panel]:
    found = []
    if user.has_perm("shelter.view_stay") and user.site_id:
        found.extend(_station_panels(user))
    if user.has_perm("shelter.view_reliefvisit") and user.site_id and not user.has_perm(
            "shelter.view_stay"):
        here = ReliefVisit.objects.restrict(user).filter(left_at__isnull=True)
        found.append(Panel(_("Warming up here now"), reverse("shelter:visits"),
                           count=sum(here.values_list("people_count", flat=True)), order=110))
    return found


def _station_panels(user) -> list[Panel]:
    stays = Stay.objects.restrict(user)
    arrivals = Arrival.objects.restrict(user).filter(status=ArrivalStatus.EXPECTED)
    ending = alerts.stays_ending(stays)
    over = alerts.stays_over(stays)
    undone = alerts.zones_not_disinfected(Zone.objects.restrict(user))
    beds = Bed.objects.restrict(user).filter(is_active=True, zone__is_active=True).count()
    used = stays.filter(status="open", bed__isnull=False).count()
    board = reverse("shelter:board")
    return [
        Panel(_("Expected arrivals"), reverse("shelter:arrivals"), count=arrivals.count(),
              tone="warn" if arrivals.exists() else "info", order=100,
              hint=_("Squads and transfers on their way")),
        Panel(_("Stays over the limit"), board + "?alerts=over", count=len(over),
              tone="alert" if over else "ok", order=101,
              hint=_("Extend with a reason, or discharge")),
        Panel(_("Stays ending within 2 days"), board + "?alerts=ending", count=len(ending),
              tone="warn" if ending else "ok", order=102),
        Panel(_("Zones not disinfected today"), reverse("shelter:daily"),
              count=undone.count(), tone="alert" if undone.exists() else "ok", order=103),
        Panel(_("Free beds"), board, count=beds - used, order=104,
              tone="alert" if beds and beds - used <= 0 else "info"),
    ]
