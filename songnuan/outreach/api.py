"""Staff API: the hotspot registry, the dispatch board and assignment for dispatchers, and the
patroller's tasks and position. Same scoping and permissions as the pages."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError

from songnuan.api.auth import staff_auth
from songnuan.geo.coords import CoordError, CoordSystem, to_wgs84
from songnuan.leads.models import Lead
from songnuan.outreach import board, dispatch, night_plan, services
from songnuan.outreach.models import ACTIVE_TASK_STATUSES, DutyStatus, Hotspot, Squad, Task
from songnuan.outreach.schemas import (
    AssignIn,
    BoardOut,
    HotspotOut,
    NearestHotspotOut,
    PositionIn,
    PositionOut,
    Refusal,
    TaskOut,
)

router = Router(tags=["outreach"], auth=staff_auth)
MAX_RADIUS_M = 20_000


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
    found = services.nearest_hotspot(lat, lon, query.radius_m)
    if found is None or not Hotspot.objects.restrict(request.user, "view").filter(
        pk=found[0].pk
    ).exists():
        return {"hotspot": None, "distance_m": None}
    return {"hotspot": found[0], "distance_m": round(found[1], 1)}


@router.get("/hotspots/{hotspot_id}", response=HotspotOut)
def get_hotspot(request: HttpRequest, hotspot_id: int):
    return get_object_or_404(Hotspot.objects.restrict(request.user, "view"), pk=hotspot_id)


# ------------------------------------------------------------------ dispatchers

DISPATCHER_PERMS = ("outreach.add_task", "leads.change_lead")


def _require(request: HttpRequest, *perms: str) -> None:
    if not request.user.has_perms(perms):
        raise HttpError(403, _("You may not do this."))


def _refusal(refused: dispatch.DispatchError) -> dict:
    return {"message": refused.message, "errors": [
        {"field": refused.field, "message": refused.message}] if refused.field else []}


def _task_out(task: Task) -> dict:
    return {"id": task.pk, "kind": task.kind, "status": task.status, "squad_id": task.squad_id,
            "squad": task.squad.name, "lead": task.lead.tracking_code if task.lead_id else None,
            "place": task.place, "lat": task.lat, "lon": task.lon, "reason": task.reason,
            "eta_min": task.eta_min, "is_mutual_aid": task.is_mutual_aid,
            "assigned_at": task.assigned_at, "accepted_at": task.accepted_at,
            "arrived_at": task.arrived_at}


@router.get("/dispatch/board", response=BoardOut)
def get_board(request: HttpRequest):
    """The dispatch board's data: open leads by priority (with overdue timers and, at the head
    of the queue, a suggested squad), follow-ups coming due, and squads with status and load."""
    _require(request, *DISPATCHER_PERMS)
    return board.board_data(request.user)


@router.post("/dispatch/leads/{tracking_code}/assign",
             response={201: TaskOut, 404: Refusal, 409: Refusal})
def assign_lead(request: HttpRequest, tracking_code: str, payload: AssignIn):
    """Send a squad (the suggested one unless `squad_id` is given). When another dispatcher
    got there first the answer is 409 and names the squad already sent."""
    _require(request, *DISPATCHER_PERMS)
    lead = get_object_or_404(Lead.objects.restrict(request.user, "change"),
                             tracking_code=tracking_code.strip().upper())
    if lead.district_id is None:
        return Status(409, _refusal(dispatch.DispatchError(
            _("The lead has no location yet: set its place or its district first."), "lead")))
    pick = night_plan.pick_squad(Squad.objects.restrict(request.user, "view"), lat=lead.lat,
                                 lon=lead.lon, district_id=lead.district_id, lead_id=lead.pk,
                                 picked=payload.squad_id)
    if pick is None:
        return Status(409, _refusal(dispatch.DispatchError(
            _("No squad is available."), "squad_id")))
    try:
        task = dispatch.assign_lead(lead, pick.squad, by=request.user, reason=pick.reason,
                                    eta_min=pick.eta_min)
    except dispatch.DispatchError as refused:
        return Status(409, _refusal(refused))
    return Status(201, _task_out(task))


@router.post("/dispatch/tasks/{task_id}/reassign", response={201: TaskOut, 409: Refusal})
def reassign(request: HttpRequest, task_id: int, payload: AssignIn):
    """Move a task the squad has not reached yet to another squad (the suggested one unless
    `squad_id` is given); the first squad's task is cancelled."""
    _require(request, *DISPATCHER_PERMS)
    task = get_object_or_404(Task.objects.restrict(request.user, "change"), pk=task_id)
    pick = night_plan.pick_squad(Squad.objects.restrict(request.user, "view"), lat=task.lat,
                                 lon=task.lon, district_id=task.district_id,
                                 picked=payload.squad_id, exclude=task.squad_id)
    if pick is None:
        return Status(409, _refusal(dispatch.DispatchError(
            _("No other squad is available."), "squad_id")))
    try:
        new = dispatch.reassign(task, pick.squad, by=request.user, reason=pick.reason,
                                eta_min=pick.eta_min)
    except dispatch.DispatchError as refused:
        return Status(409, _refusal(refused))
    return Status(201, _task_out(new))


# ------------------------------------------------------------------ patrollers

def _my_tasks(request: HttpRequest):
    return (Task.objects.restrict(request.user, "view")
            .filter(squad__members__user=request.user).select_related("squad", "lead"))


@router.get("/my/tasks", response=list[TaskOut])
def my_tasks(request: HttpRequest):
    """The live tasks of the caller's squads, oldest first."""
    _require(request, "outreach.view_task")
    tasks = _my_tasks(request).filter(status__in=ACTIVE_TASK_STATUSES).order_by("assigned_at")
    return [_task_out(task) for task in tasks]


@router.post("/my/tasks/{task_id}/{step}", response={200: TaskOut, 409: Refusal})
def task_step(request: HttpRequest, task_id: int, step: str):
    """`accept` or `arrive`. Idempotent: a retried step changes nothing; a task moved to
    another squad answers 409."""
    _require(request, "outreach.change_task")
    action = {"accept": dispatch.accept, "arrive": dispatch.arrive}.get(step)
    task = get_object_or_404(_my_tasks(request), pk=task_id)
    if action is None:
        raise HttpError(404, _("Unknown step: use accept or arrive."))
    try:
        task = action(task, by=request.user)
    except dispatch.DispatchError as refused:
        return Status(409, _refusal(refused))
    return Status(200, _task_out(Task.objects.select_related("squad", "lead").get(pk=task.pk)))


@router.post("/my/position", response={200: PositionOut, 422: Refusal})
def report_position(request: HttpRequest, payload: PositionIn):
    """Where the caller is now; kept as the last known position of each of their squads on
    duty, for the board."""
    _require(request, "outreach.change_squad")
    try:
        lat, lon = to_wgs84(payload.lat, payload.lon, payload.coord)
    except CoordError as error:
        return Status(422, {"message": str(error), "errors": [
            {"field": "lat", "message": str(error)}]})
    squads = list(Squad.objects.filter(members__user=request.user, duty_status=DutyStatus.ON_DUTY))
    for squad in squads:
        dispatch.report_position(squad, lat, lon)
    return Status(200, {"squads": len(squads)})
