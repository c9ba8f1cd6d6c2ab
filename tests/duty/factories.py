"""Roster builders for duty tests: a shift for someone in a scope, around a fixed handover."""

from __future__ import annotations

import datetime

from django.utils import timezone

from songnuan.duty import services
from songnuan.duty.models import DutyRole, DutyShift

HANDOVER = timezone.make_aware(datetime.datetime(2026, 12, 1, 8, 0))


def hours(n: float) -> datetime.timedelta:
    return datetime.timedelta(hours=n)


def make_shift(user, *, district=None, role: str = DutyRole.LEADER,
               starts_at: datetime.datetime = HANDOVER, length: float = 24) -> DutyShift:
    return services.save_shift(DutyShift(user=user, role=role, district=district,
                                         starts_at=starts_at, ends_at=starts_at + hours(length)))


def on_duty_around_now(user, *, district=None, role: str = DutyRole.LEADER) -> DutyShift:
    now = timezone.now()
    return make_shift(user, district=district, role=role, starts_at=now - hours(2), length=12)
