"""Builders for incident tests: a roster around a fixed moment and a report made at it."""

from __future__ import annotations

import uuid

from songnuan.duty.models import DutyRole
from songnuan.incidents import services
from songnuan.incidents.models import Kind, Level
from tests.duty.factories import HANDOVER, hours, make_shift
from tests.factories import LAOSHAN, district

REPORTED = HANDOVER + hours(1)  # 09:00 on the roster's day


def minutes(n: float):
    return hours(n / 60)


def laoshan_roster(cast) -> None:
    """崂山区's leader on duty is 王芳 (its administrator); the city's duty officer 郑强 and the
    city's leader on duty 周建国."""
    make_shift(cast.laoshan_admin, district=district(LAOSHAN))
    make_shift(cast.centre_dispatcher, role=DutyRole.OFFICER)
    make_shift(cast.city_admin, role=DutyRole.LEADER)


def report(by, *, kind: str = Kind.COLD_INJURY, level: str = Level.SERIOUS, at=REPORTED,
           **fields):
    fields.setdefault("district", district(LAOSHAN))
    fields.setdefault("place", "张村河桥洞")
    data = services.IncidentInput(client_request_id=uuid.uuid4().hex, kind=kind, level=level,
                                  **fields)
    incident, created = services.report(data, by=by, now=at)
    assert created
    return incident
