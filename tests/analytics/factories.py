"""Rows with exact times for the analytics tests: every figure is checked against hand counts."""

from __future__ import annotations

import datetime
import itertools
import math
import uuid

from django.utils import timezone

from songnuan.leads.models import Lead, LeadStatus, Source
from songnuan.outreach.models import Encounter, EncounterPerson, Hotspot, Task, TaskKind
from songnuan.people.models import Person
from songnuan.supplies.models import ItemKind, Movement, MovementKind, Stock, SupplyItem
from tests.factories import district

_serial = itertools.count(1)
# 市南区: 青岛火车站广场 and 栈桥, about 1 km apart.
STATION = (36.0645, 120.3125)
ZHANQIAO = (36.0620, 120.3210)


def at(text: str) -> datetime.datetime:
    """A local Qingdao time such as "2027-01-11 23:30"."""
    return timezone.make_aware(datetime.datetime.fromisoformat(text))


def lead(when: str, code: str = "370202", where=STATION, place: str = "火车站广场",
         **fields) -> Lead:
    return Lead.objects.create(source=Source.HOTLINE, district=district(code), lat=where[0],
                               lon=where[1], place=place, received_at=at(when), **fields)


def duplicate_of(original: Lead, when: str) -> Lead:
    return lead(when, original.district.code, status=LeadStatus.DUPLICATE, duplicate_of=original)


def task(of: Lead, squad, assigned_min: float, arrived_min: float | None = None,
         client_arrived_min: float | None = None, status: str = "done") -> Task:
    def later(minutes):
        return None if minutes is None else of.received_at + datetime.timedelta(minutes=minutes)

    return Task.objects.create(kind=TaskKind.LEAD, lead=of, squad=squad, district=of.district,
                               status=status, assigned_at=later(assigned_min),
                               arrived_at=later(arrived_min),
                               arrived_client_at=later(client_arrived_min))


def person(name: str, code: str = "370202") -> Person:
    return Person.objects.create(name=name, district=district(code))


def encounter(squad, when: str, outcome: str, people=(), where=STATION,
              code: str = "370202", place: str = "火车站广场") -> Encounter:
    found = Encounter.objects.create(
        client_request_id=uuid.uuid4().hex, squad=squad, district=district(code), lat=where[0],
        lon=where[1], place=place, at=at(when), outcome=outcome)
    for someone, their_outcome in people:
        EncounterPerson.objects.create(encounter=found, person=someone, outcome=their_outcome)
    return found


def give_supplies(squad, to: Encounter, someone: Person | None) -> Movement:
    item, _new = SupplyItem.objects.get_or_create(name="棉被", defaults={
"kind": ItemKind.QUILT, "unit": "床"})
    stock, _new = Stock.objects.get_or_create(item=item, squad=squad, district=squad.district)
    return Movement.objects.create(stock=stock, kind=MovementKind.ISSUE, change=-1, balance=0,
                                   person=someone, encounter=to, at=to.at)


def hotspot(name: str, where, code: str = "370202") -> Hotspot:
    return Hotspot.objects.create(name=name, place_type="station", lat=where[0], lon=where[1],
                                  district=district(code))


def offset(where, north_m: float = 0, east_m: float = 0) -> tuple[float, float]:
    """A point some metres north and east of another (good enough at these distances)."""
    lat = where[0] + north_m / 111_195
    lon = where[1] + east_m / (111_195 * math.cos(math.radians(where[0])))
    return lat, lon


def serial() -> int:
    return next(_serial)
