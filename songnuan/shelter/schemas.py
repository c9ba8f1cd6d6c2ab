from __future__ import annotations

import datetime
from decimal import Decimal

from ninja import Field, Schema


class StayOut(Schema):
    id: int
    person_id: int
    site_id: int
    zone_id: int | None
    bed_id: int | None
    route: str
    admitted_at: datetime.datetime
    limit_days: int
    due_at: datetime.datetime
    status: str
    condition: str
    items_held: str
    dangerous_items: str
    outcome: str
    destination: str
    discharged_at: datetime.datetime | None
    # Health screening: only with the sensitive-data permission.
    temperature_c: Decimal | None = None
    infectious_symptoms: bool | None = None
    mental_illness_signs: bool | None = None


class StayPatch(Schema):
    items_held: str | None = Field(None, max_length=2000)
    dangerous_items: str | None = Field(None, max_length=2000)


class ArrivalIn(Schema):
    site_id: int
    person_id: int | None = None
    description: str = Field("", max_length=200)
    coming_from: str = Field("", max_length=100)
    expected_at: datetime.datetime | None = None
    source: str = Field("", max_length=100)


class ArrivalOut(Schema):
    id: int
    site_id: int
    person_id: int | None
    description: str
    coming_from: str
    expected_at: datetime.datetime
    status: str


class ZoneBoardOut(Schema):
    id: int
    site_id: int
    name: str
    sex: str
    age_group: str
    condition: str
    beds: int
    taken: int
