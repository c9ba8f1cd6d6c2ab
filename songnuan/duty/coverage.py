"""Roster coverage: every hour of every district needs a leader on duty and a duty officer.

A gap is a stretch of time in which a district's roster names nobody for one of the two roles.
Gaps are computed from the shifts as they are, to the minute, in local time; a holiday (the
Spring Festival week included) is an ordinary day unless the roster itself says otherwise. The
district's administrators hear of a gap in the coming hours once (the alert's key names the
gap), in their inbox and by text message.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from django.conf import settings
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.duty.models import Alert, DutyRole, DutyShift, Severity, Topic
from songnuan.duty.services import city_duty_officers, deliver
from songnuan.network.models import District
from songnuan.words import listed, said_to_each

# The two posts every district roster must fill at every moment.
POSTS = (DutyRole.LEADER, DutyRole.OFFICER)
HOUR = datetime.timedelta(hours=1)
WEEKDAYS = (gettext_lazy("Mon"), gettext_lazy("Tue"), gettext_lazy("Wed"),
            gettext_lazy("Thu"), gettext_lazy("Fri"), gettext_lazy("Sat"), gettext_lazy("Sun"))


@dataclass(frozen=True)
class Gap:
    """From `starts_at` to `ends_at` nobody holds `role` on `district`'s roster."""

    district: District
    role: str
    starts_at: datetime.datetime
    ends_at: datetime.datetime
    # Open since before the post ever had a shift: then `starts_at` is when it was looked at.
    unbounded: bool = False

    @property
    def key(self) -> str:
        start = "open" if self.unbounded else f"{timezone.localtime(self.starts_at):%Y%m%d%H%M}"
        return f"coverage-gap:{self.district.pk}:{self.role}:{start}"

    def describe(self) -> str:
        """"Wed 02:00–08:00 no leader on duty": the end's weekday named when it differs, its
        date when the gap lasts a day or more."""
        start = timezone.localtime(self.starts_at)
        end = timezone.localtime(self.ends_at)
        if end.date() == start.date():
            until = f"{end:%H:%M}"
        elif (end.time() == datetime.time()
              and end.date() == start.date() + datetime.timedelta(days=1)):
            until = "24:00"
        elif end - start >= datetime.timedelta(days=1):
            day = _("%(month)s/%(day)s") % {"month": end.month, "day": end.day}
            until = f"{day} {end:%H:%M}"
        else:
            until = f"{WEEKDAYS[end.weekday()]} {end:%H:%M}"
        text = (_("%(day)s %(start)s–%(end)s no leader on duty") if self.role == DutyRole.LEADER
                else _("%(day)s %(start)s–%(end)s no duty officer"))
        return text % {"day": WEEKDAYS[start.weekday()], "start": f"{start:%H:%M}", "end": until}


@dataclass
class Hour:
    starts_at: datetime.datetime
    missing: list[str] = field(default_factory=list)

    @property
    def is_gap(self) -> bool:
        return bool(self.missing)

    def title(self) -> str:
        return listed(str(DutyRole(role).label) for role in self.missing)


@dataclass
class Day:
    day: datetime.date
    hours: list[Hour]

    @property
    def weekday(self) -> str:
        return str(WEEKDAYS[self.day.weekday()])


@dataclass
class Coverage:
    district: District
    days: list[Day]
    gaps: list[Gap]


def local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def find_gaps(district: District, shifts: Iterable[DutyShift], start: datetime.datetime,
              end: datetime.datetime) -> list[Gap]:
    """The stretches of [start, end) that the district's shifts leave without each post."""
    found = []
    shifts = [shift for shift in shifts if shift.user.is_active]
    for role in POSTS:
        spans = sorted((max(shift.starts_at, start), min(shift.ends_at, end))
                       for shift in shifts if shift.role == role
                       and shift.starts_at < end and shift.ends_at > start)
        cursor = start
        for span_start, span_end in spans:
            if span_start > cursor:
                found.append(Gap(district, role, cursor, span_start))
            cursor = max(cursor, span_end)
        if cursor < end:
            found.append(Gap(district, role, cursor, end))
    return sorted(found, key=lambda gap: (gap.starts_at, POSTS.index(gap.role)))


def _shifts(districts: list[District], start: datetime.datetime, end: datetime.datetime
            ) -> dict[int, list[DutyShift]]:
    by_district: dict[int, list[DutyShift]] = {d.pk: [] for d in districts}
    rows = (DutyShift.objects.filter(district__in=districts, starts_at__lt=end, ends_at__gt=start,
                                     role__in=POSTS)
            .select_related("user"))
    for shift in rows:
        by_district[shift.district_id].append(shift)
    return by_district


def coverage(districts: Iterable[District], first_day: datetime.date,
             days: int | None = None) -> list[Coverage]:
    """Each district's hour grid of `days` days from `first_day` (local midnight), and its gaps."""
    districts = list(districts)
    days = days or settings.DUTY_COVERAGE_DAYS
    start = local_midnight(first_day)
    end = local_midnight(first_day + datetime.timedelta(days=days))
    shifts = _shifts(districts, start, end)
    result = []
    for district in districts:
        gaps = find_gaps(district, shifts[district.pk], start, end)
        grid = []
        for n in range(days):
            day = first_day + datetime.timedelta(days=n)
            midnight = local_midnight(day)
            hours = [Hour(midnight + h * HOUR) for h in range(24)]
            for hour in hours:
                hour.missing = [gap.role for gap in gaps if gap.starts_at < hour.starts_at + HOUR
                                and gap.ends_at > hour.starts_at and gap.role not in hour.missing]
            grid.append(Day(day, hours))
        result.append(Coverage(district, grid, gaps))
    return result


def upcoming_gaps(districts: Iterable[District], now: datetime.datetime,
                  within: datetime.timedelta) -> list[Gap]:
    """Gaps that are open now or begin within `within`, each with its end as far as the
    coverage page looks ahead. A gap open now starts where the post's last shift ended (or
    is `unbounded`, when the post never had one), so that it keeps its key run after run."""
    districts = list(districts)
    end = now + max(within, datetime.timedelta(days=settings.DUTY_COVERAGE_DAYS))
    shifts = _shifts(districts, now, end)
    found = []
    for district in districts:
        for gap in find_gaps(district, shifts[district.pk], now, end):
            if gap.starts_at >= now + within:
                continue
            if gap.starts_at == now:
                last = (DutyShift.objects.filter(district=district, role=gap.role,
                                                 ends_at__lte=now, user__is_active=True)
                        .aggregate(last=Max("ends_at"))["last"])
                gap = replace(gap, starts_at=last) if last else replace(gap, unbounded=True)
            found.append(gap)
    return found


def managers_of(district: District) -> list[User]:
    """The district's administrators; the city duty officer when it has none."""
    managers = list(User.objects.filter(role=Role.DISTRICT_ADMIN, district=district,
                                        is_active=True).order_by("pk"))
    return managers or city_duty_officers()


def alert_gaps(now: datetime.datetime | None = None) -> int:
    """Tell each district's administrators of the roster gaps in the coming hours, once a gap."""
    now = now or timezone.now()
    within = datetime.timedelta(hours=settings.DUTY_COVERAGE_ALERT_HOURS)
    told = 0
    url = reverse("duty:coverage")
    for gap in upcoming_gaps(District.objects.order_by("code"), now, within):
        if Alert.objects.filter(key=gap.key).exists():
            continue
        told += len(deliver(managers_of(gap.district), at=now, district=gap.district,
                            topic=Topic.COVERAGE_GAP, text=said_to_each(_gap_text, gap),
                            url=url, key=gap.key, severity=Severity.WARNING))
    return told


def _gap_text(gap: Gap) -> str:
    return _("Roster gap in %(district)s: %(gap)s.") % {
        "district": gap.district, "gap": gap.describe()}
