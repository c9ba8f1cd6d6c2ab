"""Gazetteer rules: where a place is (its district follows its point), no duplicate names
nearby, and the candidates shown to a person choosing a place."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from songnuan.geo.coords import CoordError, CoordSystem, to_wgs84
from songnuan.geo.distance import bounding_box, haversine_m
from songnuan.geo.districts import district_at, looks_swapped
from songnuan.network.city import served_city
from songnuan.network.models import District, district_names
from songnuan.places import geocoders, resolver
from songnuan.places.keys import SearchKey, normalise
from songnuan.places.models import Place, PlaceKind
from songnuan.places.resolver import PlaceMatch

# Two places with the same name closer than this are one place entered twice.
DUPLICATE_RADIUS_M = 500.0

_districts: dict[str, District] = {}


def forget_districts(**kwargs) -> None:
    _districts.clear()


def _district_rows() -> dict[str, District]:
    # Ten rows that change about never: read once per process.
    if not _districts:
        _districts.update({district.code: district for district in District.objects.all()})
    return _districts


def district_for_point(lat: float, lon: float) -> District | None:
    """The District row a WGS-84 point lies in, or None outside the city."""
    found = district_at(lat, lon)
    return _district_rows().get(found.code) if found is not None else None


def district_named_in(text: str) -> District | None:
    """The district a text names in full ("市南区…"), if exactly one."""
    typed = normalise(text)
    named = [district for district in _district_rows().values() if district.name in typed]
    return named[0] if len(named) == 1 else None


def point_error(lat: float, lon: float) -> str:
    """Why a point outside the city is refused (swapped coordinates named as such)."""
    if looks_swapped(lat, lon):
        return _("Latitude and longitude seem to be swapped.")
    return _("This point is outside %(city)s.") % {"city": served_city().display_name()}


def place_at(place: Place, lat: float, lon: float, coord: str = "wgs84") -> None:
    """Put the place at a point given in any coordinate system; its district follows."""
    try:
        system = CoordSystem.parse(coord or "wgs84")
    except CoordError:
        raise ValidationError({"coord": _(
            "Unknown coordinate system “%(system)s”: use wgs84, gcj02 or bd09.")
            % {"system": coord}}) from None
    try:
        lat, lon = to_wgs84(lat, lon, system)
    except CoordError:
        raise ValidationError({"lat": _("These are not coordinates on Earth.")}) from None
    district = district_for_point(lat, lon)
    if district is None:
        raise ValidationError({"lat": point_error(lat, lon)})
    place.lat, place.lon, place.district = round(lat, 7), round(lon, 7), district


def duplicate_nearby(name: str, lat: float, lon: float, *,
                     exclude_pk: int | None = None) -> Place | None:
    """An existing place with the same (normalised) name within DUPLICATE_RADIUS_M."""
    text = SearchKey.of(name).text
    box = bounding_box(lat, lon, DUPLICATE_RADIUS_M)
    nearby = Place.objects.filter(lat__gte=box.south, lat__lte=box.north, lon__gte=box.west,
                                  lon__lte=box.east).exclude(pk=exclude_pk)
    for place in nearby:
        if text in place.search_text and haversine_m(lat, lon, place.lat,
                                                     place.lon) <= DUPLICATE_RADIUS_M:
            return place
    return None


def check_place(place: Place) -> None:
    """Refuse an unusable name and a second entry of a place already in the gazetteer."""
    if not SearchKey.of(place.name).text:
        raise ValidationError({"name": _("Write the place's name in characters or letters.")})
    other = duplicate_nearby(place.name, place.lat, place.lon, exclude_pk=place.pk)
    if other is not None:
        raise ValidationError({"name": _(
            "Duplicate: “%(name)s” is already in the gazetteer %(metres)d m away.") % {
            "name": other.name, "metres": round(haversine_m(place.lat, place.lon, other.lat,
                                                            other.lon))}})


@transaction.atomic
def save_place(place: Place) -> Place:
    check_place(place)
    place.full_clean()
    place.save()
    return place


def source_labels() -> dict[str, str]:
    """How a candidate's source is named to a person choosing among them."""
    return {"gazetteer": _("Gazetteer"), "site": _("Relief site"), "hotspot": _("Hotspot"),
            "geocoder": _("Online map")}


def describe(matches: list[PlaceMatch]) -> list[tuple[PlaceMatch, str, str, str]]:
    """Each candidate with what a person choosing sees: its district, kind and source."""
    districts = district_names() if matches else {}
    kinds, sources = dict(PlaceKind.choices), source_labels()
    return [(match, districts.get(match.district_id, ""), str(kinds.get(match.kind, "")),
             sources.get(match.source, "")) for match in matches]


def candidates(text: str, *, district_id: int | None = None,
               limit: int = resolver.DEFAULT_LIMIT) -> list[PlaceMatch]:
    """What a person choosing a place is offered: the resolver's matches and, when it is not
    sure and an online geocoder is configured, the geocoder's guesses."""
    matches = resolver.resolve(text, district_id=district_id, limit=limit)
    geocoder = geocoders.configured()
    if geocoder is None or resolver.is_confident(matches):
        return matches
    for found in geocoder.geocode(text):
        district = district_for_point(found.lat, found.lon)
        if district is None or (district_id is not None and district.pk != district_id):
            continue
        matches.append(PlaceMatch(found.name, "other", found.lat, found.lon, district.pk,
                                  round(found.score, 3), "geocoder", f"geocoder:{geocoder.name}"))
    matches.sort(key=lambda match: -match.score)
    return matches[:limit]
