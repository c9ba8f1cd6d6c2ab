"""The "when" and "service" figures (规律与时效) over a selection of nights and districts.

Every figure is computed from rows the user may see (`Selection`) and keeps the key of each of
its cells, so the page can open a cell down to the rows behind it (`rows.py`).

Rules decided here, and shown on the page:
- a night runs 08:00–08:00; an event after midnight counts on the evening's date;
- the night's minimum temperature is the lowest `min_c` of any forecast or observation period
  that overlaps 18:00–08:00 in a selected district (the coldest place the squads worked);
- time to assign runs from the report to its first task; time to arrive from the report to the
  first squad on the scene, by the squad's clock when its phone sent one;
- p90 is the nearest-rank 90th percentile (the value 90 % of leads waited no longer than);
- a night's protocol level is the highest level in force at any moment from 18:00 to 08:00 (an
  override counts over the automatic level while it lasts); `levels` keeps each level the night
  went through, in order, so a change within a night shows.
"""

from __future__ import annotations

import datetime
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import DurationField, ExpressionWrapper, F, Min, Q
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from songnuan.analytics.selection import Selection, dusk_and_dawn, night_and_hour
from songnuan.network.models import district_names
from songnuan.outreach.models import EncounterOutcome, Task, TaskKind
from songnuan.people.models import Person
from songnuan.supplies.models import Movement, MovementKind
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import Forecast, ProtocolDecision

# Grid rows in the order of a night's day: 08:00 … 23:00, then past midnight to 07:00.
HOURS = [*range(8, 24), *range(0, 8)]
WEEKDAYS = range(7)


def cell_of(at: datetime.datetime) -> tuple[int, int]:
    """(weekday of the night, local hour) of an instant: 01:30 on a Tuesday is Monday's night."""
    night, hour = night_and_hour(at)
    return night.weekday(), hour


def nearest_rank(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


# ------------------------------------------------------------------ hour-of-day × weekday

@dataclass
class Grid:
    counts: Counter
    total: int

    def rows(self) -> list[tuple[int, list[int]]]:
        return [(hour, [self.counts[(day, hour)] for day in WEEKDAYS]) for hour in HOURS]

    def shaded_rows(self) -> list[tuple[int, list[tuple[int, int]]]]:
        """Each hour's counts with a shade from 0 (none) to 5 (the busiest cell)."""
        peak = self.peak or 1
        return [(hour, [(n, math.ceil(5 * n / peak)) for n in counts])
                for hour, counts in self.rows()]

    @property
    def peak(self) -> int:
        return max(self.counts.values(), default=0)


def grid_of(nights_and_hours) -> Grid:
    counts = Counter((night.weekday(), hour) for night, hour in nights_and_hours)
    return Grid(counts, sum(counts.values()))


def leads_grid(sel: Selection) -> Grid:
    return grid_of(row[2:4] for row in sel.lead_rows())


def people_grid(sel: Selection) -> Grid:
    return grid_of(row[4:6] for row in sel.found_rows())


# ------------------------------------------------------------------ people found vs cold

@dataclass
class ColdNight:
    night: datetime.date
    people: int = 0
    leads: int = 0
    min_c: float | None = None


def nights_vs_cold(sel: Selection) -> list[ColdNight]:
    rows = {night: ColdNight(night) for night in sel.nights()}
    for row in sel.found_rows():
        rows[row[4]].people += 1
    for row in sel.lead_rows():
        rows[row[2]].leads += 1
    for night, coldest in night_minimums(sel).items():
        if night in rows:
            rows[night].min_c = coldest
    return list(rows.values())


def night_minimums(sel: Selection) -> dict[datetime.date, float]:
    """The lowest temperature of each night (18:00–08:00) over the selected districts."""
    first_start, _ = dusk_and_dawn(sel.first)
    _, last_end = dusk_and_dawn(sel.last)
    periods = (Forecast.objects.restrict(sel.user, "view")
               .filter(district_id__in=sel.district_ids, starts_at__lt=last_end,
                       ends_at__gt=first_start)
               .values("starts_at", "ends_at").annotate(coldest=Min("min_c")).order_by())
    found: dict[datetime.date, float] = {}
    for period in periods:
        for night in _nights_overlapped(period["starts_at"], period["ends_at"]):
            if night not in found or period["coldest"] < found[night]:
                found[night] = period["coldest"]
    return found


def _nights_overlapped(starts: datetime.datetime, ends: datetime.datetime):
    night = night_and_hour(starts)[0] - datetime.timedelta(days=1)
    while True:
        dusk, dawn = dusk_and_dawn(night)
        if dusk >= ends:
            return
        if dawn > starts:
            yield night
        night += datetime.timedelta(days=1)


# ------------------------------------------------------------------ service times

@dataclass
class ServiceRow:
    district_id: int
    district: str
    night: datetime.date | None  # None: the whole period
    leads: int = 0
    assign_min: list[float] = field(default_factory=list)
    arrive_min: list[float] = field(default_factory=list)
    levels: list[int] = field(default_factory=list)
    levels_nights: int = 0

    @property
    def key(self) -> str:
        return f"{self.district_id}:{self.night.isoformat() if self.night else 'all'}"

    @property
    def protocol_nights(self) -> int:
        """For a whole period: the nights with a cold-weather protocol in force."""
        return self.levels_nights

    @property
    def level(self) -> ProtocolLevel:
        return ProtocolLevel(max(self.levels, default=0))

    @property
    def level_changed(self) -> bool:
        return len(self.levels) > 1

    def level_labels(self) -> list[str]:
        return [ProtocolLevel(level).label for level in self.levels]

    def median_assign(self) -> float | None:
        return _rounded(statistics.median(self.assign_min)) if self.assign_min else None

    def p90_assign(self) -> float | None:
        return _rounded(nearest_rank(self.assign_min, 0.9)) if self.assign_min else None

    def median_arrive(self) -> float | None:
        return _rounded(statistics.median(self.arrive_min)) if self.arrive_min else None

    def p90_arrive(self) -> float | None:
        return _rounded(nearest_rank(self.arrive_min, 0.9)) if self.arrive_min else None


def _rounded(minutes: float) -> float:
    return round(minutes, 1)


def _minutes(delta: datetime.timedelta) -> float:
    return max(0.0, delta.total_seconds() / 60)


def service_times(sel: Selection) -> list[ServiceRow]:
    waits = _first_waits(sel)
    names = district_names(sel.district_ids)
    rows: dict[tuple[int, datetime.date], ServiceRow] = {}
    for pk, district_id, night, _hour in sel.lead_rows():
        key = (district_id, night)
        row = rows.get(key) or rows.setdefault(key, ServiceRow(key[0], names.get(key[0], ""),
                                                               night))
        row.leads += 1
        to_assign, to_arrive = waits.get(pk, (None, None))
        if to_assign is not None:
            row.assign_min.append(_minutes(to_assign))
        if to_arrive is not None:
            row.arrive_min.append(_minutes(to_arrive))
    levels = night_levels(sel)
    for (district_id, night), row in rows.items():
        row.levels = levels.get((district_id, night), [int(ProtocolLevel.NORMAL)])
    return sorted(rows.values(), key=lambda r: (r.night, r.district), reverse=True)


def service_by_district(nightly: list[ServiceRow]) -> list[ServiceRow]:
    """The nightly rows summed per district over the period: times of all its leads, the
    highest level of any night and how many nights had a protocol in force."""
    found: dict[int, ServiceRow] = {}
    for row in nightly:
        total = found.setdefault(row.district_id, ServiceRow(row.district_id, row.district, None))
        total.leads += row.leads
        total.assign_min += row.assign_min
        total.arrive_min += row.arrive_min
        total.levels = [max([*total.levels, row.level])]
        total.levels_nights += row.level > ProtocolLevel.NORMAL
    return sorted(found.values(), key=lambda r: r.district)


def _first_waits(sel: Selection) -> dict[int, tuple[datetime.timedelta | None,
                                                     datetime.timedelta | None]]:
    """How long each lead waited for its first assignment and its first squad on the scene,
    worked out by the database (a winter's leads would otherwise load as 60,000 timestamps)."""
    def since_report(moment) -> ExpressionWrapper:
        return ExpressionWrapper(moment - F("lead__received_at"), output_field=DurationField())

    tasks = (Task.objects.filter(kind=TaskKind.LEAD, lead__in=sel.leads().values("pk"))
             .order_by().values("lead_id", "lead__received_at")
             # The squad's own clock when it sent one: a tap queued offline reached us late.
             .annotate(to_assign=since_report(Min("assigned_at")),
                       to_arrive=since_report(Min(Coalesce("arrived_client_at", "arrived_at"))))
             .values_list("lead_id", "to_assign", "to_arrive"))
    return {lead_id: (to_assign, to_arrive) for lead_id, to_assign, to_arrive in tasks}


def night_levels(sel: Selection) -> dict[tuple[int, datetime.date], list[int]]:
    """For each district and night, the protocol levels in force from 18:00 to 08:00, in order."""
    first_start, _ = dusk_and_dawn(sel.first)
    _, last_end = dusk_and_dawn(sel.last)
    decisions = defaultdict(list)
    rows = (ProtocolDecision.objects.restrict(sel.user, "view")
            .filter(Q(ends_at__isnull=True) | Q(ends_at__gt=first_start),
                    district_id__in=sel.district_ids, starts_at__lt=last_end)
            .values_list("district_id", "level", "starts_at", "ends_at", "is_override"))
    # Instants as POSIX seconds: comparing aware datetimes of two zones, a winter of nights
    # against every decision was the page's slowest loop.
    for district_id, level, starts_at, ends_at, is_override in rows:
        decisions[district_id].append((starts_at.timestamp(),
                                       ends_at.timestamp() if ends_at else math.inf,
                                       level, is_override))
    nights = [(night, *(moment.timestamp() for moment in dusk_and_dawn(night)))
              for night in sel.nights()]
    found = {}
    for district_id, spans in decisions.items():
        for night, dusk, dawn in nights:
            found[(district_id, night)] = _levels_within(spans, dusk, dawn)
    return found


def _levels_within(spans, dusk: float, dawn: float) -> list[int]:
    spans = [span for span in spans if span[0] < dawn and span[1] > dusk]
    moments = sorted({dusk} | {moment for span in spans for moment in span[:2]
                               if dusk < moment < dawn})
    levels: list[int] = []
    for moment in moments:
        level = _level_at(spans, moment)
        if not levels or levels[-1] != level:
            levels.append(level)
    return levels


def _level_at(spans, at: float) -> int:
    """An override in force wins over the automatic level; the latest decision of a kind wins."""
    def latest(overrides: bool):
        live = [span for span in spans if span[3] == overrides and span[0] <= at < span[1]]
        return max(live, key=lambda span: span[0])[2] if live else None

    override = latest(True)
    if override is not None:
        return override
    automatic = latest(False)
    return automatic if automatic is not None else int(ProtocolLevel.NORMAL)


# ------------------------------------------------------------------ outcomes and refusals

OUTCOME_KEYS = ("admitted", "hospital", "refused_supplies", "refused_nothing", "not_found",
                "false_report")


def _supplied(sel: Selection) -> set[tuple[int, int | None]]:
    """(encounter, person) pairs given supplies; a person of None: given to the whole group."""
    refused = sel.encounters().filter(people__outcome=EncounterOutcome.REFUSED).values("pk")
    return set(Movement.objects.filter(kind=MovementKind.ISSUE, encounter__in=refused)
               .order_by().values_list("encounter_id", "person_id"))


def refusal_rows(sel: Selection) -> list[dict]:
    """Every refusal of the period, each marked with whether supplies were given (read once per
    selection: the outcomes and the repeat refusals both need them)."""
    if "refusals" in sel._loaded:
        return sel._loaded["refusals"]
    refusals = [{"pk": pk, "encounter_id": encounter_id, "person_id": person_id,
                 "encounter__at": at}
                for pk, encounter_id, person_id, at in sel.people_found().filter(
                    outcome=EncounterOutcome.REFUSED).order_by().values_list(
                    "pk", "encounter_id", "person_id", "encounter__at")]
    supplied = _supplied(sel) if refusals else set()
    for row in refusals:
        row["supplied"] = ((row["encounter_id"], row["person_id"]) in supplied
                           or (row["encounter_id"], None) in supplied)
    sel._loaded["refusals"] = refusals
    return refusals


def outcomes(sel: Selection) -> dict[str, int]:
    people = Counter(row[3] for row in sel.found_rows())
    refusals = refusal_rows(sel)
    with_supplies = sum(1 for row in refusals if row["supplied"])
    encounters = Counter(sel.encounters().filter(
        outcome__in=[EncounterOutcome.NOT_FOUND, EncounterOutcome.FALSE_REPORT])
        .values_list("outcome", flat=True))
    return {
        "admitted": people[EncounterOutcome.ESCORTED],
        "hospital": people[EncounterOutcome.HOSPITAL],
        "refused_supplies": with_supplies,
        "refused_nothing": len(refusals) - with_supplies,
        "not_found": encounters[EncounterOutcome.NOT_FOUND],
        "false_report": encounters[EncounterOutcome.FALSE_REPORT],
    }


@dataclass
class RepeatRefusal:
    person: Person
    refusals: int
    with_supplies: int
    first: datetime.datetime
    last: datetime.datetime


def repeat_refusals(sel: Selection, at_least: int = 2) -> list[RepeatRefusal]:
    """People who refused help at least twice in the period, most refusals first."""
    by_person: dict[int, list[dict]] = defaultdict(list)
    for row in refusal_rows(sel):
        by_person[row["person_id"]].append(row)
    repeated = {pk: rows for pk, rows in by_person.items() if len(rows) >= at_least}
    people = Person.objects.in_bulk(list(repeated))
    found = [RepeatRefusal(people[pk], len(rows), sum(1 for r in rows if r["supplied"]),
                           min(r["encounter__at"] for r in rows),
                           max(r["encounter__at"] for r in rows))
             for pk, rows in repeated.items() if pk in people]
    return sorted(found, key=lambda r: (-r.refusals, -r.last.timestamp()))


def weekday_names() -> list[str]:
    """Monday first, as the hour-by-weekday grids are laid out."""
    return [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
