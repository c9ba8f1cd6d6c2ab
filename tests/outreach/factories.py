"""Builders for outreach tests: a squad on shift with members, a lead assigned to it."""

from __future__ import annotations

import datetime
import itertools
import uuid

from django.utils import timezone

from songnuan.outreach import dispatch
from songnuan.outreach.models import Agency, DutyStatus, Shift, Squad, SquadMember
from tests.factories import district
from tests.leads.factories import SHINAN_STATION_SQUARE, report

_serial = itertools.count(1)


def make_squad(name: str | None = None, *, district_code: str = "370202",
               at: tuple[float, float] = SHINAN_STATION_SQUARE, on_shift: bool = True,
               members=(), capacity: int = 3) -> Squad:
    squad = Squad.objects.create(
        name=name or f"救助{next(_serial)}队", district=district(district_code),
        base_lat=at[0], base_lon=at[1], last_lat=at[0], last_lon=at[1],
        duty_status=DutyStatus.ON_DUTY if on_shift else DutyStatus.OUT_OF_SERVICE,
        capacity=capacity, vehicle="鲁B·12345")
    now = timezone.now()
    Shift.objects.create(squad=squad, starts_at=now - datetime.timedelta(hours=2),
                         ends_at=now + datetime.timedelta(hours=6))
    for user in members:
        SquadMember.objects.create(squad=squad, user=user, agency=Agency.CIVIL_AFFAIRS)
    return squad


def assigned_task(squad: Squad, by, **lead_fields):
    lead = report(**lead_fields)
    return dispatch.assign_lead(lead, squad, by=by)


def encounter_input(outcome: str, **fields) -> dispatch.EncounterInput:
    fields.setdefault("client_request_id", uuid.uuid4().hex)
    return dispatch.EncounterInput(outcome=outcome, **fields)
