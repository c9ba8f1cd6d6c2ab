"""Staff API: the hotspot registry; for dispatchers the board, assignment, taking tasks back,
squads and a change feed; for patrollers their tasks, each step, the encounter and their
position. Same scoping and permissions as the pages.

Every action a client may retry takes an idempotency key (`Idempotency-Key` header or
`client_request_id`): a retry gets the first answer again. Every patroller action takes the
phone's own time (`client_at`), so an offline queue replayed later lands with its own times.
"""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Prefetch, Q
from django.http import HttpRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from songnuan.accounts.api_auth import staff_auth
from songnuan.accounts.roles import ANSWER_LOOK_IN
from songnuan.api.responses import ErrorOut
from songnuan.geo.coords import CoordError, CoordSystem, to_wgs84
from songnuan.images import ScrubbedPhoto
from songnuan.leads.models import OPEN_STATUSES, Lead, LeadStatus
from songnuan.leads.photos import clean_photo
from songnuan.network.models import Site
from songnuan.outreach import (
    board,
    changes,
    dispatch,
    help_nearby,
    night_plan,
    paging,
    receipts,
)
from songnuan.outreach.models import (
    ACTIVE_TASK_STATUSES,
    DutyStatus,
    FollowUp,
    Hotspot,
    LookIn,
    Squad,
    SquadMember,
    Task,
)
from songnuan.outreach.schemas import (
    AssignIn,
    BoardOut,
    ChangesOut,
    DeclineIn,
    DutyStatusIn,
    EncounterIn,
    EncounterOut,
    HotspotOut,
    LookInAnswerIn,
    LookInIn,
    LookInOut,
    LookInRequestOut,
    LookInsOut,
    MyChangesOut,
    NearestHotspotOut,
    PositionIn,
    PositionOut,
    ReasonIn,
    SquadOut,
    StandbyIn,
    StepIn,
    TaskDetailOut,
    TaskOut,
)
from songnuan.outreach.squads import send_to_standby as tell_where_to_wait
from songnuan.places import sources as places
from songnuan.refusals import Conflict, Refused

router = Router(tags=["outreach"], auth=staff_auth)
MAX_RADIUS_M = 20_000


class CursorQuery(Schema):
    cursor: str | None = SchemaField(None, description="the cursor of the previous answer")


class NearestQuery(Schema):
    lat: float = SchemaField(ge=-90, le=90)
    lon: float = SchemaField(ge=-180, le=180)
    coord: CoordSystem = CoordSystem.WGS84
    radius_m: float = SchemaField(500, gt=0, le=MAX_RADIUS_M)


@router.get("/hotspots", response=list[HotspotOut])
def list_hotspots(request: HttpRequest):
    return Hotspot.objects.restrict(request.user, "view").filter(is_active=True)


@router.get("/hotspots/nearest", response={200: NearestHotspotOut, 422: dict})
def nearest(request: HttpRequest, query: Query[NearestQuery]):
    try:
        lat, lon = to_wgs84(query.lat, query.lon, query.coord)
    except CoordError as error:
        message = str(error)
        return Status(422, {"message": message, "errors": [{"field": "lat", "message": message}]})
    found = places.nearest("hotspot", lat, lon, query.radius_m)
    if found is None or not Hotspot.objects.restrict(request.user, "view").filter(
        pk=found[0].pk
    ).exists():
        return {"hotspot": None, "distance_m": None}
    return {"hotspot": found[0], "distance_m": round(found[1], 1)}


@router.get("/hotspots/{hotspot_id}", response=HotspotOut)
def get_hotspot(request: HttpRequest, hotspot_id: int):
    return get_object_or_404(Hotspot.objects.restrict(request.user, "view"), pk=hotspot_id)


# ------------------------------------------------------------------ answers

DISPATCHER_PERMS = ("outreach.add_task", "leads.change_lead")
Answer = receipts.Answer


def _require(request: HttpRequest, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise HttpError(403, _("You may not do this."))


def _once(request: HttpRequest, payload: Any, action: str, target: str,
          act: Callable[[], Answer]) -> Status:
    """Run an action once per idempotency key; a refusal for the input is a 422, one for the
    state of things (taken, closed, moved) a 409, kept with the key like a success (a malformed
    or reused key is refused by the API's handler)."""
    def attempt() -> Answer:
        try:
            return act()
        except Refused as refused:
            return refused.status, refused.body()

    key = receipts.key_of(request, payload)
    return Status(*receipts.answer_once(request.user, key, action, target, attempt))


def _task_out(task: Task) -> dict:
    lead = task.lead if task.lead_id else None
    return {"id": task.pk, "kind": task.kind, "status": task.status, "squad_id": task.squad_id,
            "squad": task.squad.name, "district_id": task.district_id,
            "lead": lead.tracking_code if lead else None, "follow_up_id": task.follow_up_id,
            "place": task.place, "lat": task.lat, "lon": task.lon,
            "people_count": lead.people_count if lead else None,
            "flags": lead.flags if lead else [], "description": lead.description if lead else "",
            "reason": task.reason, "eta_min": task.eta_min, "is_mutual_aid": task.is_mutual_aid,
            "assigned_at": task.assigned_at, "accepted_at": task.accepted_at,
            "accepted_client_at": task.accepted_client_at, "arrived_at": task.arrived_at,
            "arrived_client_at": task.arrived_client_at, "closed_at": task.closed_at,
            "closed_client_at": task.closed_client_at, "closed_reason": task.closed_reason,
            "updated_at": task.updated_at}


def _task_answer(status: int, task: Task) -> Answer:
    return status, _task_out(Task.objects.select_related("squad", "lead").get(pk=task.pk))


def _squads_out(squads) -> list[dict]:
    rows = list(squads.select_related("district").prefetch_related(Prefetch(
        "members", SquadMember.objects.select_related("user").order_by("-is_leader", "pk"))))
    on_shift = dispatch.squads_on_shift(rows, timezone.now())
    loads = dispatch.squad_loads([squad.pk for squad in rows])
    out = []
    for squad in rows:
        lat, lon = squad.position()
        out.append({
            "id": squad.pk, "name": squad.name, "district_id": squad.district_id,
            "district": squad.district.name, "vehicle": squad.vehicle, "phone": squad.phone,
            "duty_status": squad.duty_status, "duty_status_label": squad.get_duty_status_display(),
            "on_shift": squad.pk in on_shift, "load": loads.get(squad.pk, 0),
            "capacity": squad.capacity, "lat": lat, "lon": lon, "seen_at": squad.last_seen_at,
            "standby_place": squad.standby_place, "standby_lat": squad.standby_lat,
            "standby_lon": squad.standby_lon, "standby_since": squad.standby_since,
            "standby_for_the_night": squad.standby_for_the_night,
            "crew": [{"user_id": member.user_id, "name": member.user.get_full_name(),
                      "agency": member.agency, "agency_label": member.get_agency_display(),
                      "is_leader": member.is_leader} for member in squad.members.all()],
            "updated_at": squad.updated_at,
        })
    return out


def _lead_out(lead: Lead) -> dict:
    return {"id": lead.pk, "tracking_code": lead.tracking_code, "status": lead.status,
            "status_label": lead.get_status_display(), "is_open": lead.is_open,
            "priority": lead.priority, "lat": lead.lat, "lon": lead.lon, "place": lead.place,
            "district_id": lead.district_id, "people_count": lead.people_count,
            "flags": lead.flags, "description": lead.description,
            "received_at": lead.received_at, "updated_at": lead.updated_at}


# ------------------------------------------------------------------ dispatchers

@router.get("/dispatch/board", response=BoardOut)
def get_board(request: HttpRequest):
    """The dispatch board's data: open leads by priority (with overdue timers and, at the head
    of the queue, a suggested squad), follow-ups coming due, squads with status and load, and
    per district the cold-weather protocol level with the thresholds it puts in force."""
    _require(request, *DISPATCHER_PERMS)
    return board.board_data(request.user)


@router.post("/dispatch/leads/{tracking_code}/assign",
             response={201: TaskOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def assign_lead(request: HttpRequest, tracking_code: str, payload: AssignIn):
    """Send a squad (the suggested one unless `squad_id` is given). When another dispatcher
    got there first the answer is 409 and names the squad already sent; a retry with the same
    idempotency key gets the first 201 and the same task."""
    _require(request, *DISPATCHER_PERMS)
    lead = get_object_or_404(Lead.objects.restrict(request.user, "change"),
                             tracking_code=tracking_code.strip().upper())
    if lead.district_id is None:
        raise Conflict(_("The lead has no location yet: set its place or its district first."),
                       "lead")

    def act() -> Answer:
        pick = night_plan.pick_squad(Squad.objects.restrict(request.user, "view"), lat=lead.lat,
                                     lon=lead.lon, district_id=lead.district_id, lead_id=lead.pk,
                                     picked=payload.squad_id)
        if pick is None:
            raise Conflict(_("No squad is available."), "squad_id")
        return _task_answer(201, dispatch.assign_lead(lead, pick.squad, by=request.user,
                                                      reason=pick.reason, eta_min=pick.eta_min))

    return _once(request, payload, "assign", f"lead:{lead.pk}", act)


@router.post("/dispatch/leads/{tracking_code}/look-in",
             response={201: LookInOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def ask_to_look_in(request: HttpRequest, tracking_code: str, payload: LookInIn):
    """Keep that a site near a lead no squad can reach in time was asked (by phone) to look in on
    the person, and write it into the lead's history. Asked again within the hour, the first
    request stands; a site not open now is a 409."""
    _require(request, *DISPATCHER_PERMS)
    lead = get_object_or_404(Lead.objects.restrict(request.user, "change"),
                             tracking_code=tracking_code.strip().upper())
    site = get_object_or_404(Site, pk=payload.site_id)

    def act() -> Answer:
        asked = help_nearby.ask_to_look_in(lead, site, by=request.user)
        return 201, {"lead": lead.tracking_code, "site_id": site.pk, "site": site.name,
                     "asked_at": asked.asked_at}

    return _once(request, payload, "look-in", f"lead:{lead.pk}", act)


@router.post("/dispatch/tasks/{task_id}/reassign",
             response={201: TaskOut, 409: ErrorOut, 422: ErrorOut})
def reassign(request: HttpRequest, task_id: int, payload: AssignIn):
    """Move a task the squad has not reached yet to another squad (the suggested one unless
    `squad_id` is given); the first squad's task is cancelled."""
    _require(request, *DISPATCHER_PERMS)
    task = get_object_or_404(Task.objects.restrict(request.user, "change"), pk=task_id)

    def act() -> Answer:
        pick = night_plan.pick_squad(Squad.objects.restrict(request.user, "view"), lat=task.lat,
                                     lon=task.lon, district_id=task.district_id,
                                     picked=payload.squad_id, exclude=task.squad_id)
        if pick is None:
            raise Conflict(_("No other squad is available."), "squad_id")
        return _task_answer(201, dispatch.reassign(task, pick.squad, by=request.user,
                                                   reason=pick.reason, eta_min=pick.eta_min))

    return _once(request, payload, "reassign", f"task:{task.pk}", act)


@router.post("/dispatch/tasks/{task_id}/cancel",
             response={200: TaskOut, 409: ErrorOut, 422: ErrorOut})
def cancel_task(request: HttpRequest, task_id: int, payload: ReasonIn):
    """The place no longer needs a squad (e.g. a false report): the task is cancelled, with
    a follow-up it served; a lead still open goes back to the waiting queue."""
    _require(request, *DISPATCHER_PERMS)
    task = get_object_or_404(Task.objects.restrict(request.user, "change"), pk=task_id)
    return _once(request, payload, "cancel", f"task:{task.pk}", lambda: _task_answer(
        200, dispatch.cancel_task(task, by=request.user, reason=payload.reason)))


@router.post("/dispatch/tasks/{task_id}/unassign",
             response={200: TaskOut, 409: ErrorOut, 422: ErrorOut})
def unassign(request: HttpRequest, task_id: int, payload: ReasonIn):
    """Take a task back from its squad; the lead or follow-up waits for another squad."""
    _require(request, *DISPATCHER_PERMS)
    task = get_object_or_404(Task.objects.restrict(request.user, "change"), pk=task_id)
    return _once(request, payload, "unassign", f"task:{task.pk}", lambda: _task_answer(
        200, dispatch.unassign(task, by=request.user, reason=payload.reason)))


@router.post("/dispatch/follow-ups/{follow_up_id}/assign",
             response={201: TaskOut, 409: ErrorOut, 422: ErrorOut})
def assign_follow_up(request: HttpRequest, follow_up_id: int, payload: AssignIn):
    """Send a squad to revisit someone who refused help (the suggested one unless `squad_id`
    is given)."""
    _require(request, *DISPATCHER_PERMS)
    follow_up = get_object_or_404(FollowUp.objects.restrict(request.user, "change"),
                                  pk=follow_up_id)

    def act() -> Answer:
        pick = night_plan.pick_squad(Squad.objects.restrict(request.user, "view"),
                                     lat=follow_up.lat, lon=follow_up.lon,
                                     district_id=follow_up.district_id, picked=payload.squad_id)
        if pick is None:
            raise Conflict(_("No squad is available."), "squad_id")
        return _task_answer(201, dispatch.assign_follow_up(
            follow_up, pick.squad, by=request.user, reason=pick.reason, eta_min=pick.eta_min))

    return _once(request, payload, "assign_follow_up", f"follow_up:{follow_up.pk}", act)


@router.get("/dispatch/squads", response=list[SquadOut])
def list_squads(request: HttpRequest):
    """The caller's squads: crew with names and agencies, duty status, whether on shift, open
    tasks against capacity, last known position."""
    _require(request, *DISPATCHER_PERMS)
    return _squads_out(Squad.objects.restrict(request.user, "view").filter(is_active=True)
                       .order_by("district__code", "name"))


@router.post("/dispatch/squads/{squad_id}/status",
             response={200: SquadOut, 409: ErrorOut, 422: ErrorOut})
def set_duty_status(request: HttpRequest, squad_id: int, payload: DutyStatusIn):
    """Put a squad on duty, on a break, in reserve or out of service (not with open tasks)."""
    _require(request, *DISPATCHER_PERMS)
    squads = Squad.objects.restrict(request.user, "change")
    squad = get_object_or_404(squads, pk=squad_id)

    def act() -> Answer:
        dispatch.set_duty_status(squad, payload.duty_status)
        return 200, _squads_out(squads.filter(pk=squad.pk))[0]

    return _once(request, payload, "duty_status", f"squad:{squad.pk}", act)


@router.post("/dispatch/squads/{squad_id}/standby",
             response={200: SquadOut, 409: ErrorOut, 422: ErrorOut})
def send_to_standby(request: HttpRequest, squad_id: int, payload: StandbyIn):
    """Tell a squad on duty where to wait until its next task (the board's `standby` suggests
    where)."""
    _require(request, *DISPATCHER_PERMS)
    squads = Squad.objects.restrict(request.user, "change")
    squad = get_object_or_404(squads, pk=squad_id)

    def act() -> Answer:
        tell_where_to_wait(squad, payload.lat, payload.lon, payload.place, by=request.user,
                           for_the_night=payload.for_the_night)
        return 200, _squads_out(squads.filter(pk=squad.pk))[0]

    return _once(request, payload, "standby", f"squad:{squad.pk}", act)


def _dispatch_changes(request: HttpRequest, cursor: str | None) -> dict:
    user = request.user
    squads = Squad.objects.restrict(user, "view").filter(is_active=True)
    found = changes.changes_since({
        "leads": changes.Source(
            Lead.objects.restrict(user, "view").exclude(status=LeadStatus.DUPLICATE),
            live=Q(status__in=OPEN_STATUSES)),
        "tasks": changes.Source(Task.objects.restrict(user, "view").select_related("squad", "lead"),
                                live=Q(status__in=ACTIVE_TASK_STATUSES)),
        "squads": changes.Source(squads, live=Q(), changed=lambda since: (
            Q(updated_at__gte=since) | Q(tasks__updated_at__gte=since))),
    }, cursor)
    squad_rows = {row["id"]: row for row in _squads_out(
        squads.filter(pk__in=[squad.pk for squad in found.rows["squads"]]))}
    return ChangesOut.model_validate({
        "cursor": found.cursor, "more": found.more,
        "leads": [_lead_out(lead) for lead in found.rows["leads"]],
        "tasks": [_task_out(task) for task in found.rows["tasks"]],
        "squads": [squad_rows[squad.pk] for squad in found.rows["squads"]],
    }).model_dump()  # times as objects: polled or streamed, they are encoded alike


@router.get("/dispatch/changes", response={200: ChangesOut, 422: ErrorOut})
def dispatch_changes(request: HttpRequest, query: Query[CursorQuery]):
    """Leads, tasks and squads changed since `cursor` (without one: what is live now), and the
    cursor to send next time. A row may come twice: apply rows by id."""
    _require(request, *DISPATCHER_PERMS)
    return Status(200, _dispatch_changes(request, query.cursor))


@router.get("/dispatch/stream", response={200: None, 422: ErrorOut})
def dispatch_stream(request: HttpRequest, query: Query[CursorQuery]):
    """The same changes as server-sent events (`text/event-stream`): each event's id is the
    cursor, `Last-Event-ID` is honoured, and the stream ends after about 25 seconds with a
    `retry:` hint so the client reconnects."""
    _require(request, *DISPATCHER_PERMS)
    return _stream(request, query.cursor, lambda cursor: _dispatch_changes(request, cursor))


def _stream(request: HttpRequest, cursor: str | None, read: Callable[[str | None], dict]):
    cursor = request.headers.get("Last-Event-ID") or cursor
    if cursor:
        changes.decode_cursor(cursor)  # refused (422) before the stream starts
    response = StreamingHttpResponse(changes.event_stream(
        read, cursor, seconds=settings.OUTREACH_STREAM_SECONDS,
        poll_seconds=settings.OUTREACH_STREAM_POLL_SECONDS), content_type="text/event-stream")
    response["Cache-Control"] = "no-cache"
    response["X-Accel-Buffering"] = "no"  # a proxy must pass each event on at once
    return response


# ------------------------------------------------------------------ sites asked to look in

@router.get("/look-ins", response=LookInsOut)
def look_ins(request: HttpRequest):
    """The requests to the caller's sites to look in on someone no squad could reach in time:
    those waiting for an answer, and those answered or closed within the day (the site's page
    as JSON)."""
    _require(request, ANSWER_LOOK_IN)
    waiting, done = help_nearby.requests_to(
        LookIn.objects.restrict(request.user, "view"), timezone.now())
    return {"waiting": [_look_in_out(row) for row in waiting],
            "done": [_look_in_out(row) for row in done]}


@router.post("/look-ins/{look_in_id}/answer",
             response={200: LookInRequestOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def answer_look_in(request: HttpRequest, look_in_id: int, payload: LookInAnswerIn):
    """What the site's staff found. Brought in, the lead is resolved and a squad on its way is
    called back; staying out or nobody there, the lead waits for a squad and the board shows the
    answer. A request answered already is a 409 that says when and what; a retry with the same
    idempotency key gets the first answer again."""
    _require(request, ANSWER_LOOK_IN)
    look_in = get_object_or_404(LookIn.objects.restrict(request.user, "change"), pk=look_in_id)

    def act() -> Answer:
        answered = help_nearby.answer_look_in(look_in, payload.answer, payload.note,
                                              by=request.user)
        row = LookIn.objects.select_related("lead", "lead__duplicate_of", "site", "asked_by"
                                            ).get(pk=answered.pk)
        return 200, _look_in_out(help_nearby.with_distance(row))

    return _once(request, payload, "look-in-answer", f"look-in:{look_in.pk}", act)


def _look_in_out(row: LookIn) -> dict:
    lead = row.lead
    asked_by = row.asked_by
    return {"id": row.pk, "site_id": row.site_id, "site": row.site.name,
            "lead": lead.tracking_code, "place": lead.place, "lat": lead.lat, "lon": lead.lon,
            "distance_m": row.distance_m, "people_count": lead.people_count,
            "flags": lead.flags, "description": lead.description, "asked_at": row.asked_at,
            "asked_by": str(asked_by) if asked_by else "",
            "still_out": lead.incident.is_open, "answer": row.answer,
            "answer_note": row.answer_note, "answered_at": row.answered_at}


# ------------------------------------------------------------------ patrollers

def _my_tasks(request: HttpRequest):
    return _tasks_of(request.user)


def _tasks_of(user):
    return (Task.objects.restrict(user, "view")
            .filter(squad__members__user=user).select_related("squad", "lead"))


@router.get("/my/tasks", response=list[TaskOut])
def my_tasks(request: HttpRequest):
    """The live tasks of the caller's squads, oldest first."""
    _require(request, "outreach.view_task")
    tasks = _my_tasks(request).filter(status__in=ACTIVE_TASK_STATUSES).order_by("assigned_at")
    return [_task_out(task) for task in tasks]


@router.get("/my/tasks/{task_id}", response={200: TaskDetailOut, 404: ErrorOut})
def my_task(request: HttpRequest, task_id: int):
    """One of the caller's squads' tasks (closed ones too), with what the phone's task page
    shows beside it: the further reports merged into its lead, the open leads nearby and what
    squads found around it lately."""
    _require(request, "outreach.view_task")
    task = get_object_or_404(_my_tasks(request), pk=task_id)
    merged, nearby = [], []
    if task.lead_id:
        merged = [_scene_report(report) for report in
                  task.lead.duplicates.order_by("received_at", "id")]
        nearby = [{**_scene_report(other), "distance_m": other.distance_m,
                   "probability": other.probability, "squad": other.squad_name,
                   "squad_is_there": other.is_there}
                  for other in dispatch.open_leads_nearby(task.lead)]
    met_here = [{"at": encounter.at, "distance_m": encounter.distance_m,
                 "squad": encounter.squad.name, "outcome": encounter.outcome,
                 "people_count": encounter.people_count}
                for encounter in dispatch.met_here_recently(task)]
    return Status(200, {**_task_out(task), "merged": merged, "nearby": nearby,
                        "met_here": met_here})


def _scene_report(lead: Lead) -> dict:
    return {"tracking_code": lead.tracking_code, "received_at": lead.received_at,
            "people_count": lead.people_count, "flags": lead.flags,
            "description": lead.description}


def my_task_changes(user, cursor: str | None) -> dict:
    """What `/my/changes` answers `user`. The phone's task list is drawn with the answer without
    a cursor, so its first read asks only what changed since the page was drawn. Times stay
    objects: the page and the API encode them alike (to the millisecond), so the page's script
    knows a row it already has when it comes again."""
    found = changes.changes_since({"tasks": changes.Source(
        _tasks_of(user), live=Q(status__in=ACTIVE_TASK_STATUSES))}, cursor)
    return MyChangesOut.model_validate({
        "cursor": found.cursor, "more": found.more,
        "tasks": [_task_out(task) for task in found.rows["tasks"]],
    }).model_dump()


@router.get("/my/changes", response={200: MyChangesOut, 422: ErrorOut})
def my_changes(request: HttpRequest, query: Query[CursorQuery]):
    """The caller's squads' tasks changed since `cursor` (without one: the live ones), closed
    ones included so the phone can drop them."""
    _require(request, "outreach.view_task")
    return Status(200, my_task_changes(request.user, query.cursor))


@router.post("/my/tasks/{task_id}/encounter",
             response={201: EncounterOut, 409: ErrorOut, 422: ErrorOut})
def record_encounter(request: HttpRequest, task_id: int, payload: EncounterIn):
    """What the squad found, closing the task: the phone page's encounter form as JSON. People
    met each get an outcome (escorted needs `site_id`), supplies handed over by item id, an
    optional photo in base64. `client_request_id` (or the header) makes a retry return the
    first record."""
    _require(request, "outreach.add_encounter")
    task = get_object_or_404(_my_tasks(request), pk=task_id)

    def act() -> Answer:
        data = _encounter_input(payload, receipts.key_of(request, payload))
        encounter = dispatch.record_encounter(task, data, by=request.user)
        return 201, {
            "id": encounter.pk, "outcome": encounter.outcome, "at": encounter.at,
            "recorded_at": encounter.recorded_at,
            "person_ids": list(encounter.people.values_list("person_id", flat=True)),
            "warning": "; ".join(str(short) for short in encounter.shortfalls),
            "task": _task_out(Task.objects.select_related("squad", "lead").get(pk=task.pk))}

    return _once(request, payload, "encounter", f"task:{task.pk}", act)


def _encounter_input(payload: EncounterIn, key: str) -> dispatch.EncounterInput:
    people = [dispatch.PersonMet(
        person_id=met.person_id, sex=met.sex, age_estimate=met.age_estimate,
        self_name=met.name, outcome=met.outcome or "", supplies=met.supplies,
        photo=_photo(met.photo, f"people.{index}.photo") if met.photo else None,
    ) for index, met in enumerate(payload.people)]
    return dispatch.EncounterInput(
        client_request_id=key or uuid.uuid4().hex, outcome=payload.outcome or "",
        people=people, site_id=payload.site_id, hospital=payload.hospital,
        contact_card_left=payload.contact_card_left, note=payload.note,
        client_at=payload.client_at)


def _photo(encoded: str, field: str) -> ScrubbedPhoto:
    """A base64 photo (a data: URL or the bare base64), checked and stripped of its metadata."""
    try:
        raw = base64.b64decode(encoded.split(",", 1)[-1], validate=True)
        clean = clean_photo(SimpleUploadedFile("met.jpg", raw))
    except (binascii.Error, ValueError, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else _(
            "This file is not a photo we can read.")
        raise Refused(message, field) from None
    return ScrubbedPhoto(clean.content, name="met.jpg")


@router.post("/my/tasks/{task_id}/decline",
             response={200: TaskOut, 409: ErrorOut, 422: ErrorOut})
def decline(request: HttpRequest, task_id: int, payload: DeclineIn):
    """The squad refuses the task with a reason; the lead goes back to the dispatchers' queue."""
    _require(request, "outreach.change_task")
    task = get_object_or_404(_my_tasks(request), pk=task_id)
    return _once(request, payload, "decline", f"task:{task.pk}", lambda: _task_answer(
        200, dispatch.decline(task, by=request.user, reason=payload.reason,
                              client_at=payload.client_at)))


@router.post("/my/tasks/{task_id}/merged/{tracking_code}/someone-else",
             response={200: TaskOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def someone_else(request: HttpRequest, task_id: int, tracking_code: str, payload: StepIn):
    """A report merged into the task's lead describes someone other than the people the squad
    found: it is split off into a lead of its own and goes to the dispatchers' queue."""
    return _on_the_scene(request, task_id, tracking_code, payload, "someone-else",
                         dispatch.someone_else)


@router.post("/my/tasks/{task_id}/nearby/{tracking_code}/same-people",
             response={200: TaskOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut})
def same_people(request: HttpRequest, task_id: int, tracking_code: str, payload: StepIn):
    """An open lead nearby is about the people the squad found: a squad on its way there is
    called back and the lead is merged into the task's."""
    return _on_the_scene(request, task_id, tracking_code, payload, "same-people",
                         dispatch.same_people)


def _on_the_scene(request: HttpRequest, task_id: int, tracking_code: str, payload: StepIn,
                  action: str, act: Callable) -> Status:
    """A squad's step about another lead, said on the scene of its task; once per key."""
    _require(request, "outreach.change_task")
    task = get_object_or_404(_my_tasks(request), pk=task_id)
    other = get_object_or_404(Lead, tracking_code=tracking_code)

    def attempt() -> Answer:
        act(task, other, by=request.user)
        task.refresh_from_db()
        return _task_answer(200, task)

    return _once(request, payload, action, f"lead:{other.pk}", attempt)


@router.post("/my/tasks/{task_id}/{step}",
             response={200: TaskOut, 409: ErrorOut, 422: ErrorOut})
def task_step(request: HttpRequest, task_id: int, step: str, payload: StepIn):
    """`accept` or `arrive`, with the phone's time of the tap in `client_at`. Idempotent: a
    retried step changes nothing; a task moved to another squad answers 409."""
    _require(request, "outreach.change_task")
    action = {"accept": dispatch.accept, "arrive": dispatch.arrive}.get(step)
    task = get_object_or_404(_my_tasks(request), pk=task_id)
    if action is None:
        raise HttpError(404, _("Unknown step: use accept or arrive."))

    def act() -> Answer:
        moved = action(task, by=request.user, client_at=payload.client_at)
        paging.acknowledge(moved)  # the squad is on its way: nobody needs the text message now
        return _task_answer(200, moved)

    return _once(request, payload, step, f"task:{task.pk}", act)


@router.post("/my/position", response={200: PositionOut, 422: ErrorOut})
def report_position(request: HttpRequest, payload: PositionIn):
    """Where the caller is now (or was at `client_at`); kept as the last known position of each
    of their squads on duty, for the board. A position older than the one kept is dropped."""
    _require(request, "outreach.change_squad")

    def act() -> Answer:
        try:
            lat, lon = to_wgs84(payload.lat, payload.lon, payload.coord)
        except CoordError as error:
            raise Refused(str(error), "lat") from None
        squads = list(Squad.objects.filter(members__user=request.user,
                                           duty_status=DutyStatus.ON_DUTY))
        kept = [dispatch.report_position(squad, lat, lon, payload.client_at) for squad in squads]
        return 200, {"squads": sum(kept)}

    return _once(request, payload, "position", "position", act)
