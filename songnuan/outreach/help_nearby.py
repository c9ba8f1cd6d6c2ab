"""Help nearer than any squad: for a waiting lead that no squad can reach within the protocol's
limit, the open sites of the network nearest the person (a relief point in a community police
room, a sub-station), with the phone to ask them to look in.

The four-level network exists to push help out to where people are (notice 三(二)). At night in a
county with no squad on shift, a relief point three streets away may be all there is.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.geo.distance import haversine_m
from songnuan.leads.models import Lead, LeadStatusChange
from songnuan.network.models import Site, SiteStatus
from songnuan.network.services import open_now, open_states
from songnuan.outreach.models import LookIn
from songnuan.refusals import Conflict

WITHIN_M = 5_000  # further than this, staff on foot are no help before a squad
AT_MOST = 2
ASKED_LATELY = datetime.timedelta(hours=1)  # asked again sooner, the first request stands


def nearest_open_sites(places: Mapping[int, tuple[float, float]], at: datetime.datetime
                       ) -> dict[int, list[dict]]:
    """For each key's (lat, lon): the open sites with a phone within `WITHIN_M`, nearest first,
    at most `AT_MOST`. One query for all the keys: the board asks for a whole queue at once."""
    if not places:
        return {}
    sites = list(Site.objects.filter(status=SiteStatus.OPEN).exclude(phone=""))
    is_open = open_states(sites, at)
    sites = [site for site in sites if is_open[site.pk]]
    found: dict[int, list[dict]] = {}
    for key, (lat, lon) in places.items():
        near = sorted((haversine_m(lat, lon, site.lat, site.lon), site.pk, site) for site in sites)
        found[key] = [{"site_id": site.pk, "name": site.name, "level": site.level,
                       "level_label": str(site.get_level_display()), "phone": site.phone,
                       "distance_m": round(distance)}
                      for distance, _pk, site in near[:AT_MOST] if distance <= WITHIN_M]
    return found


def ask_to_look_in(lead: Lead, site: Site, *, by) -> LookIn:
    """The dispatcher has phoned `site` about `lead`: kept, and written into the lead's history,
    so the next dispatcher does not phone again. Said twice within the hour, the first stands."""
    now = timezone.now()
    with transaction.atomic():
        lead = Lead.objects.select_for_update().get(pk=lead.pk)
        if not lead.is_open:
            raise Conflict(_("This lead is closed."), "lead")
        earlier = LookIn.objects.filter(lead=lead, site=site,
                                        asked_at__gte=now - ASKED_LATELY).first()
        if earlier is not None:
            return earlier
        if not open_now(site, now):  # closed and suspended sites included
            raise Conflict(_("%(site)s is not open now.") % {"site": site.name}, "site")
        asked = LookIn.objects.create(lead=lead, site=site, asked_at=now, asked_by=by)
        LeadStatusChange.objects.create(
            lead=lead, from_status=lead.status, to_status=lead.status, by=by,
            note=_("Asked %(site)s (%(phone)s) to look in") % {"site": site.name,
                                                                 "phone": site.phone})
        lead.save(update_fields=["updated_at"])  # the board's change feed shows it
    return asked


def asked_lately(lead_ids: Iterable[int], now: datetime.datetime) -> dict[int, dict[int, str]]:
    """Per lead: the sites asked to look in within the hour, and when (local HH:MM)."""
    found: dict[int, dict[int, str]] = {}
    for lead_id, site_id, at in LookIn.objects.filter(
            lead_id__in=lead_ids, asked_at__gte=now - ASKED_LATELY).values_list(
            "lead_id", "site_id", "asked_at"):
        found.setdefault(lead_id, {})[site_id] = timezone.localtime(at).strftime("%H:%M")
    return found
