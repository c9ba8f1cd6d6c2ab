"""The drill's copy of the data: the city's districts, relief sites, hotspots and crewed squads,
read from the working database and written into a throwaway one, so a drill never touches a real
lead, squad or shift. Then the night is set up there: a red cold wave over every district, the
squads on shift all night, and a city-wide dispatcher.
"""

from __future__ import annotations

import datetime
import random
from collections.abc import Iterator
from contextlib import contextmanager

from django.core import serializers
from django.db import connection

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.drill import night as night_module
from songnuan.network.geography import district_for_point
from songnuan.network.models import District, Site
from songnuan.outreach.models import DutyStatus, Hotspot, Shift, Squad
from songnuan.weather import overrides as weather
from songnuan.weather.levels import ProtocolLevel

SQUAD_CAPACITY = 3


def read_reference(*, reserves: bool = False) -> list:
    """The reference rows of the working database, parents before children.

    A squad with no crew cannot go out: when any squad is crewed, only crewed ones are on duty;
    with `reserves` the others come along as reserve squads the leader on duty may call on.
    """
    sites = list(Site.objects.all())
    depth = {site.pk: _depth(site, {s.pk: s for s in sites}) for site in sites}
    sites.sort(key=lambda site: (depth[site.pk], site.pk))
    squads = Squad.objects.filter(is_active=True).order_by("pk")
    crewed = set(squads.filter(members__isnull=False).values_list("pk", flat=True))
    rows = []
    for queryset in (District.objects.order_by("pk"), sites,
                     Hotspot.objects.filter(is_active=True).order_by("pk")):
        rows.extend(serializers.serialize("python", queryset))
    for row in serializers.serialize("python", squads):
        if crewed and row["pk"] not in crewed:
            if not reserves:
                continue
            row["fields"]["duty_status"] = DutyStatus.RESERVE
        rows.append(row)
    return rows


def _depth(site: Site, by_pk: dict[int, Site]) -> int:
    depth, seen = 0, set()
    while site.parent_id and site.parent_id in by_pk and site.pk not in seen:
        seen.add(site.pk)
        site, depth = by_pk[site.parent_id], depth + 1
    return depth


@contextmanager
def throwaway_database(rows: list) -> Iterator[None]:
    """A fresh database of the same engine, migrated, holding `rows`; dropped afterwards."""
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        for item in serializers.deserialize("python", rows):
            item.save()
        yield
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def hotspots_and_districts() -> tuple[list[night_module.Hotspot], list[night_module.District]]:
    hotspots = [night_module.Hotspot(h.name, h.lat, h.lon, h.district_id, h.risk_level)
                for h in Hotspot.objects.filter(is_active=True)]
    districts = [night_module.District(d.pk, d.name, d.centre_lat, d.centre_lon)
                 for d in District.objects.order_by("code")]
    return hotspots, districts


def district_of(lat: float, lon: float) -> int | None:
    found = district_for_point(lat, lon)
    return found.pk if found else None


def spread_squads(total: int) -> dict[int, int]:
    """`total` squads over the districts, each district's share following its hotspots."""
    counts = {d.pk: 0 for d in District.objects.all()}
    weights = {pk: 1 + Hotspot.objects.filter(district_id=pk, is_active=True).count()
               for pk in counts}
    for _ in range(total):
        pk = max(counts, key=lambda k: (weights[k] / (counts[k] + 1), -k))
        counts[pk] += 1
    return counts


def prepare(start: datetime.datetime, end: datetime.datetime, *,
            squads_per_district: dict[int, int] | None, seed: int) -> User:
    """Squads on shift all night (the working database's, or generated ones), a red cold wave
    everywhere, and the dispatcher who works the board."""
    rng = random.Random(seed)
    if squads_per_district is not None:
        Squad.objects.update(is_active=False)
        for district in District.objects.all():
            for number in range(squads_per_district.get(district.pk, 0)):
                lat = district.centre_lat + rng.uniform(-0.01, 0.01)
                lon = district.centre_lon + rng.uniform(-0.01, 0.01)
                Squad.objects.create(
                    name=f"{district.name}演练{number + 1}队", district=district,
                    base_lat=lat, base_lon=lon, last_lat=lat, last_lon=lon,
                    capacity=SQUAD_CAPACITY, duty_status=DutyStatus.ON_DUTY)
    else:
        Squad.objects.filter(duty_status=DutyStatus.ON_DUTY).update(last_lat=None, last_lon=None)
    Shift.objects.bulk_create([
        Shift(squad=squad, starts_at=start - datetime.timedelta(hours=1),
              ends_at=end + datetime.timedelta(hours=1))
        for squad in Squad.objects.filter(is_active=True, duty_status=DutyStatus.ON_DUTY)])
    dispatcher, _created = User.objects.get_or_create(
        username="drill.dispatcher", defaults={"role": Role.DISPATCHER, "first_name": "演练调度"})
    for district in District.objects.all():
        weather.set_override(district, ProtocolLevel.EXTREME_COLD, "演练：红色寒潮预警",
                             end + datetime.timedelta(hours=2), by=dispatcher, now=start)
    return dispatcher
