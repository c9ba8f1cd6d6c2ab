"""Help nearer than any squad: for a waiting lead that no squad can reach within the protocol's
limit, the open sites of the network nearest the person (a relief point in a community police
room, a sub-station), with the phone to ask them to look in.

The four-level network exists to push help out to where people are (notice 三(二)). At night in a
county with no squad on shift, a relief point three streets away may be all there is.
"""

from __future__ import annotations

import datetime
from collections.abc import Mapping

from songnuan.geo.distance import haversine_m
from songnuan.network.models import Site, SiteStatus
from songnuan.network.services import open_states

WITHIN_M = 5_000  # further than this, staff on foot are no help before a squad
AT_MOST = 2


def nearest_open_sites(places: Mapping[int, tuple[float, float]], at: datetime.datetime
                       ) -> dict[int, list[dict]]:
    """For each key's (lat, lon): the open sites with a phone within `WITHIN_M`, nearest first,
    at most `AT_MOST`. One query for all the keys: the board asks for a whole queue at once."""
    if not places:
        return {}
    sites = list(Site.objects.filter(status=SiteStatus.OPEN).exclude(phone=""))
    open_now = open_states(sites, at)
    sites = [site for site in sites if open_now[site.pk]]
    found: dict[int, list[dict]] = {}
    for key, (lat, lon) in places.items():
        near = sorted((haversine_m(lat, lon, site.lat, site.lon), site.pk, site) for site in sites)
        found[key] = [{"site_id": site.pk, "name": site.name, "level": site.level,
                       "level_label": str(site.get_level_display()), "phone": site.phone,
                       "distance_m": round(distance)}
                      for distance, _pk, site in near[:AT_MOST] if distance <= WITHIN_M]
    return found
