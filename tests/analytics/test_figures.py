"""Each figure against counts worked out by hand from a few rows with exact times."""

from __future__ import annotations

import datetime

import pytest

from songnuan.analytics import figures, rows
from songnuan.analytics.selection import select
from songnuan.outreach.models import EncounterOutcome as O
from songnuan.weather.models import Forecast, ProtocolDecision, Source
from tests.analytics.factories import (
    at,
    duplicate_of,
    encounter,
    give_supplies,
    lead,
    person,
    task,
)
from tests.factories import LAOSHAN, SHINAN, district
from tests.outreach.factories import make_squad

MONDAY = datetime.date(2027, 1, 11)
TUESDAY = datetime.date(2027, 1, 12)


@pytest.fixture
def week(cast):
    """Nights of Monday 11 and Tuesday 12 January 2027 seen by the city administrator."""
    return select(cast.city_admin, MONDAY, TUESDAY)


def test_a_night_that_crosses_midnight_counts_on_the_evening(week):
    evening = lead("2027-01-11 23:30")
    after_midnight = lead("2027-01-12 01:30")
    lead("2027-01-12 09:00")  # Tuesday's own day
    duplicate_of(evening, "2027-01-11 23:40")  # the same incident: not counted again

    grid = figures.leads_grid(week)

    assert grid.total == 3
    assert grid.counts == {(0, 23): 1, (0, 1): 1, (1, 9): 1}
    by_night = {n.night: n.leads for n in figures.nights_vs_cold(week)}
    assert by_night == {MONDAY: 2, TUESDAY: 1}
    drilled = rows.drill(week, "leads_grid", "0-1")
    assert list(drilled.rows) == [after_midnight]


def test_people_found_are_counted_per_person_met(cast, week):
    squad = make_squad()
    two = [(person("张三"), O.ESCORTED), (person("李四"), O.REFUSED)]
    encounter(squad, "2027-01-12 02:10", O.ESCORTED, two)
    encounter(squad, "2027-01-12 02:40", O.NOT_FOUND)

    grid = figures.people_grid(week)

    assert grid.counts == {(0, 2): 2}
    assert [n.people for n in figures.nights_vs_cold(week)] == [2, 0]
    assert rows.drill(week, "people_grid", "0-2").rows.count() == 1


def _hour(code: str, starts: str, min_c: float) -> Forecast:
    begin = at(starts)
    return Forecast.objects.create(district=district(code), starts_at=begin,
                                   ends_at=begin + datetime.timedelta(hours=1), min_c=min_c,
                                   max_c=min_c + 1, source=Source.MANUAL)


def test_the_nights_minimum_is_the_coldest_hour_between_dusk_and_dawn(cast, week):
    _hour(SHINAN, "2027-01-11 18:00", -3.0)
    _hour(SHINAN, "2027-01-12 02:00", -7.5)  # Monday's night, after midnight
    _hour(SHINAN, "2027-01-12 12:00", -20.0)  # daytime: not a night's temperature
    _hour(SHINAN, "2027-01-12 20:00", -1.0)
    _hour(LAOSHAN, "2027-01-11 22:00", -12.0)

    city = {n.night: n.min_c for n in figures.nights_vs_cold(week)}
    shinan = select(cast.city_admin, MONDAY, TUESDAY, district(SHINAN))

    assert city == {MONDAY: -12.0, TUESDAY: -1.0}
    assert {n.night: n.min_c for n in figures.nights_vs_cold(shinan)} == {MONDAY: -7.5,
                                                                         TUESDAY: -1.0}


def _decision(level: int, starts: str, ends: str | None, override: bool = False):
    return ProtocolDecision.objects.create(
        district=district(SHINAN), level=level, starts_at=at(starts),
        ends_at=at(ends) if ends else None, rule="test", reason="测试", is_override=override)


def test_time_to_assign_and_arrive_with_a_protocol_change_within_the_night(cast, week):
    squad = make_squad()
    first = lead("2027-01-11 22:00")
    task(first, squad, 4, arrived_min=25, client_arrived_min=18)  # the squad's clock counts
    second = lead("2027-01-11 23:00")
    task(second, squad, 10, arrived_min=30)
    third = lead("2027-01-12 00:30")  # still Monday's night
    task(third, squad, 2, status="cancelled")
    task(third, squad, 6, arrived_min=40)
    _decision(1, "2027-01-10 12:00", "2027-01-12 02:00")
    _decision(2, "2027-01-12 02:00", None)

    [row] = figures.service_times(week)

    assert (row.night, row.district, row.leads) == (MONDAY, "市南区", 3)
    assert (row.median_assign(), row.p90_assign()) == (4.0, 10.0)  # of 2, 4, 10 minutes
    assert (row.median_arrive(), row.p90_arrive()) == (30.0, 40.0)  # of 18, 30, 40 minutes
    assert row.levels == [1, 2]
    assert row.level == 2 and row.level_changed
    assert set(rows.drill(week, "service", row.key).rows) == {first, second, third}


def test_an_override_counts_over_the_automatic_level_while_it_lasts(cast, week):
    lead("2027-01-12 21:00")
    _decision(2, "2027-01-10 12:00", None)
    _decision(3, "2027-01-12 20:00", "2027-01-12 22:00", override=True)
    _decision(0, "2027-01-13 03:00", "2027-01-13 05:00", override=True)

    [row] = figures.service_times(week)

    assert row.night == TUESDAY
    assert row.levels == [2, 3, 2, 0, 2]
    assert row.level == 3


def test_a_night_without_decisions_is_normal_and_without_tasks_has_no_times(week):
    lead("2027-01-11 21:00")

    [row] = figures.service_times(week)

    assert row.levels == [0] and not row.level_changed
    assert row.median_assign() is None and row.p90_arrive() is None


def test_outcomes_split_refusals_by_supplies_given(cast, week):
    squad = make_squad()
    wang, zhao, sun = person("王五"), person("赵六"), person("孙七")
    encounter(squad, "2027-01-11 21:00", O.ESCORTED, [(person("周八"), O.ESCORTED),
                                                     (person("吴九"), O.ESCORTED)])
    given = encounter(squad, "2027-01-11 22:00", O.REFUSED, [(wang, O.REFUSED)])
    give_supplies(squad, given, wang)
    group = encounter(squad, "2027-01-11 23:00", O.REFUSED, [(zhao, O.REFUSED),
                                                            (sun, O.REFUSED)])
    give_supplies(squad, group, None)  # left for the whole group
    encounter(squad, "2027-01-12 01:00", O.REFUSED, [(wang, O.REFUSED)])
    encounter(squad, "2027-01-12 03:00", O.HOSPITAL, [(person("郑十"), O.HOSPITAL)])
    encounter(squad, "2027-01-12 04:00", O.NOT_FOUND)
    encounter(squad, "2027-01-12 05:00", O.FALSE_REPORT)

    counts = figures.outcomes(week)

    assert counts == {"admitted": 2, "hospital": 1, "refused_supplies": 3,
                      "refused_nothing": 1, "not_found": 1, "false_report": 1}
    assert rows.drill(week, "outcome", "refused_nothing").rows.count() == 1
    assert rows.drill(week, "outcome", "refused_supplies").rows.count() == 2
    [repeat] = figures.repeat_refusals(week)
    assert (repeat.person, repeat.refusals, repeat.with_supplies) == (wang, 2, 1)
    assert rows.drill(week, "refusals", str(wang.pk)).rows.count() == 2


def test_an_empty_period_gives_empty_figures_not_errors(week):
    assert figures.leads_grid(week).total == 0
    assert figures.service_times(week) == []
    assert figures.repeat_refusals(week) == []
    assert all(n.people == 0 and n.min_c is None for n in figures.nights_vs_cold(week))
    assert set(figures.outcomes(week).values()) == {0}


@pytest.mark.parametrize(("figure", "cell"), [
    ("leads_grid", "7-1"), ("leads_grid", "x"), ("service", "1:notadate"),
    ("outcome", "stolen"), ("nonsense", "1"), ("proposal", "9"),
])
def test_a_cell_that_does_not_exist_is_refused(week, figure, cell):
    from songnuan.refusals import Refused

    with pytest.raises(Refused):
        rows.drill(week, figure, cell)
