"""Working days from the official holiday arrangement, and the deadlines of a tracing case.

China's working days are not the weekdays: the State Council moves weekends around public
holidays each year (调休). The arrangement lives in `HolidayYear`, seeded from the
`chinesecalendar` package (2004–2026) and editable by an administrator. A day in a year with no
arrangement falls back to Monday–Friday, and whatever was computed from it is flagged.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

WEEKEND = (5, 6)


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[datetime.date] = frozenset()
    workdays: frozenset[datetime.date] = frozenset()
    known_years: frozenset[int] = frozenset()

    def is_known(self, day: datetime.date) -> bool:
        return day.year in self.known_years

    def is_workday(self, day: datetime.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() not in WEEKEND


@dataclass(frozen=True)
class Deadline:
    """A due date, and the years without holiday data it was computed across (if any)."""

    day: datetime.date
    missing_years: tuple[int, ...] = field(default=())

    @property
    def uncertain(self) -> bool:
        return bool(self.missing_years)


def add_working_days(start: datetime.date, days: int, calendar: WorkCalendar) -> Deadline:
    """The day on which the `days`-th working day after `start` falls (start not counted)."""
    if days < 0:
        raise ValueError("days must not be negative")
    day, counted, missing = start, 0, set()
    while counted < days:
        day += datetime.timedelta(days=1)
        if not calendar.is_known(day):
            missing.add(day.year)
        if calendar.is_workday(day):
            counted += 1
    return Deadline(day, tuple(sorted(missing)))


def calendar_from_rows(rows) -> WorkCalendar:
    holidays: set[datetime.date] = set()
    workdays: set[datetime.date] = set()
    years: set[int] = set()
    for row in rows:
        years.add(row.year)
        holidays.update(datetime.date.fromisoformat(d) for d in row.holidays)
        workdays.update(datetime.date.fromisoformat(d) for d in row.workdays)
    return WorkCalendar(frozenset(holidays), frozenset(workdays), frozenset(years))


def load_calendar() -> WorkCalendar:
    """The calendar as the administrators keep it (seeding it on first use)."""
    from songnuan.tracing.models import HolidayYear

    if not HolidayYear.objects.exists():
        seed_from_package()
    return calendar_from_rows(HolidayYear.objects.all())


def package_arrangement() -> dict[int, tuple[list[str], list[str]]]:
    """Each year the `chinesecalendar` package knows: (days off, adjusted workdays)."""
    import chinese_calendar

    years: dict[int, tuple[list[str], list[str]]] = {}
    for day in sorted(chinese_calendar.holidays):
        years.setdefault(day.year, ([], []))[0].append(day.isoformat())
    for day in sorted(chinese_calendar.workdays):
        if day.weekday() in WEEKEND:  # only the weekend days made working days
            years.setdefault(day.year, ([], []))[1].append(day.isoformat())
    return years


@transaction.atomic
def seed_from_package() -> int:
    """Create the years the package knows that the table lacks; returns how many were added."""
    from songnuan.tracing.models import HolidayYear

    have = set(HolidayYear.objects.values_list("year", flat=True))
    added = 0
    for year, (holidays, workdays) in package_arrangement().items():
        if year in have:
            continue
        HolidayYear.objects.create(year=year, holidays=holidays, workdays=workdays,
                                   source="chinesecalendar")
        added += 1
    return added


@dataclass(frozen=True)
class StepDue:
    kind: str
    due_at: datetime.datetime
    calendar_gap: bool = False


def _end_of(day: datetime.date, tz) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(23, 59, 59), tzinfo=tz)


def _add_months(day: datetime.date, months: int) -> datetime.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)


def add_months(moment: datetime.datetime, months: int) -> datetime.datetime:
    """The same local time `months` calendar months later (the 31st becomes the month's last)."""
    from django.utils import timezone

    local = timezone.localtime(moment)
    day = _add_months(local.date(), months)
    return local.replace(year=day.year, month=day.month, day=day.day)


def case_deadlines(admitted_at: datetime.datetime, calendar: WorkCalendar) -> list[StepDue]:
    """The deadlines of 民发〔2015〕158号 counted from admission, each a setting.

    Fingerprints and photo at admission (same day); announcement within 24 hours; DNA request
    to the police within 7 working days; stranded review at 10 days; settlement at 3 months.
    """
    from django.utils import timezone

    from songnuan.tracing.models import StepKind

    tz = timezone.get_current_timezone()
    local = timezone.localtime(admitted_at, tz)
    admitted_on = local.date()
    dna = add_working_days(admitted_on, settings.TRACING_DNA_REQUEST_WORKING_DAYS, calendar)
    return [
        StepDue(StepKind.BIOMETRICS,
                local + datetime.timedelta(hours=settings.TRACING_BIOMETRICS_HOURS)),
        StepDue(StepKind.ANNOUNCEMENT,
                local + datetime.timedelta(hours=settings.TRACING_ANNOUNCEMENT_HOURS)),
        StepDue(StepKind.DNA_REQUEST, _end_of(dna.day, tz), dna.uncertain),
        StepDue(StepKind.STRANDED, local + datetime.timedelta(days=settings.TRACING_STRANDED_DAYS)),
        StepDue(StepKind.SETTLEMENT, _end_of(
            _add_months(admitted_on, settings.TRACING_SETTLEMENT_MONTHS), tz)),
    ]
