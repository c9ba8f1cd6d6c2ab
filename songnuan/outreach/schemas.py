from __future__ import annotations

import datetime

from ninja import Field, Schema

from songnuan.geo.coords import CoordSystem


class HotspotOut(Schema):
    id: int
    name: str
    place_type: str
    lat: float
    lon: float
    district_id: int
    address: str
    risk_level: int
    patrols_per_night: int
    patrols_per_night_protocol: int
    is_active: bool


class NearestHotspotOut(Schema):
    hotspot: HotspotOut | None
    distance_m: float | None


class FieldProblem(Schema):
    field: str
    message: str


class Refusal(Schema):
    """Why an action was refused, in the caller's language, with the field it concerns."""

    message: str
    errors: list[FieldProblem] = []


class BoardTaskOut(Schema):
    id: int
    squad_id: int
    squad: str
    status: str


class BoardOptionOut(Schema):
    squad_id: int
    squad: str
    district: str
    eta_min: int = Field(description="minutes until the squad can be on the scene")
    travel_min: int
    queue_min: int = Field(description="minutes to finish the tasks it already carries")
    mutual_aid: bool = Field(description="a squad of another district")


class BoardSuggestionOut(BoardOptionOut):
    reason: str


class BoardProtocolOut(Schema):
    district_id: int
    district: str
    level: int
    level_label: str
    tone: str
    assign_within_min: int
    arrive_within_min: int


class BoardReserveOut(Schema):
    id: int
    name: str


class BoardCapacityAlertOut(Schema):
    district_id: int
    district: str
    waiting: int = Field(description="waiting leads the squads on shift cannot reach in time")
    squads_missing: int
    reserves: list[BoardReserveOut]
    message: str


class BoardPlanOut(Schema):
    solver: str = Field(description="routing, or greedy when the search found nothing better")
    fell_back: bool = Field(description="the search ran out of time: the greedy plan stands")


class BoardLeadOut(Schema):
    id: int
    tracking_code: str
    status: str
    status_label: str
    priority: int
    lat: float | None
    lon: float | None
    place: str
    district_id: int | None
    people_count: int
    flags: list[str]
    received_at: str
    age_min: int
    overdue: str | None = Field(description="assignment or arrival, when late")
    overdue_label: str
    overdue_min: int
    needs_location: bool = Field(description="no coordinates: the place must be set")
    task: BoardTaskOut | None
    suggestion: BoardSuggestionOut | None = Field(description="the squad tonight's plan gives it")
    suggestions: list[BoardOptionOut] = Field(description="squads that can take it, soonest first")
    assign_now: bool = Field(description="the plan sends its squad now")


class BoardSquadOut(Schema):
    id: int
    name: str
    district_id: int
    district: str
    vehicle: str
    on_shift: bool
    load: int
    capacity: int
    lat: float
    lon: float
    seen_at: str | None
    status: str = Field(description="available, busy, full or off_shift")
    duty_status: str = Field(description="on_duty, on_break, out_of_service or reserve")


class BoardFollowUpOut(Schema):
    id: int
    place: str
    lat: float
    lon: float
    due_at: str
    is_due: bool
    person_id: int | None
    district_id: int


class BoardOut(Schema):
    now: str
    protocol: list[BoardProtocolOut]
    plan: BoardPlanOut
    capacity_alerts: list[BoardCapacityAlertOut]
    leads: list[BoardLeadOut]
    follow_ups: list[BoardFollowUpOut]
    squads: list[BoardSquadOut]


class AssignIn(Schema):
    squad_id: int | None = Field(None, description="the suggested squad when left out")


class TaskOut(Schema):
    id: int
    kind: str
    status: str
    squad_id: int
    squad: str
    lead: str | None = Field(description="the lead's tracking code")
    place: str
    lat: float | None
    lon: float | None
    reason: str
    eta_min: int | None
    is_mutual_aid: bool
    assigned_at: datetime.datetime
    accepted_at: datetime.datetime | None
    arrived_at: datetime.datetime | None


class PositionIn(Schema):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    coord: CoordSystem = CoordSystem.WGS84


class PositionOut(Schema):
    squads: int = Field(description="on-duty squads of the caller that took the position")
