"""The network's rules: the four-level hierarchy, positions, "open now", occupancy, nearest sites.

`open_now(site, at)` is the one answer to "is this site open?" that the public pages, the API
and the capacity board share. Whether the cold-weather protocol is active in a district comes
from the provider weather registers (`register_protocol`), as weather sits above the network.
Errors are Django `ValidationError`s keyed by field, so forms and the API show them at the field
they concern.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.roles import Reach
from songnuan.accounts.scoping import scope_of
from songnuan.network import geography, hours, occupancy
from songnuan.network.models import (
    PARENT_LEVEL,
    District,
    Service,
    Site,
    SiteLevel,
    SiteStatus,
    WarmingVisit,
)

# A check-in nobody checked out after this long is a forgotten click, not a person still there.
VISIT_STALE_HOURS = 16
# Nearest-site search: first box radius, growth factor, and the widest worth trying (the
# municipality is about 200 km across).
NEAREST_START_RADIUS_M = 2_000
NEAREST_GROWTH = 3
NEAREST_MAX_RADIUS_M = 250_000
NEAREST_MAX_LIMIT = 50
MAX_VISITS_PER_CLICK = 50


# ---------------------------------------------------------------- hierarchy and validation

def check_hierarchy(site: Site, level: str, parent: Site | None) -> None:
    """The parent must be of the level directly above; no cycles; children must still fit."""
    expected = PARENT_LEVEL.get(SiteLevel(level)) if level in SiteLevel.values else None
    if expected is None and parent is not None:
        raise ValidationError({"parent": _("The central station has no parent site.")})
    if expected is not None and parent is None:
        raise ValidationError({"parent": _("A %(level)s needs a parent %(parent)s.") % {
            "level": SiteLevel(level).label, "parent": SiteLevel(expected).label}})
    if parent is not None:
        if site.pk is not None and _is_self_or_descendant(parent, site):
            raise ValidationError(
                {"parent": _("A site cannot sit under itself or one of its own sub-sites.")}
            )
        if parent.level != expected:
            raise ValidationError({"parent": _(
                "A %(level)s must belong to a %(parent)s, not to a %(wrong)s."
            ) % {"level": SiteLevel(level).label, "parent": SiteLevel(expected).label,
                 "wrong": SiteLevel(parent.level).label}})
    if level == SiteLevel.CENTRAL_STATION:
        others = Site.objects.filter(level=SiteLevel.CENTRAL_STATION).exclude(pk=site.pk)
        if others.exists():
            raise ValidationError({"level": _("The network already has a central station.")})
    if site.pk is not None:
        misfits = [child for child in site.children.all()
                   if PARENT_LEVEL.get(SiteLevel(child.level)) != level]
        if misfits:
            raise ValidationError({"level": _(
                "%(count)d sub-sites (such as %(name)s) would no longer fit under this level."
            ) % {"count": len(misfits), "name": misfits[0].name}})


def site_and_descendants(site_id: int) -> frozenset[int]:
    """A site and every site below it, for the scoping of a user placed at that site."""
    found = {site_id}
    frontier = {site_id}
    while frontier:
        frontier = set(Site.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
        frontier -= found
        found |= frontier
    return frozenset(found)


def districts_for(user):
    """The districts a member of staff works in (all of them for city-wide roles)."""
    scope = scope_of(user)
    if scope.reach is Reach.CITY:
        return District.objects.all()
    return District.objects.filter(pk__in=scope.district_ids)


def _is_self_or_descendant(candidate: Site, site: Site) -> bool:
    seen: set[int] = set()
    node: Site | None = candidate
    while node is not None and node.pk not in seen:
        if node.pk == site.pk:
            return True
        seen.add(node.pk)
        node = node.parent
    return node is not None  # a loop already in the data is a cycle too


def parse_hours_field(text: str | list[str]) -> list[str]:
    """Opening hours in their stored form, or an HoursError (a Refused) saying what is wrong."""
    return hours.canonical(hours.parse_hours(text))


def place_site(site: Site, lat: float, lon: float, coord: str = "wgs84",
               district: District | None = None, override_reason: str = "") -> None:
    """Set a site's WGS-84 position and its district (derived, or overridden with a reason)."""
    located = geography.locate(lat, lon, coord)  # a PlaceError (Refused) names the input
    derived = District.objects.filter(code=located.district_code).first()
    if derived is None:
        raise ValidationError({"district": _("This position is in no known district.")})
    site.lat, site.lon = round(located.lat, 7), round(located.lon, 7)
    override_reason = override_reason.strip()
    if district is not None and district.pk != derived.pk:
        if not override_reason:
            raise ValidationError({"district_override_reason": _(
                "The coordinates lie in %(derived)s. Give a reason to file this site under "
                "%(chosen)s."
            ) % {"derived": derived, "chosen": district}})
        site.district = district
        site.district_override_reason = override_reason
    else:
        site.district = derived
        site.district_override_reason = ""


def check_site(site: Site) -> None:
    """Rules across fields, on top of the model's own field checks."""
    errors: dict[str, list[str]] = {}
    try:
        check_hierarchy(site, site.level, site.parent)
    except ValidationError as error:
        errors.update(error.message_dict)
    unknown = [code for code in site.services if code not in Service.values]
    if unknown:
        errors["services"] = [_("Unknown services: %(codes)s.") % {"codes": ", ".join(unknown)}]
    if site.status == SiteStatus.SUSPENDED and not site.status_reason.strip():
        errors["status_reason"] = [_("Say why the site is suspended.")]
    if not site.is_24h and not site.hours and not site.open_in_cold_protocol \
            and site.level != SiteLevel.GUIDANCE_POINT:
        errors["hours"] = [_("Give opening hours, or mark the site open 24 hours.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def save_site(site: Site) -> Site:
    """Validate everything, then save; nothing is written when anything is wrong."""
    site.hours = parse_hours_field(site.hours) if site.hours else []
    site.services = list(dict.fromkeys(site.services))
    check_site(site)
    site.full_clean()
    site.save()
    return site


# ---------------------------------------------------------------- open now

# Which of some districts are under the cold-weather protocol at a time; none until weather
# registers its answer in its AppConfig.ready().
ProtocolProvider = Callable[[Iterable[int | None], datetime.datetime], set[int | None]]
_protocol: list[ProtocolProvider] = []


def register_protocol(active_districts: ProtocolProvider) -> None:
    """Say how to tell the districts where the protocol is active (a new one replaces it)."""
    _protocol[:] = [active_districts]


def protocol_active_in(district_ids: Iterable[int | None], at: datetime.datetime
                       ) -> set[int | None]:
    return _protocol[0](district_ids, at) if _protocol else set()


def _protocol_active(district_id: int | None, at: datetime.datetime) -> bool:
    return district_id in protocol_active_in({district_id}, at)


def local(at: datetime.datetime | None) -> datetime.datetime:
    return timezone.localtime(at or timezone.now())


def open_now(site: Site, at: datetime.datetime | None = None,
             protocol_active: Callable[[int | None, datetime.datetime], bool] | None = None
             ) -> bool:
    """Is the site open to someone arriving at `at`?

    Closed and suspended sites are shut whatever their hours; a 24-hour site is always open;
    a site that opens around the clock during the cold-weather protocol is open whenever the
    protocol is active in its district; otherwise its weekly hours decide.
    """
    if site.status != SiteStatus.OPEN:
        return False
    if site.is_24h:
        return True
    at = local(at)
    if site.open_in_cold_protocol:
        ask = protocol_active or _protocol_active
        if ask(site.district_id, at):
            return True
    return hours.is_open_at(_spans(site), at)


def opened_by_protocol(site: Site, at: datetime.datetime | None = None) -> bool:
    """Is the site open at `at` only because the cold-weather protocol is active in its district
    (so the public pages can say why a place is open outside its usual hours)?"""
    if site.status != SiteStatus.OPEN or site.is_24h or not site.open_in_cold_protocol:
        return False
    at = local(at)
    return _protocol_active(site.district_id, at) and not hours.is_open_at(_spans(site), at)


def open_states(sites: Iterable[Site], at: datetime.datetime | None = None) -> dict[int, bool]:
    """open_now for many sites, asking the weather once for all their districts."""
    at = local(at)
    sites = list(sites)
    active = protocol_active_in(
        {site.district_id for site in sites if site.open_in_cold_protocol}, at)

    def protocol(district_id: int | None, when: datetime.datetime) -> bool:
        return district_id in active

    return {site.pk: open_now(site, at, protocol) for site in sites}


_span_cache: dict[tuple[str, ...], list[hours.Span]] = {}


def _spans(site: Site) -> list[hours.Span]:
    key = tuple(site.hours or ())
    spans = _span_cache.get(key)
    if spans is None:
        try:
            spans = hours.parse_hours(list(key))
        except hours.HoursError:
            spans = []  # stored hours are validated; an unreadable legacy value means closed
        if len(_span_cache) < 10_000:
            _span_cache[key] = spans
    return spans


def tonight(at: datetime.datetime | None = None) -> datetime.datetime:
    """22:00 local on the evening of `at` (or the evening before, before dawn)."""
    at = local(at)
    evening = at if at.hour >= 6 else at - datetime.timedelta(days=1)
    return evening.replace(hour=22, minute=0, second=0, microsecond=0)


# ---------------------------------------------------------------- occupancy

@dataclass(frozen=True)
class Load:
    seats: int
    seats_used: int
    beds: int
    beds_used: int

    @property
    def is_full(self) -> bool:
        """Full when it has places and every one of them is taken."""
        if self.seats + self.beds == 0:
            return False
        seats_full = self.seats == 0 or self.seats_used >= self.seats
        beds_full = self.beds == 0 or self.beds_used >= self.beds
        return seats_full and beds_full


def loads(sites: Iterable[Site]) -> dict[int, Load]:
    sites = list(sites)
    ids = [site.pk for site in sites]
    seats_used = occupancy.seats_in_use(ids)
    beds_used = occupancy.beds_in_use(ids)
    return {site.pk: Load(site.seats, seats_used.get(site.pk, 0), site.beds,
                          beds_used.get(site.pk, 0)) for site in sites}


def shown_status(site: Site, load: Load | None) -> str:
    """open / full / closed / suspended, as people should read it."""
    if site.status == SiteStatus.OPEN and load is not None and load.is_full:
        return "full"
    return site.status


def open_visits(at: datetime.datetime | None = None):
    at = at or timezone.now()
    return WarmingVisit.objects.filter(
        left_at__isnull=True, arrived_at__lte=at,
        arrived_at__gt=at - datetime.timedelta(hours=VISIT_STALE_HOURS),
    )


def warming_seats_in_use(site_ids: Iterable[int]) -> dict[int, int]:
    """The seat source for warming visits, registered with `occupancy`."""
    ids = list(site_ids)
    rows = open_visits().filter(site_id__in=ids).values_list("site_id")
    counts: dict[int, int] = {}
    for (site_id,) in rows:
        counts[site_id] = counts.get(site_id, 0) + 1
    return counts


def _visit_count(count: int) -> int:
    if not isinstance(count, int) or count < 1 or count > MAX_VISITS_PER_CLICK:
        raise ValidationError({"count": _("Give a number of people from 1 to %(max)d.") % {
            "max": MAX_VISITS_PER_CLICK}})
    return count


@transaction.atomic
def check_in(site: Site, count: int = 1, at: datetime.datetime | None = None) -> int:
    """People arrive to warm up; returns the seats now in use."""
    count = _visit_count(count)
    if site.status != SiteStatus.OPEN:
        raise ValidationError({"count": _("This site is not open.")})
    at = at or timezone.now()
    for _index in range(count):
        WarmingVisit.objects.create(site=site, arrived_at=at)
    return occupancy.seats_in_use([site.pk])[site.pk]


@transaction.atomic
def check_out(site: Site, count: int = 1, at: datetime.datetime | None = None) -> int:
    """People leave (the longest-staying first); returns the seats now in use."""
    count = _visit_count(count)
    at = at or timezone.now()
    staying = list(
        open_visits(at).filter(site=site).select_for_update().order_by("arrived_at")[:count]
    )
    if len(staying) < count:
        raise ValidationError({"count": _(
            "Only %(n)d people are checked in here."
        ) % {"n": len(staying)}})
    for visit in staying:
        visit.left_at = at
        visit.save(update_fields=["left_at"])
    return occupancy.seats_in_use([site.pk])[site.pk]


# ---------------------------------------------------------------- nearest

@dataclass(frozen=True)
class Nearby:
    site: Site
    distance_m: float
    open_now: bool


def nearest(lat: float, lon: float, coord: str = "wgs84", *, open_only: bool = False,
            limit: int = 10, at: datetime.datetime | None = None,
            queryset=None) -> list[Nearby]:
    """The sites nearest a position, closest first, each with its open state.

    A bounding box on the indexed coordinates prefilters; the box widens until enough sites
    lie within its inscribed circle (only then is the top-N certain), and exact haversine
    distance orders the result. Works on any database, no spatial extension needed.
    """
    wgs_lat, wgs_lon = geography.in_city(lat, lon, coord)  # or a PlaceError (Refused)
    limit = max(1, min(limit, NEAREST_MAX_LIMIT))
    at = local(at)
    base = queryset if queryset is not None else Site.objects.all()
    if open_only:
        base = base.filter(status=SiteStatus.OPEN)
    radius = NEAREST_START_RADIUS_M
    states: dict[int, bool] = {}
    while True:
        south, north, west, east = geography.bounding_box(wgs_lat, wgs_lon, radius)
        box = base.filter(lat__gte=south, lat__lte=north, lon__gte=west, lon__lte=east)
        found = []
        for site in box.select_related("district"):
            distance = geography.haversine_m(wgs_lat, wgs_lon, site.lat, site.lon)
            if distance > radius:
                continue
            found.append((distance, site))
        fresh = [site for _d, site in found if site.pk not in states]
        states.update(open_states(fresh, at))
        if open_only:
            found = [(d, site) for d, site in found if states[site.pk]]
        if len(found) >= limit or radius >= NEAREST_MAX_RADIUS_M:
            break
        radius *= NEAREST_GROWTH
    found.sort(key=lambda pair: (pair[0], pair[1].pk))
    return [Nearby(site, distance, states[site.pk]) for distance, site in found[:limit]]


def public_sites():
    """Sites the public may be shown: everything but suspended ones."""
    return Site.objects.exclude(status=SiteStatus.SUSPENDED)


def locate_place(text: str) -> tuple[float, float, str] | None:
    """A typed place → (lat, lon, label): a district's name, or a site's name or address."""
    text = (text or "").strip()
    if not text:
        return None
    bare = text.removesuffix("区").removesuffix("市")
    for district in District.objects.all():
        names = {district.name, district.name.rstrip("区市"), district.name_en.lower()}
        if text in names or bare in names or text.lower() in names:
            return district.centre_lat, district.centre_lon, district.name
    site = public_sites().filter(Q(name__icontains=text) | Q(address__icontains=text)).first()
    if site is not None:
        return site.lat, site.lon, site.name
    return None
