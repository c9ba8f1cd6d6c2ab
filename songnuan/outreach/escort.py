"""Where a squad can take the people it meets (护送去向): the nearest open sites and their beds.

The encounter form offers these, closest first, and preselects the nearest one with a free bed,
so an escort is recorded with one tap in the usual case.
"""

from __future__ import annotations

from dataclasses import dataclass

from songnuan.network import services as network
from songnuan.network.models import Site, SiteStatus
from songnuan.outreach.models import Task

SITES_OFFERED = 6


@dataclass(frozen=True)
class EscortSite:
    site: Site
    distance_m: float | None
    beds_free: int
    is_full: bool

    @property
    def distance_km(self) -> float | None:
        return None if self.distance_m is None else self.distance_m / 1000


def escort_sites(task: Task, limit: int = SITES_OFFERED) -> list[EscortSite]:
    """Open sites for the task's people: nearest first, or the district's when the task has
    no coordinates yet."""
    if task.lat is not None and task.lon is not None:
        found = [(n.site, n.distance_m)
                 for n in network.nearest(task.lat, task.lon, open_only=True, limit=limit)]
    else:
        sites = Site.objects.filter(district_id=task.district_id, status=SiteStatus.OPEN)
        states = network.open_states(sites)
        found = [(site, None) for site in sites.order_by("name") if states[site.pk]][:limit]
    loads = network.loads([site for site, _distance in found])
    return [EscortSite(site, distance, max(0, loads[site.pk].beds - loads[site.pk].beds_used),
                       network.shown_status(site, loads[site.pk]) == "full")
            for site, distance in found]


def preselected(options: list[EscortSite]) -> Site | None:
    """The nearest site with a free bed; else the nearest that is not full."""
    for wanted in (lambda o: o.beds_free > 0, lambda o: not o.is_full):
        chosen = next((option.site for option in options if wanted(option)), None)
        if chosen is not None:
            return chosen
    return None
