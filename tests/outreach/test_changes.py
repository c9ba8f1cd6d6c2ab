"""The change feed's cursor and its event stream, as units."""

from __future__ import annotations

import datetime

from hypothesis import given
from hypothesis import strategies as st

from songnuan.outreach import changes
from songnuan.refusals import Refused

MOMENTS = st.datetimes(min_value=datetime.datetime(2000, 1, 1),
                       max_value=datetime.datetime(2100, 1, 1),
                       timezones=st.just(datetime.UTC))


@given(MOMENTS)
def test_a_cursor_reads_back_as_the_moment_it_was_made_from(at):
    assert changes.decode_cursor(changes.encode_cursor(at)) == at


@given(st.text(max_size=80))
def test_any_other_text_is_refused_at_the_cursor_field_and_nothing_else(text):
    try:
        changes.decode_cursor(text)
    except Refused as refused:
        assert refused.field == "cursor"


def _rows(n: int, at: str = "2026-12-04T21:00:00") -> list[dict]:
    return [{"id": i, "updated_at": at} for i in range(n)]


def test_the_stream_sends_a_row_once_per_connection_and_ends_with_a_retry_hint():
    answers = iter([
        {"cursor": "c1", "more": False, "tasks": _rows(2)},
        {"cursor": "c2", "more": False, "tasks": _rows(2)},  # the same rows, sent again
        {"cursor": "c3", "more": False, "tasks": _rows(1, "2026-12-04T21:05:00")},
    ])
    ticks = iter([0, 1, 1, 2, 2, 3, 3])
    events = list(changes.event_stream(lambda cursor: next(answers), None, seconds=3,
                                       poll_seconds=1, sleep=lambda s: None,
                                       clock=lambda: next(ticks)))
    assert events[0] == events[-1] == f"retry: {changes.RETRY_MS}\n\n"
    assert events[1].startswith("id: c1\nevent: changes\n")
    assert events[2] == ": nothing new\n\n"
    assert events[3].startswith("id: c3\nevent: changes\n") and '"id": 0' in events[3]
    assert len(events) == 5
