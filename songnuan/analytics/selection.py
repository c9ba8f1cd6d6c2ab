"""What a figure is computed over: a run of nights and the districts a user covers.

A night runs from 08:00 to 08:00 the next morning (`outreach.patrols.night_of`): a report at
01:30 on a Tuesday belongs to Monday's night, so a night that crosses midnight is counted once,
on the evening's date, in every figure, grid and export.
"""

from __future__ import annotations

import datetime
import zoneinfo
from dataclasses import dataclass, field
from functools import cache

from django.conf import settings
from django.db.models import DateTimeField, ExpressionWrapper, F
from django.db.models.functions import ExtractHour, TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.roles import Reach
from songnuan.accounts.scoping import scope_of
from songnuan.leads.models import Lead, LeadStatus
from songnuan.network.models import District
from songnuan.outreach.models import Encounter, EncounterPerson
from songnuan.outreach.patrols import NIGHT_ENDS_HOUR, NIGHT_STARTS_HOUR, night_of
from songnuan.refusals import Refused

MAX_NIGHTS = 200  # a winter and its extensions; longer periods are a report's job
DEFAULT_NIGHTS = 14


def covered_districts(user) -> list[District]:
    """The districts whose figures the user may see: every one for city-wide roles."""
    if not user.has_perm("analytics.view_figure"):
        return []
    scope = scope_of(user)
    districts = District.objects.order_by("code")
    if scope.reach is Reach.CITY:
        return list(districts)
    if scope.reach is Reach.ASSIGNMENT:
        return []
    return list(districts.filter(pk__in=scope.district_ids))


@dataclass(frozen=True)
class Selection:
    """Nights `first` to `last` (both included) in the districts `district_ids`."""

    user: object
    first: datetime.date
    last: datetime.date
    district_ids: frozenset[int]
    # Rows several figures read, loaded once per selection.
    _loaded: dict = field(default_factory=dict, compare=False, hash=False, repr=False)

    @property
    def starts_at(self) -> datetime.datetime:
        return _morning(self.first)

    @property
    def ends_at(self) -> datetime.datetime:
        return _morning(self.last + datetime.timedelta(days=1))

    def nights(self) -> list[datetime.date]:
        count = (self.last - self.first).days + 1
        return [self.first + datetime.timedelta(days=n) for n in range(count)]

    def leads(self):
        """The incidents reported in the period: a linked duplicate is the same incident."""
        return (Lead.objects.restrict(self.user, "view")
                .filter(district_id__in=self.district_ids, received_at__gte=self.starts_at,
                        received_at__lt=self.ends_at)
                .exclude(status=LeadStatus.DUPLICATE))

    def encounters(self):
        return (Encounter.objects.restrict(self.user, "view")
                .filter(district_id__in=self.district_ids, at__gte=self.starts_at,
                        at__lt=self.ends_at))

    def lead_rows(self) -> list[tuple]:
        """(pk, district id, night, hour) of every lead of the selection, the night and hour
        worked out by the database: a winter's leads are tens of thousands of timestamps."""
        if "leads" not in self._loaded:
            self._loaded["leads"] = list(
                self.leads().order_by().annotate(
                    night=night_in_sql("received_at"),
                    hour=ExtractHour("received_at", tzinfo=_zone()))
                .values_list("pk", "district_id", "night", "hour"))
        return self._loaded["leads"]

    def found_rows(self) -> list[tuple]:
        """(pk, encounter id, person id, outcome, night, hour) of every person found."""
        if "found" not in self._loaded:
            self._loaded["found"] = list(
                self.people_found().order_by().annotate(
                    night=night_in_sql("encounter__at"),
                    hour=ExtractHour("encounter__at", tzinfo=_zone()))
                .values_list("pk", "encounter_id", "person_id", "outcome", "night", "hour"))
        return self._loaded["found"]

    def people_found(self):
        """One row per person met in an encounter of the period."""
        return (EncounterPerson.objects.restrict(self.user, "view")
                .filter(encounter__district_id__in=self.district_ids,
                        encounter__at__gte=self.starts_at, encounter__at__lt=self.ends_at))


@cache
def _zone() -> zoneinfo.ZoneInfo:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def local(at: datetime.datetime) -> datetime.datetime:
    """The city's local time of an instant (as `timezone.localtime`, without its per-request
    lookup, which thousands of rows a page would pay for)."""
    return at.astimezone(_zone())


def night_in_sql(field_name: str) -> TruncDate:
    """The night of an instant, as `night_and_hour` reckons it, for the database to work out."""
    before_morning = ExpressionWrapper(
        F(field_name) - datetime.timedelta(hours=NIGHT_ENDS_HOUR), output_field=DateTimeField())
    return TruncDate(before_morning, tzinfo=_zone())


def night_and_hour(at: datetime.datetime) -> tuple[datetime.date, int]:
    """The night an instant belongs to (as `outreach.patrols.night_of`) and its local hour."""
    moment = local(at)
    return (moment - datetime.timedelta(hours=NIGHT_ENDS_HOUR)).date(), moment.hour


@cache
def dusk_and_dawn(night: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    """The dark hours of a night, 18:00 to 08:00 (as `outreach.patrols.night_bounds`)."""
    zone = _zone()
    return (datetime.datetime.combine(night, datetime.time(NIGHT_STARTS_HOUR), tzinfo=zone),
            datetime.datetime.combine(night + datetime.timedelta(days=1),
                                      datetime.time(NIGHT_ENDS_HOUR), tzinfo=zone))


def _morning(night: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(night, datetime.time(NIGHT_ENDS_HOUR)))


def select(user, first: datetime.date | None = None, last: datetime.date | None = None,
           district: District | None = None) -> Selection:
    """The selection a user asked for, refused when it reaches beyond what they cover."""
    covered = {d.pk for d in covered_districts(user)}
    if not covered:
        raise Refused(_("You do not cover any district."), code="no_district")
    if district is not None and district.pk not in covered:
        raise Refused(_("You do not cover %(district)s.") % {"district": district},
                      field="district", code="district_not_covered")
    last = last or night_of(timezone.now())
    first = first or last - datetime.timedelta(days=DEFAULT_NIGHTS - 1)
    if first > last:
        raise Refused(_("The first night must not be after the last."), field="first")
    if (last - first).days + 1 > MAX_NIGHTS:
        raise Refused(_("Choose at most %(n)s nights.") % {"n": MAX_NIGHTS}, field="first")
    ids = frozenset({district.pk}) if district is not None else frozenset(covered)
    return Selection(user, first, last, ids)
