"""Opening hours: the parser, its canonical form, and overnight spans."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from songnuan.network import hours

MONDAY = datetime.datetime(2026, 11, 30)  # a Monday


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return MONDAY + datetime.timedelta(days=day, hours=hour, minutes=minute)


def test_it_reads_a_simple_span():
    [span] = hours.parse_hours("Mon-Fri 09:00-17:00")
    assert span.days == frozenset(range(5)) and (span.start, span.end) == (540, 1020)


def test_it_reads_chinese_day_names_and_several_spans():
    spans = hours.parse_hours("周一至周五 18:00-08:00；周六、周日 0:00-24:00")
    assert hours.canonical(spans) == ["Mon-Fri 18:00-08:00", "Sat,Sun 00:00-24:00"]


def test_every_day_and_a_wrapping_day_range():
    assert hours.canonical(hours.parse_hours("daily 8:00-20:00")) == ["Mon-Sun 08:00-20:00"]
    assert hours.parse_hours("Fri-Mon 10:00-12:00")[0].days == frozenset({4, 5, 6, 0})


def test_an_overnight_span_covers_the_next_morning():
    spans = hours.parse_hours("Fri 18:00-08:00")
    assert hours.is_open_at(spans, at(4, 18))
    assert hours.is_open_at(spans, at(5, 7, 59))
    assert not hours.is_open_at(spans, at(5, 8))
    assert not hours.is_open_at(spans, at(4, 17, 59))
    assert not hours.is_open_at(spans, at(4, 7))  # Friday morning belongs to Thursday's night


def test_sunday_night_runs_into_monday_morning():
    spans = hours.parse_hours("Sun 20:00-06:00")
    assert hours.is_open_at(spans, at(7, 5))  # the next Monday
    assert not hours.is_open_at(spans, at(0, 21))


@pytest.mark.parametrize("text", [
    "Mon-Fri", "Funday 09:00-10:00", "Mon 25:00-26:00", "Mon 09:60-10:00", "Mon 09:00-09:00",
    "Mon 24:00-08:00", "18:00-08:00",
])
def test_it_refuses_hours_that_do_not_parse(text):
    with pytest.raises(hours.HoursError):
        hours.parse_hours(text)


days = st.frozensets(st.integers(0, 6), min_size=1)
minutes = st.integers(0, 24 * 60 - 1)


@st.composite
def spans(draw):
    start = draw(minutes)
    end = draw(st.integers(0, 24 * 60).filter(lambda m: m != start))
    return hours.Span(draw(days), start, end)


@given(spans())
def test_the_canonical_text_parses_back_to_the_same_span(span):
    assert hours.parse_span(span.text()) == span


@given(spans(), st.integers(0, 6), minutes)
def test_an_open_minute_is_inside_the_span_measured_from_its_opening_day(span, weekday, minute):
    """Cross-check with an independent formulation: minutes since the opening day's midnight."""
    length = (span.end - span.start) % (24 * 60) or 24 * 60
    expected = False
    for opening_day in span.days:
        offset = ((weekday - opening_day) % 7) * 24 * 60 + minute - span.start
        if 0 <= offset < length:
            expected = True
    assert span.covers(weekday, minute) == expected


@given(st.text(max_size=40))
def test_any_text_parses_or_gives_a_clear_error(text):
    try:
        hours.parse_hours(text)
    except hours.HoursError as error:
        assert str(error)
