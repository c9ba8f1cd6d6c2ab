"""Typed shapes of the outreach staff API: the board, tasks, squads, encounters and changes."""

from __future__ import annotations

import datetime

from ninja import Field, Schema

from songnuan.geo.coords import CoordSystem
from songnuan.outreach.models import DutyStatus, EncounterOutcome, LookInAnswer
from songnuan.people.models import Sex

KEY_FIELD = Field(None, min_length=8, max_length=64, pattern=r"^[A-Za-z0-9_.:-]+$",
                  description="idempotency key, when the Idempotency-Key header is not sent")
CLIENT_AT_FIELD = Field(None, description="when it happened by the phone's clock (ISO 8601); "
                        "at most 2 minutes ahead of the server and 12 hours behind")


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
    assign_within_min: int = Field(description="a lead waiting longer for a squad is overdue")
    arrive_within_min: int = Field(description="a squad taking longer to arrive is overdue")


class BoardReserveOut(Schema):
    id: int
    name: str


class BoardGatheringOut(Schema):
    id: int
    name: str
    ready_at: str = Field(description="local time (HH:MM) from which it can be sent")


class BoardNearestSquadOut(Schema):
    id: int
    name: str
    district: str
    drive_min: int = Field(description="minutes' drive to the district's centre")
    wait_lat: float = Field(description="where it would wait there (WGS-84): the district's "
                                        "riskiest hotspot, else its centre")
    wait_lon: float
    wait_place: str
    last_of_its_district: bool = Field(description="sending it would leave its own district "
                                                   "without a squad: not offered")
    may_send: bool = Field(description="whether the caller may send it there "
                                       "(POST /dispatch/squads/{id}/standby)")


class BoardCapacityAlertOut(Schema):
    district_id: int
    district: str
    waiting: int = Field(description="waiting leads the squads on shift cannot reach in time")
    squads_missing: int
    reserves: list[BoardReserveOut]
    gathering: list[BoardGatheringOut] = Field(
        description="squads called on whose crews are still gathering")
    still_missing: int = Field(description="squads missing beyond those gathering")
    message: str
    nearest: BoardNearestSquadOut | None = Field(
        None, description="for a district no squad on shift can reach in time: the nearest")


class BoardPlanOut(Schema):
    solver: str = Field(description="routing, or greedy when the search found nothing better")
    fell_back: bool = Field(description="the search ran out of time: the greedy plan stands")


class BoardMergedOut(Schema):
    tracking_code: str
    place: str
    lat: float | None
    lon: float | None
    received_at: str
    time: str = Field(description="local time received, HH:MM")
    people_count: int


class BoardHelpOut(Schema):
    site_id: int
    name: str
    level: str
    level_label: str
    phone: str
    lat: float
    lon: float
    distance_m: int
    unanswered: int = Field(description="requests to this site about other people it has not "
                                        "answered yet (its staff may be out on them)")
    asked_at: str | None = Field(description="local time (HH:MM) it was asked to look in, "
                                             "within the hour")
    answered_at: str | None = Field(description="local time (HH:MM) the site answered")
    answer: str = Field(description="what the site found: brought_in, stays_out, not_there; "
                                    "empty until it answers")
    answer_label: str
    answer_note: str


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
    in_danger: bool = Field(description="lying on the ground, injured or ill, a child, or an old "
                                        "person not dressed for the cold: the plan weighs it "
                                        "DISPATCH_DANGER_WEIGHT times its priority")
    received_at: str
    age_min: int
    overdue: str | None = Field(description="assignment or arrival, when late")
    overdue_label: str
    overdue_min: int
    needs_location: bool = Field(description="no coordinates: the place must be set")
    merged: list[BoardMergedOut] = Field(description="reports merged into it, oldest first")
    nearby: list[int] = Field(description="open leads linked to it as nearby (one squad may "
                                          "take them together)")
    task: BoardTaskOut | None
    suggestion: BoardSuggestionOut | None = Field(description="the squad tonight's plan gives it")
    suggestions: list[BoardOptionOut] = Field(description="squads that can take it, soonest first")
    assign_now: bool = Field(description="the plan sends its squad now")
    help_nearby: list[BoardHelpOut] = Field(
        description="waiting with no squad able to be there within the on-scene limit: the open "
                    "sites nearest the person (within 5 km), to ask to look in meanwhile")


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
    standby_place: str = Field(description="where it was last told to wait (empty: nowhere)")
    standby_for_the_night: bool = Field(description="sent there for the night")


class BoardStandbyOut(Schema):
    squad_id: int
    squad: str
    district: str
    place: str = Field(description="a hotspot, or a district for its centre")
    lat: float
    lon: float
    drive_min: int


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
    protocol: list[BoardProtocolOut] = Field(
        description="per district: the cold-weather protocol level and the thresholds it sets")
    plan: BoardPlanOut
    capacity_alerts: list[BoardCapacityAlertOut]
    standby: list[BoardStandbyOut] = Field(
        description="squads with nothing to do that would be nearer the next reports elsewhere")
    leads: list[BoardLeadOut]
    follow_ups: list[BoardFollowUpOut]
    squads: list[BoardSquadOut]


class AssignIn(Schema):
    squad_id: int | None = Field(None, description="the suggested squad when left out")
    client_request_id: str | None = KEY_FIELD


class ReasonIn(Schema):
    reason: str = Field(min_length=1, max_length=200)
    client_request_id: str | None = KEY_FIELD


class LookInIn(Schema):
    site_id: int = Field(description="one of the lead's `help_nearby` sites on the board")
    client_request_id: str | None = KEY_FIELD


class LookInOut(Schema):
    lead: str = Field(description="the lead's tracking code")
    site_id: int
    site: str
    asked_at: datetime.datetime


class LookInAnswerIn(Schema):
    answer: LookInAnswer = Field(description="what the site's staff found: brought_in (the lead "
                                             "is resolved), stays_out (supplies left), not_there")
    note: str = Field("", max_length=300)
    client_request_id: str | None = KEY_FIELD


class LookInRequestOut(Schema):
    """A request to one of the caller's sites to look in on someone, as the site's page shows."""

    id: int
    site_id: int
    site: str
    lead: str = Field(description="the lead's tracking code")
    place: str
    lat: float | None
    lon: float | None
    distance_m: int | None = Field(description="from the site to the person, when placed")
    people_count: int
    flags: list[str]
    description: str
    asked_at: datetime.datetime
    asked_by: str
    still_out: bool = Field(description="false once the lead was closed by someone else")
    answer: str = Field(description="brought_in, stays_out or not_there; empty until answered")
    answer_note: str
    answered_at: datetime.datetime | None


class LookInsOut(Schema):
    waiting: list[LookInRequestOut] = Field(description="unanswered, about someone still out, "
                                                        "newest first")
    done: list[LookInRequestOut] = Field(description="answered, or closed meanwhile, within "
                                                     "the day")


class StepIn(Schema):
    client_at: datetime.datetime | None = CLIENT_AT_FIELD
    client_request_id: str | None = KEY_FIELD


class DeclineIn(ReasonIn):
    client_at: datetime.datetime | None = CLIENT_AT_FIELD


class DutyStatusIn(Schema):
    duty_status: DutyStatus
    client_request_id: str | None = KEY_FIELD


class StandbyIn(Schema):
    lat: float = Field(ge=-90, le=90, description="WGS-84")
    lon: float = Field(ge=-180, le=180)
    place: str = Field(min_length=1, max_length=120)
    for_the_night: bool = Field(False, description="sent there for the night (to a district "
                                "no squad can reach): its tasks do not end the order")
    client_request_id: str | None = KEY_FIELD


class TaskOut(Schema):
    id: int
    kind: str
    status: str
    squad_id: int
    squad: str
    district_id: int
    lead: str | None = Field(description="the lead's tracking code")
    follow_up_id: int | None
    place: str
    lat: float | None = Field(description="empty for a lead known only by its district")
    lon: float | None
    people_count: int | None = Field(description="people reported at the place")
    flags: list[str] = Field(description="what the reporter saw (lying down, elderly, ...)")
    description: str
    reason: str = Field(description="why this squad")
    eta_min: int | None
    is_mutual_aid: bool
    assigned_at: datetime.datetime
    accepted_at: datetime.datetime | None
    accepted_client_at: datetime.datetime | None
    arrived_at: datetime.datetime | None
    arrived_client_at: datetime.datetime | None
    closed_at: datetime.datetime | None
    closed_client_at: datetime.datetime | None
    closed_reason: str
    updated_at: datetime.datetime


class SceneReportOut(Schema):
    tracking_code: str
    received_at: datetime.datetime
    people_count: int
    flags: list[str]
    description: str


class SceneNearbyOut(SceneReportOut):
    distance_m: int
    probability: float | None = Field(description="the chance intake gave that they are the "
                                                  "same people")
    squad: str = Field(description="the squad on it; empty while none is")
    squad_is_there: bool


class MetHereOut(Schema):
    at: datetime.datetime
    distance_m: int
    squad: str
    outcome: str
    people_count: int


class TaskDetailOut(TaskOut):
    merged: list[SceneReportOut] = Field(
        description="further reports of the same people, oldest first; one about someone else "
                    "is split off with …/merged/{tracking_code}/someone-else")
    nearby: list[SceneNearbyOut] = Field(
        description="open leads linked nearby, nearest first; one about the people the squad "
                    "found is merged with …/nearby/{tracking_code}/same-people")
    met_here: list[MetHereOut] = Field(
        description="what squads found within 300 m in the last 12 hours, latest first (never "
                    "who the people were)")


class PositionIn(Schema):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    coord: CoordSystem = CoordSystem.WGS84
    client_at: datetime.datetime | None = CLIENT_AT_FIELD
    client_request_id: str | None = KEY_FIELD


class PositionOut(Schema):
    squads: int = Field(description="on-duty squads of the caller that took the position")


class PersonMetIn(Schema):
    """One person met: `person_id` of a known file, or what is needed to open one."""

    person_id: int | None = None
    sex: Sex = Sex.UNKNOWN
    age_estimate: int | None = Field(None, ge=1, le=119)
    name: str = Field("", max_length=50, description="the name they give")
    outcome: EncounterOutcome | None = Field(None, description="the encounter's when left out")
    supplies: dict[int, int] = Field({}, description="supply item id -> how many handed over")
    photo: str | None = Field(None, description="a JPEG, PNG or WebP photo in base64")


class EncounterIn(Schema):
    outcome: EncounterOutcome | None = Field(
        None, description="needed when nobody was met (not found, false report)")
    people: list[PersonMetIn] = Field([], max_length=5)
    site_id: int | None = Field(None, description="the site they are escorted to")
    hospital: str = Field("", max_length=100)
    contact_card_left: bool = False
    note: str = Field("", max_length=1000)
    client_at: datetime.datetime | None = CLIENT_AT_FIELD
    client_request_id: str | None = KEY_FIELD


class EncounterOut(Schema):
    id: int
    outcome: str
    at: datetime.datetime = Field(description="when it happened, by the squad's clock")
    recorded_at: datetime.datetime
    person_ids: list[int]
    warning: str = Field(description="supplies the squad's stock was short of")
    task: TaskOut


class CrewOut(Schema):
    user_id: int
    name: str
    agency: str
    agency_label: str
    is_leader: bool


class SquadOut(Schema):
    id: int
    name: str
    district_id: int
    district: str
    vehicle: str
    phone: str
    duty_status: str = Field(description="on_duty, on_break, out_of_service or reserve")
    duty_status_label: str
    on_shift: bool
    load: int
    capacity: int
    lat: float
    lon: float
    seen_at: datetime.datetime | None
    standby_place: str = Field(description="where it was last told to wait (empty: nowhere)")
    standby_lat: float | None
    standby_lon: float | None
    standby_since: datetime.datetime | None
    standby_for_the_night: bool = Field(description="sent there for the night: goes back "
                                        "there after each task")
    crew: list[CrewOut]
    updated_at: datetime.datetime


class ChangedLeadOut(Schema):
    id: int
    tracking_code: str
    status: str
    status_label: str
    is_open: bool
    priority: int
    lat: float | None
    lon: float | None
    place: str
    district_id: int | None
    people_count: int
    flags: list[str]
    description: str
    received_at: datetime.datetime
    updated_at: datetime.datetime


class ChangesOut(Schema):
    """What changed since the cursor sent; send `cursor` back to continue. A row may come twice
    (rows changed in the last seconds are sent again): apply them by id."""

    cursor: str
    more: bool = Field(description="more changes are waiting: ask again at once")
    leads: list[ChangedLeadOut]
    tasks: list[TaskOut]
    squads: list[SquadOut]


class MyChangesOut(Schema):
    cursor: str
    more: bool
    tasks: list[TaskOut]
