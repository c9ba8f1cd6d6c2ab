"""The city a deployment serves: set up from the national data, read by everyone else.

`setup_city("230100")` (or "哈尔滨市") records the city, its hotline and rescue station and the
map extent, and fills the district registry with the city's districts, county-level cities and
counties. `served_city()` is what messages, pages and checks ask ("outside 哈尔滨市"), cached per
process and forgotten whenever the city is set up again.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import ForeignObjectRel
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.geo import cities, climate, code_changes, districts
from songnuan.geo.distance import BoundingBox
from songnuan.network.models import City, District
from songnuan.refusals import Conflict, Refused
from songnuan.words import in_language

# 12345 is the national government service hotline: dialled anywhere it reaches the caller's own
# city, so it is the right number until the bureau names its own.
NATIONAL_HOTLINE = "12345"
# Every city's station has the name the national rules give it: 哈尔滨市救助管理站.
STATION_NAME = "{city}救助管理站"

LOOKUP_MESSAGES = {
    cities.UNKNOWN_CODE_MESSAGE: gettext_lazy("No city has the code %(code)s."),
    cities.UNKNOWN_NAME_MESSAGE: gettext_lazy("No city is called “%(name)s”."),
    cities.DISTRICT_NOT_CITY_MESSAGE: gettext_lazy(
        "“%(query)s” is a district or county, not a city."),
    cities.AMBIGUOUS_NAME_MESSAGE: gettext_lazy("“%(query)s” names more than one place."),
    cities.NOT_A_CITY_QUERY_MESSAGE: gettext_lazy(
        "Name a city by its six-digit code (230100) or its name (哈尔滨市)."),
}


@dataclass(frozen=True)
class ServedCity:
    """The served city as every page and message needs it."""

    code: str
    name: str
    name_en: str
    province: str
    hotline: str
    station_name: str
    station_contact: str
    bbox: BoundingBox
    is_set_up: bool
    centre: tuple[float, float]  # WGS-84, where maps open

    @property
    def centre_text(self) -> str:
        return f"{self.centre[0]:.5f},{self.centre[1]:.5f}"

    def display_name(self) -> str:
        """The name in the language being spoken: 哈尔滨市, or Harbin."""
        return in_language(self.name, self.name_en)


@dataclass
class SetupResult:
    city: City
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # another city's districts data still uses
    followed: list[str] = field(default_factory=list)  # code changes the registry followed
    winter: climate.Winter | None = None
    proposals: list[str] = field(default_factory=list)  # what the setup steps proposed


# Apps above the network that keep something per city (weather's protocol thresholds) register
# a step here in their AppConfig.ready(): step(city record, its winter, whether the city is new
# to the deployment) runs inside the setup's transaction and returns lines saying what it did.
SetupStep = Callable[[City, climate.Winter, bool], list[str]]
_setup_steps: list[SetupStep] = []


def register_setup_step(step: SetupStep) -> None:
    if step not in _setup_steps:
        _setup_steps.append(step)


class CityNotFound(Refused):
    """No single city for what was asked; `candidates` lists the places it may have meant."""

    def __init__(self, error: cities.CityLookupError) -> None:
        message = LOOKUP_MESSAGES[error.template] % error.params
        super().__init__(message, field="city", code="city")
        self.candidates = error.candidates


_served: ServedCity | None = None
_holds_data = False  # once data exists it stays, so a True answer is kept


def served_city() -> ServedCity:
    """The city this deployment serves: its setup record, else the default city."""
    global _served
    if _served is None:
        _served = _read_served_city()
    return _served


def forget_city(**kwargs) -> None:
    """Drop the cached city here and in the district lookup (City's save and delete signals)."""
    global _served, _holds_data
    _served = None
    _holds_data = False
    districts.use_city(None)


def holds_data() -> bool:
    """Does anything refer to the districts yet (staff, sites, reports, weather)?"""
    global _holds_data
    if not _holds_data:
        _holds_data = bool(district_uses(District.objects.all()))
    return _holds_data


def configured_code() -> str | None:
    """The set-up city's code for the district lookup, or None before any setup.

    Read once per process on the first lookup, which may come before the tables exist
    (migrate) or where the database may not be used (a test without one): then the default.
    """
    try:
        return City.objects.values_list("code", flat=True).first()
    except (DatabaseError, RuntimeError):
        return None


def _read_served_city() -> ServedCity:
    try:
        record = City.objects.first()
    except (DatabaseError, RuntimeError):  # as in configured_code
        record = None
    if record is not None:
        return ServedCity(
            record.code, record.name, record.name_en, record.province, record.hotline,
            record.station_name, record.station_contact,
            BoundingBox(record.south, record.west, record.north, record.east), True,
            districts.current_districts().core_centre,
        )
    place = districts.city()
    station = STATION_NAME.format(city=place.name)
    return ServedCity(
        place.code, place.name, place.name_en, place.province, settings.RESCUE_HOTLINE,
        station, f"{station} {settings.RESCUE_HOTLINE}", districts.city_bbox(), False,
        districts.current_districts().core_centre,
    )


def campaign_season(winter_starting: int) -> tuple[datetime.date, datetime.date, int]:
    """The usual campaign of the winter starting that year here: start, planned end and the days
    an extension adds, from the city record, else as estimated for the default city."""
    record = City.objects.first()
    if record is None:
        city = served_city()
        record = City(extension_days=settings.CAMPAIGN_EXTENSION_DAYS)
        _propose_season(record, climate.winter(city.code, city.centre[0]), save=False)
    return (*record.season_for(winter_starting), record.extension_days)


def find_city(query: str) -> cities.Place:
    """The one city a code or name means, or CityNotFound with the candidates."""
    try:
        return cities.find_city(query)
    except cities.CityLookupError as error:
        raise CityNotFound(error) from None


def setup_city(query: str, *, hotline: str = "", station_name: str = "",
               station_contact: str = "", force: bool = False) -> SetupResult:
    """Make the deployment serve the city a code or name means; safe to run again.

    Moving a deployment that holds data (rows referring to the present city's districts) to
    another city is refused unless `force`; then nothing is deleted that anything refers to:
    those districts stay in the registry beside the new city's.
    """
    place = find_city(query)
    try:
        district_map = districts.load_city(place.code)
    except districts.DistrictDataError:
        raise Refused(_("The national data has no district boundaries for %(city)s.")
                      % {"city": place.name}, field="city") from None
    with transaction.atomic():
        previous = City.objects.select_for_update().first()
        followed = _follow_code_changes(district_map)
        others = District.objects.exclude(code__in=[d.code for d in district_map.districts])
        uses = district_uses(others)
        if uses and not force:
            raise Conflict(_(
                "This deployment holds data for %(old)s (%(uses)s): moving it to %(new)s "
                "needs --force, which keeps that data and its districts."
            ) % {"old": previous.name if previous else _("the present city"),
                 "uses": ", ".join(sorted({label for _code, label in uses})),
                 "new": place.name}, field="city")
        winter = climate.winter(place.code, district_map.core_centre[0])
        # Before any setup the deployment served the default city: setting that one up is no move.
        new_city = (previous.code if previous else served_city().code) != place.code
        result = SetupResult(_save_city(place, previous, district_map.bbox, hotline,
                                        station_name, station_contact), winter=winter,
                             followed=followed)
        if new_city or previous is None:
            _propose_season(result.city, winter)
        _replace_districts(district_map, others, {code for code, _label in uses}, result)
        for step in _setup_steps:
            result.proposals.extend(step(result.city, winter, new_city))
    transaction.on_commit(forget_city)
    return result


def _save_city(place: cities.Place, previous: City | None, bbox: BoundingBox, hotline: str,
               station_name: str, station_contact: str) -> City:
    same_city = previous is not None and previous.code == place.code
    record = previous or City()
    record.code, record.name, record.name_en, record.province = (
        place.code, place.name, place.name_en, place.province)
    default_station = STATION_NAME.format(city=place.name)
    record.hotline = hotline or (record.hotline if same_city else NATIONAL_HOTLINE)
    record.station_name = station_name or (record.station_name if same_city else default_station)
    record.station_contact = station_contact or (
        record.station_contact if same_city and not (hotline or station_name)
        else f"{record.station_name} {record.hotline}")
    record.south, record.west, record.north, record.east = bbox
    record.save()
    return record


def _propose_season(record: City, winter: climate.Winter, save: bool = True) -> None:
    """The campaign season estimated for the city, until the administrator corrects it."""
    (record.season_start_month, record.season_start_day), \
        (record.season_end_month, record.season_end_day) = winter.season_start, winter.season_end
    record.extension_days = settings.CAMPAIGN_EXTENSION_DAYS
    if save:
        record.save()


def _replace_districts(district_map: districts.DistrictMap, others, in_use: set[str],
                       result: SetupResult) -> None:
    """The city's districts in the registry; of the others, only those data refers to stay."""
    clashes = others.filter(code__in=in_use, name__in=[d.name for d in district_map.districts])
    if clashes.exists():
        raise Conflict(_("A district kept from the previous city has the same name as one of "
                         "this city's: %(names)s.")
                       % {"names": ", ".join(clashes.values_list("name", flat=True))})
    for stale in others.exclude(code__in=in_use):
        result.removed.append(stale.name)
        stale.delete()
    result.kept = list(others.values_list("name", flat=True))
    for district in district_map.districts:
        _row, created = District.objects.update_or_create(code=district.code, defaults={
            "name": district.name, "name_en": district.name_en,
            "centre_lat": round(district.centre[0], 5), "centre_lon": round(district.centre[1], 5),
        })
        (result.added if created else result.updated).append(district.name)


def _follow_code_changes(district_map: districts.DistrictMap) -> list[str]:
    """Districts the national data now knows under another code: one renamed takes its new code
    and name, keeping everything that refers to it; one merged into a neighbour hands what
    refers to it to the neighbour and goes. Returns what was done, in words."""
    present = {d.code: d for d in district_map.districts}
    done = []
    for row in District.objects.exclude(code__in=present).order_by("code"):
        change = code_changes.successor(row.code, set(present))
        if change is None:
            continue
        target = District.objects.filter(code=change.new_code).first()
        if target is None:
            row.code, row.name = change.new_code, present[change.new_code].name
            row.save(update_fields=["code", "name"])
            done.append(_("%(old)s became %(new)s (%(year)d)") % {
                "old": change.old_name, "new": row.name, "year": change.year})
            continue
        _move_references(row, target)
        row.delete()
        done.append(_("%(old)s joined %(new)s (%(year)d)") % {
            "old": change.old_name, "new": target.name, "year": change.year})
    return done


def _move_references(old: District, new: District) -> None:
    """Point every row that refers to `old` at `new`; a table that keeps one row per district
    and has one for both cannot be joined without a person's choice."""
    for rel in _district_relations():
        model = rel.related_model
        try:
            with transaction.atomic():
                model._default_manager.filter(**{rel.field.name: old}).update(
                    **{rel.field.name: new})
        except IntegrityError:
            raise Conflict(_("%(old)s and %(new)s both have %(what)s: join them by hand before "
                             "setting the city up again.") % {
                "old": old.name, "new": new.name,
                "what": model._meta.verbose_name_plural}, field="city") from None


def _district_relations() -> list[ForeignObjectRel]:
    return [rel for rel in District._meta.related_objects if rel.related_model is not District]


def district_uses(queryset) -> set[tuple[str, str]]:
    """(district code, what refers to it) for every reference to a district in `queryset`."""
    uses = set()
    for rel in _district_relations():
        model = rel.related_model
        codes = model._default_manager.filter(**{f"{rel.field.name}__in": queryset}).values_list(
            f"{rel.field.name}__code", flat=True).distinct()
        uses.update((code, str(model._meta.verbose_name_plural)) for code in codes)
    return uses

