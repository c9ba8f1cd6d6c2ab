"""The leads API's shapes: what the public sends and sees, and what staff see."""

from __future__ import annotations

import datetime
from typing import Literal

from django.core.exceptions import ValidationError
from ninja import Field, Schema
from pydantic import field_validator

from songnuan.leads.models import Flag, LeadStatus, Outcome
from songnuan.notify.phones import normalize_mobile

REQUEST_ID_PATTERN = r"^[A-Za-z0-9._:\-]{8,64}$"


class LeadIn(Schema):
    client_request_id: str = Field(
        pattern=REQUEST_ID_PATTERN, description="A new id per report; resend it on retry."
    )
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    coord: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
    place: str = Field("", max_length=200, description="A typed place, when there are no "
                                                       "coordinates or to help find the spot.")
    description: str = Field("", max_length=1000)
    people_count: int = Field(1, ge=1, le=50)
    flags: list[Flag] = Field(default_factory=list, max_length=len(Flag.values))
    reporter_phone: str | None = Field(None, max_length=20)

    @field_validator("reporter_phone")
    @classmethod
    def mobile_number(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        try:
            return normalize_mobile(value)
        except ValidationError as error:
            raise ValueError(error.messages[0]) from None


class LeadAck(Schema):
    tracking_code: str
    status: str
    status_url: str


class LeadPublicOut(Schema):
    tracking_code: str
    status: str = Field(description="received, on_the_way, on_scene, helped, refused, hospital, "
                                    "not_found or closed")
    status_label: str
    status_detail: str
    received_at: datetime.datetime
    updated_at: datetime.datetime
    people_count: int
    place: str
    district: str | None
    linked_to_earlier_report: bool
    reward_available: bool


class ReasonOut(Schema):
    code: str
    points: int
    text: str


class LeadStaffOut(Schema):
    id: int
    tracking_code: str
    source: str
    status: str
    outcome: str
    lat: float | None
    lon: float | None
    place: str
    district_id: int | None
    hotspot_id: int | None
    people_count: int
    flags: list[str]
    in_danger: bool = Field(description="lying on the ground, injured or ill, a child, or an old "
                                        "person not dressed for the cold: the queue and the "
                                        "night's plan weigh it DISPATCH_DANGER_WEIGHT times "
                                        "its priority")
    description: str
    organisation_id: int | None
    priority: int
    priority_reasons: list[ReasonOut]
    duplicate_of: str | None
    duplicates: list[str]
    received_at: datetime.datetime
    updated_at: datetime.datetime


class LeadPatch(Schema):
    place: str | None = Field(None, max_length=200)
    description: str | None = Field(None, max_length=1000)
    people_count: int | None = Field(None, ge=1, le=50)
    flags: list[Flag] | None = None


class StatusIn(Schema):
    status: LeadStatus
    outcome: Outcome | Literal[""] = ""
    note: str = Field("", max_length=500)


class InvalidIn(Schema):
    reason: str = Field(min_length=1, max_length=500)
    prank: bool = False


class LocationIn(Schema):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    coord: Literal["wgs84", "gcj02", "bd09"] = "wgs84"
    source: Literal["coordinates", "gazetteer", "site", "hotspot", "geocoder", "pin"] = Field(
        "coordinates", description="Where the point came from: a resolved candidate's source, "
                                   "a pin, or coordinates.")
