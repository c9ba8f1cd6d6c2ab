"""Weekly opening hours: a small text format, its parser, and "is it open at this minute".

A schedule is a list of spans such as ``Mon-Sun 18:00-08:00`` or ``Sat,Sun 09:00-17:00``. A span
whose end is not after its start runs overnight into the next day (``18:00-08:00`` opened on
Friday still covers Saturday 07:59). ``00:00-24:00`` is a whole day. Sites store the canonical
text of each span in a JSON list, so what staff typed and what the rules read are the same thing.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from songnuan.refusals import Refused

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MINUTES_PER_DAY = 24 * 60
_DAY_ALIASES = {
    **{name.lower(): index for index, name in enumerate(DAY_NAMES)},
    **{alias: index for index, alias in enumerate(
        ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"))},
    **{alias: index for index, alias in enumerate("一二三四五六日")},
    "天": 6,
}
_CHINESE_DAY = re.compile(r"(?:周|星期|礼拜)([一二三四五六日天])")
_SPAN = re.compile(
    r"^\s*(?P<days>[A-Za-z0-9,\-\s]+?)\s+(?P<start>\d{1,2}:\d{2})\s*[-–~至]\s*(?P<end>\d{1,2}:\d{2})\s*$"
)


class HoursError(Refused):
    """Opening hours that cannot be understood; the message says which part and why."""

    def __init__(self, message: str, field: str = "hours") -> None:
        super().__init__(message, field=field, code="hours")


@dataclass(frozen=True)
class Span:
    """Open from `start` to `end` (minutes after midnight) on each of `days` (0 = Monday)."""

    days: frozenset[int]
    start: int
    end: int

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    def covers(self, weekday: int, minute: int) -> bool:
        if not self.overnight:
            return weekday in self.days and self.start <= minute < self.end
        if weekday in self.days and minute >= self.start:
            return True
        return (weekday - 1) % 7 in self.days and minute < self.end

    def text(self) -> str:
        return f"{_days_text(self.days)} {_clock(self.start)}-{_clock(self.end)}"


def parse_span(text: str) -> Span:
    """One span: ``Mon-Fri 18:00-08:00``, ``周一至周五 18:00-08:00``, ``daily 0:00-24:00``."""
    normalised = _CHINESE_DAY.sub(lambda match: DAY_NAMES[_DAY_ALIASES[match.group(1)]], text)
    normalised = normalised.replace("至", "-").replace("、", ",").replace("，", ",")
    normalised = re.sub(r"^\s*(每天|每日)", "Mon-Sun", normalised)
    normalised = re.sub(r"^\s*(daily|everyday)\b", "Mon-Sun", normalised, flags=re.IGNORECASE)
    match = _SPAN.match(normalised)
    if not match:
        raise HoursError(
            _("“%(span)s” is not a span like “Mon-Fri 18:00-08:00”.") % {"span": text.strip()}
        )
    days = _parse_days(match.group("days"), text)
    start = _parse_clock(match.group("start"), text, allow_24=False)
    end = _parse_clock(match.group("end"), text, allow_24=True)
    if start == end:
        raise HoursError(
            _("“%(span)s” opens and closes at the same time.") % {"span": text.strip()}
        )
    return Span(days, start, end)


def parse_hours(text_or_lines: str | list[str]) -> list[Span]:
    """A whole schedule: spans separated by new lines or semicolons. Empty means no set hours."""
    if isinstance(text_or_lines, str):
        parts = re.split(r"[;\n；]+", text_or_lines)
    else:
        parts = list(text_or_lines)
    return [parse_span(part) for part in parts if part and part.strip()]


def canonical(spans: list[Span]) -> list[str]:
    return [span.text() for span in spans]


def is_open_at(spans: list[Span], at: datetime.datetime) -> bool:
    """Open at this local time? `at` must already be in the site's time zone."""
    minute = at.hour * 60 + at.minute
    return any(span.covers(at.weekday(), minute) for span in spans)


def describe(span: Span) -> str:
    """A span in the reader's language: “周一至周五 18:00–次日08:00”."""
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    parts = []
    for chunk in _days_text(span.days).split(","):
        first, _sep, last = chunk.partition("-")
        if last:
            parts.append(_("%(first)s to %(last)s") % {
                "first": names[DAY_NAMES.index(first)], "last": names[DAY_NAMES.index(last)]})
        else:
            parts.append(names[DAY_NAMES.index(first)])
    days = _("daily") if len(span.days) == 7 else _(", ").join(parts)
    end = _clock(span.end)
    if span.overnight:
        end = _("%(time)s next day") % {"time": end}
    return f"{days} {_clock(span.start)}–{end}"


def _parse_days(text: str, original: str) -> frozenset[int]:
    days: set[int] = set()
    for part in text.replace(" ", "").split(","):
        if not part:
            continue
        if "-" in part:
            first, _sep, last = part.partition("-")
            start, stop = _day(first, original), _day(last, original)
            index = start
            days.add(index)
            while index != stop:  # wraps past Sunday: "Fri-Mon"
                index = (index + 1) % 7
                days.add(index)
        else:
            days.add(_day(part, original))
    if not days:
        raise HoursError(_("“%(span)s” names no days.") % {"span": original.strip()})
    return frozenset(days)


def _day(token: str, original: str) -> int:
    index = _DAY_ALIASES.get(token.lower())
    if index is None:
        raise HoursError(
            _("“%(day)s” in “%(span)s” is not a day (use Mon, Tue, … Sun).")
            % {"day": token, "span": original.strip()}
        )
    return index


def _parse_clock(text: str, original: str, *, allow_24: bool) -> int:
    hours, minutes = (int(part) for part in text.split(":"))
    if allow_24 and hours == 24 and minutes == 0:
        return MINUTES_PER_DAY
    if hours > 23 or minutes > 59:
        raise HoursError(
            _("“%(time)s” in “%(span)s” is not a time of day.")
            % {"time": text, "span": original.strip()}
        )
    return hours * 60 + minutes


def _clock(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _days_text(days: frozenset[int]) -> str:
    """The shortest readable form: runs of consecutive days as ranges, the rest listed."""
    if len(days) == 7:
        return "Mon-Sun"
    runs: list[list[int]] = []
    for day in sorted(days):
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    # A run ending on Sunday joins one starting on Monday ("Sat-Mon").
    if len(runs) > 1 and runs[0][0] == 0 and runs[-1][-1] == 6:
        runs[0] = runs.pop() + runs[0]
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{DAY_NAMES[run[0]]}-{DAY_NAMES[run[-1]]}")
        else:
            parts.extend(DAY_NAMES[day] for day in run)
    return ",".join(parts)
