"""Where and when a person is usually met (the portrait's 常在地点与时段): their encounters grouped
into places a few hundred metres across, the times of night they are met, how often they
refused and what they were handed. Worked out from the encounters each time the file is opened,
so it is never out of date.
"""

from __future__ import annotations

import datetime
from collections import Counter
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from songnuan import maptiles
from songnuan.geo.distance import haversine_m
from songnuan.outreach.models import EncounterOutcome
from songnuan.outreach.timeline import encounters_of

PLACE_RADIUS_M = 300.0  # encounters this close to a place's first one are the same place
PLACES_SHOWN = 5
# Hours of the day, as a patrol plans them; the last band runs past midnight.
TIME_BANDS = (
    (6, 18, _("Daytime (06–18)")),
    (18, 22, _("Evening (18–22)")),
    (22, 26, _("Late night (22–02)")),
    (26, 30, _("Small hours (02–06)")),
)


@dataclass
class UsualPlace:
    name: str
    lat: float
    lon: float
    times: int = 0
    last_at: datetime.datetime | None = None
    names: Counter = field(default_factory=Counter)


@dataclass
class Habits:
    encounters: int
    places: list[UsualPlace]
    bands: list[tuple[str, int]]  # (label, encounters) in the order of a night
    usual_band: str
    refusals: int
    supplies: list[tuple[str, int]]  # (item, quantity handed over on the street)
    basemap: dict[str, str] = field(default_factory=maptiles.tile_layer)

    def map_data(self) -> dict:
        """What the small map draws: the basemap and [lat, lon, times, name] of each place."""
        return self.basemap | {"places": [[p.lat, p.lon, p.times, p.name or ""]
                                          for p in self.places]}


def habits_of(person) -> list[Habits]:
    """The person's habits as a one-item list (the person file's section shape); empty when no
    squad has met them. Read from the same rows as the encounters table."""
    rows = encounters_of(person)[::-1]  # oldest first
    if not rows:
        return []
    encounters = [row.encounter for row in rows]
    bands = band_counts(encounter.at for encounter in encounters)
    supplies = Counter()
    for row in rows:
        for movement in row.supplies:
            supplies[movement.stock.item.name] += abs(movement.quantity)
    usual = max(bands, key=lambda band: band[1])
    return [Habits(
        encounters=len(encounters),
        places=usual_places(encounters)[:PLACES_SHOWN],
        bands=bands, usual_band=usual[0],
        refusals=sum(1 for row in rows if row.met.outcome == EncounterOutcome.REFUSED),
        supplies=sorted(supplies.items(), key=lambda item: (-item[1], item[0])),
    )]


def usual_places(encounters) -> list[UsualPlace]:
    """Encounters grouped by place, most visited first: each joins the first place whose first
    encounter is within `PLACE_RADIUS_M`, in the order they happened."""
    places: list[UsualPlace] = []
    for encounter in encounters:
        place = next((p for p in places
                      if haversine_m(p.lat, p.lon, encounter.lat, encounter.lon)
                      <= PLACE_RADIUS_M), None)
        if place is None:
            place = UsualPlace("", encounter.lat, encounter.lon)
            places.append(place)
        place.times += 1
        place.last_at = encounter.at
        if encounter.place:
            place.names[encounter.place] += 1
    for place in places:
        place.name = place.names.most_common(1)[0][0] if place.names else ""
    return sorted(places, key=lambda p: (-p.times, -p.last_at.timestamp()))


def band_counts(times) -> list[tuple[str, int]]:
    """How many of `times` fall in each band of the day, in local time."""
    counts = [0] * len(TIME_BANDS)
    for at in times:
        hour = timezone.localtime(at).hour
        hour = hour + 24 if hour < 6 else hour
        for index, (start, end, _label) in enumerate(TIME_BANDS):
            if start <= hour < end:
                counts[index] += 1
    return [(str(label), count) for (_start, _end, label), count in zip(TIME_BANDS, counts,
                                                                        strict=True)]
