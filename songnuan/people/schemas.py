from __future__ import annotations

import datetime

from ninja import Field, Schema


class PersonOut(Schema):
    id: int
    name: str
    alias: str
    self_name: str
    sex: str
    birth_date: datetime.date | None
    birth_year: int | None
    age: int | None
    native_place: str
    dialect: str
    categories: list[str]
    flags: list[str]
    status: str
    risk_level: str
    risk_reasons: list[str]
    district_id: int | None
    current_site_id: int | None
    merged_into_id: int | None
    has_id_number: bool
    # Only for staff with the sensitive-data permission (and each read is logged).
    id_number: str | None = None
    id_region: str | None = None

    # Never read from the model (that would decrypt for anyone): the handler puts them in a
    # dict for permitted staff only.
    @staticmethod
    def resolve_id_number(obj) -> str | None:
        return obj.get("id_number") if isinstance(obj, dict) else None

    @staticmethod
    def resolve_id_region(obj) -> str | None:
        return obj.get("id_region") if isinstance(obj, dict) else None


class PersonPatch(Schema):
    name: str | None = Field(None, max_length=50)
    alias: str | None = Field(None, max_length=50)
    self_name: str | None = Field(None, max_length=50)
    native_place: str | None = Field(None, max_length=100)
    dialect: str | None = Field(None, max_length=50)
    status: str | None = None
    id_number: str | None = Field(None, max_length=24)


class TimelineOut(Schema):
    at: datetime.datetime
    kind: str
    title: str
    detail: str
    url: str
