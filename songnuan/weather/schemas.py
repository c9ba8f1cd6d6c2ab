from __future__ import annotations

import datetime
from typing import Any

from ninja import Schema


class ProtocolOut(Schema):
    district_code: str
    district: str
    level: int
    level_label: str
    rule: str
    reason: str
    since: datetime.datetime | None
    until: datetime.datetime | None
    is_override: bool
    temperature_c: float | None


class WarningOut(Schema):
    id: int
    reference: str
    district_code: str
    type: str
    level: int
    issued_at: datetime.datetime
    valid_from: datetime.datetime
    valid_until: datetime.datetime
    lifted_at: datetime.datetime | None

    @staticmethod
    def resolve_district_code(obj) -> str:
        return obj.district.code

    @staticmethod
    def resolve_lifted_at(obj) -> datetime.datetime | None:
        return obj.cancelled_at


class ImportIn(Schema):
    forecasts: list[dict[str, Any]] = []
    warnings: list[dict[str, Any]] = []


class ImportOut(Schema):
    forecasts: int
    warnings: int
    changed_districts: int


class CampaignOut(Schema):
    id: int
    name: str
    starts_on: datetime.date
    planned_end_on: datetime.date
    ends_on: datetime.date
