"""Working days from the State Council arrangement, and the deadlines of 民发〔2015〕158号."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from songnuan.tracing import workdays
from songnuan.tracing.models import HolidayYear, StepKind
from songnuan.tracing.workdays import WorkCalendar, add_working_days, case_deadlines

SHANGHAI = ZoneInfo("Asia/Shanghai")
D = datetime.date


@pytest.fixture(scope="module")
def package_calendar() -> WorkCalendar:
    years = workdays.package_arrangement()

    class Row:
        def __init__(self, year, holidays, workdays):
            self.year, self.holidays, self.workdays = year, holidays, workdays

    return workdays.calendar_from_rows(Row(y, h, w) for y, (h, w) in years.items())


def test_the_package_knows_2004_to_2026_and_not_2027(package_calendar):
    assert min(package_calendar.known_years) == 2004
    assert max(package_calendar.known_years) == 2026
    assert not package_calendar.is_known(D(2027, 1, 1))


def test_spring_festival_2026_is_off_and_its_saturdays_are_worked(package_calendar):
    for day in range(15, 24):
        assert not package_calendar.is_workday(D(2026, 2, day))
    assert package_calendar.is_workday(D(2026, 2, 14))  # Saturday, adjusted
    assert package_calendar.is_workday(D(2026, 2, 28))  # Saturday, adjusted


def test_seven_working_days_across_spring_festival_count_adjusted_saturdays(package_calendar):
    # Thursday 12 Feb 2026: 13, 14 (Sat, worked), then 24–28 (28 a worked Saturday).
    deadline = add_working_days(D(2026, 2, 12), 7, package_calendar)
    assert deadline.day == D(2026, 2, 28)
    assert not deadline.uncertain
    weekdays_only = add_working_days(D(2026, 2, 12), 7, WorkCalendar())
    assert weekdays_only.day == D(2026, 2, 23)


def test_admission_on_the_eve_pushes_the_request_past_the_holiday(package_calendar):
    # Saturday 14 Feb (a working day) → 24, 25, 26, 27, 28, 2 Mar, 3 Mar.
    assert add_working_days(D(2026, 2, 14), 7, package_calendar).day == D(2026, 3, 3)


def test_a_deadline_running_into_2027_is_flagged_as_without_data(package_calendar):
    deadline = add_working_days(D(2026, 12, 24), 7, package_calendar)
    assert deadline.missing_years == (2027,)
    # Without the 2027 arrangement 1 January counts as a Friday at work; it is flagged.
    assert deadline.day == D(2027, 1, 4)


def test_a_deadline_inside_a_known_year_is_not_flagged(package_calendar):
    assert not add_working_days(D(2026, 11, 29), 7, package_calendar).uncertain


@given(start=st.dates(D(2005, 1, 1), D(2026, 11, 30)), days=st.integers(0, 20))
def test_working_days_never_land_on_a_day_off(start, days):
    calendar = _CALENDAR
    deadline = add_working_days(start, days, calendar)
    assert deadline.day >= start
    if days:
        assert calendar.is_workday(deadline.day)
    counted = sum(calendar.is_workday(start + datetime.timedelta(n))
                  for n in range(1, (deadline.day - start).days + 1))
    assert counted == days


_CALENDAR = workdays.calendar_from_rows(
    type("Row", (), {"year": y, "holidays": h, "workdays": w})
    for y, (h, w) in workdays.package_arrangement().items())


def test_case_deadlines_follow_the_2015_opinion(package_calendar, settings):
    settings.TIME_ZONE = "Asia/Shanghai"
    admitted = datetime.datetime(2026, 2, 12, 21, 30, tzinfo=SHANGHAI)
    due = {d.kind: d for d in case_deadlines(admitted, package_calendar)}
    assert due[StepKind.ANNOUNCEMENT].due_at == admitted + datetime.timedelta(hours=24)
    assert due[StepKind.DNA_REQUEST].due_at.date() == D(2026, 2, 28)
    assert due[StepKind.STRANDED].due_at == admitted + datetime.timedelta(days=10)
    assert due[StepKind.SETTLEMENT].due_at.date() == D(2026, 5, 12)


def test_deadlines_are_settings(package_calendar, settings):
    settings.TRACING_DNA_REQUEST_WORKING_DAYS = 1
    settings.TRACING_ANNOUNCEMENT_HOURS = 12
    admitted = datetime.datetime(2026, 2, 13, 10, 0, tzinfo=SHANGHAI)
    due = {d.kind: d for d in case_deadlines(admitted, package_calendar)}
    assert due[StepKind.DNA_REQUEST].due_at.date() == D(2026, 2, 14)
    assert due[StepKind.ANNOUNCEMENT].due_at == admitted + datetime.timedelta(hours=12)


def test_the_month_end_settlement_date_stays_in_its_month(package_calendar):
    admitted = datetime.datetime(2026, 11, 30, 9, 0, tzinfo=SHANGHAI)
    due = {d.kind: d for d in case_deadlines(admitted, package_calendar)}
    assert due[StepKind.SETTLEMENT].due_at.date() == D(2027, 2, 28)


@pytest.mark.django_db
def test_the_table_is_seeded_and_an_administrator_can_add_2027():
    assert HolidayYear.objects.filter(year=2026).exists()
    assert not HolidayYear.objects.filter(year=2027).exists()
    assert workdays.load_calendar().is_workday(D(2026, 2, 28))
    before = add_working_days(D(2026, 12, 24), 7, workdays.load_calendar())
    assert before.uncertain
    HolidayYear.objects.create(year=2027, holidays=["2027-01-01"], workdays=[])
    after = add_working_days(D(2026, 12, 24), 7, workdays.load_calendar())
    assert not after.uncertain
    assert after.day == D(2027, 1, 5)
