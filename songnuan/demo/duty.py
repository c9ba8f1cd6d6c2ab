"""Demo rosters: a leader on duty for every district and the city through the season, and duty
officers where the district has staff for it; handovers at 08:00 as 24-hour rosters do."""

from __future__ import annotations

import datetime

from django.utils import timezone

from songnuan.accounts.models import User
from songnuan.duty.models import DutyRole, DutyShift
from songnuan.network.models import District

SEASON_START = datetime.date(2026, 11, 4)
DAYS_AHEAD = 14
HANDOVER = datetime.time(8)


def populate(ctx) -> None:
    users = {user.username: user for user in User.objects.all()}
    districts = {district.code: district for district in District.objects.all()}
    rows = []
    for day in _days(ctx):
        start = timezone.make_aware(datetime.datetime.combine(day, HANDOVER))
        end = start + datetime.timedelta(days=1)
        turn = (day - SEASON_START).days
        rows.append(DutyShift(user=users["admin"], role=DutyRole.LEADER, starts_at=start,
                              ends_at=end))
        city_officers = (users["centre.dispatcher"], users["city.tracing"])
        rows.append(DutyShift(user=city_officers[turn % 2], role=DutyRole.OFFICER,
                              starts_at=start, ends_at=end))
        for code, slug in ctx.city.district_slugs.items():
            district = districts[code]
            rows.append(DutyShift(user=users[f"{slug}.admin"], role=DutyRole.LEADER,
                                  district=district, starts_at=start, ends_at=end))
            if code in ctx.city.team_districts:
                officers = (users[f"{slug}.dispatcher"], users[f"{slug}.station"])
                rows.append(DutyShift(user=officers[turn % 2], role=DutyRole.OFFICER,
                                      district=district, starts_at=start, ends_at=end))
    DutyShift.objects.bulk_create(rows, batch_size=1000)


def _days(ctx) -> list[datetime.date]:
    last = timezone.localtime(ctx.now).date() + datetime.timedelta(days=DAYS_AHEAD)
    first = min(SEASON_START, last - datetime.timedelta(days=2 * DAYS_AHEAD))
    return [first + datetime.timedelta(days=n) for n in range((last - first).days + 1)]
