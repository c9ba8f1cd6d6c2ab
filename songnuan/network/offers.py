"""What a place offers someone in the cold right now, and the order of need (按需排序).

"Where can I get warm" must not send a freezing person to a help-guidance point (求助引导点, a
sign and a phone, no room) when a station with free beds stands a little farther away. So places
are ranked by what they offer a person now, then by distance: a warm indoor place open now with
room first, a full one or one with only hot food next, guidance points after, closed places last.
Walking time is on the road distance, estimated as straight-line distance × an urban detour index
(no road graph offline), at an unhurried adult pace.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from django.utils.translation import gettext as _

from songnuan.network.models import Service, Site, SiteLevel
from songnuan.network.services import Load, Nearby

# Road distance / straight-line distance in a Chinese city grid (the common detour index).
ROAD_DETOUR_FACTOR = 1.3
WALKING_SPEED_KMH = 4.5
# Places weighed for the need order: a warm room just beyond the nearest few guidance points
# must still make the list.
NEED_POOL = 20
# Beyond this a walk is not advice: the page says the distance and points to the hotline.
LONGEST_WALK_MIN = 90


class Need(IntEnum):
    """Tiers of the need order, best first."""

    WARM_WITH_ROOM = 0  # open now, a warm room or a bed, not full
    WARM_BUT_FULL = 1  # open now, warm but every place taken, or hot food only
    DIRECTIONS_ONLY = 2  # open now, only guidance (a sign, a phone, someone to call a squad)
    CLOSED = 3


@dataclass(frozen=True)
class Offer:
    """What one place offers tonight."""

    warm_room: bool
    beds: bool  # it has overnight beds at all
    free_beds: int
    hot_food: bool

    @property
    def bed_tonight(self) -> bool:
        return self.free_beds > 0

    @property
    def directions_only(self) -> bool:
        return not (self.warm_room or self.beds or self.hot_food)

    def labels(self) -> list[str]:
        """Plain words for the public, most useful first."""
        labels = []
        if self.warm_room:
            labels.append(_("Warm room"))
        if self.bed_tonight:
            labels.append(_("A bed tonight (%(n)d free)") % {"n": self.free_beds})
        elif self.beds:
            labels.append(_("Beds (all taken now)"))
        if self.hot_food:
            labels.append(_("Hot food"))
        if self.directions_only:
            labels.append(_("Directions only: no warm room"))
        return labels


def offer_of(site: Site, beds_used: int) -> Offer:
    services = set(site.services or ())
    # Stations (中心站, 分站) and relief points (临时救助点) are warm indoor places by definition,
    # whatever their service list says; a guidance point (求助引导点) only if it lists one.
    is_station = site.level in (SiteLevel.CENTRAL_STATION, SiteLevel.SUB_STATION)
    is_warm_by_level = is_station or site.level == SiteLevel.RELIEF_POINT
    has_beds = (Service.BEDS in services or is_station) and site.beds > 0
    return Offer(
        warm_room=Service.WARM_ROOM in services or is_warm_by_level,
        beds=has_beds,
        free_beds=max(0, site.beds - beds_used) if has_beds else 0,
        hot_food=Service.HOT_FOOD in services,
    )


def need_of(offer: Offer, is_open: bool, is_full: bool) -> Need:
    if not is_open:
        return Need.CLOSED
    if offer.directions_only:
        return Need.DIRECTIONS_ONLY
    if (offer.warm_room or offer.beds) and not is_full:
        return Need.WARM_WITH_ROOM
    return Need.WARM_BUT_FULL


def road_distance_m(straight_m: float) -> float:
    return straight_m * ROAD_DETOUR_FACTOR


def walking_minutes(straight_m: float) -> int:
    """Minutes on foot over the estimated road distance, rounded up (never 0)."""
    metres_per_minute = WALKING_SPEED_KMH * 1000 / 60
    return max(1, math.ceil(road_distance_m(straight_m) / metres_per_minute))


def walking_text(straight_m: float) -> str:
    minutes = walking_minutes(straight_m)
    if minutes > LONGEST_WALK_MIN:
        return ""
    return _("about %(n)d min walk") % {"n": minutes}


@dataclass(frozen=True)
class Ranked:
    """A nearby place with what it offers and its tier in the need order."""

    site: Site
    distance_m: float
    open_now: bool
    full: bool
    offer: Offer
    need: Need

    @property
    def walk_min(self) -> int:
        return walking_minutes(self.distance_m)


def rank(found: Iterable[Nearby], loads: dict[int, Load], *, by_need: bool = True
         ) -> list[Ranked]:
    """`found` with what each place offers; in need order, or in the order given."""
    rows = []
    for item in found:
        load = loads[item.site.pk]
        offer = offer_of(item.site, load.beds_used)
        is_full = item.open_now and load.is_full
        rows.append(Ranked(item.site, item.distance_m, item.open_now, is_full, offer,
                           need_of(offer, item.open_now, is_full)))
    if by_need:
        rows.sort(key=lambda row: (row.need, row.distance_m, row.site.pk))
    return rows
