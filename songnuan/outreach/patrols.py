"""Night patrol plans: share a district's hotspots among the squads on duty and route each.

A night runs from `NIGHT_STARTS_HOUR` to `NIGHT_ENDS_HOUR` the next morning (local time). A
hotspot that needs k visits a night (more under the cold-weather protocol) gets k stops, each
with its own slice of the night as time window, so repeated visits are spread out. The routing
itself is `routing.plan_routes` (OR-Tools); stops that fit no shift are kept on the plan as
dropped so the dispatcher sees them.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.actors import Actor, recorded
from songnuan.outreach import routing
from songnuan.outreach.models import Hotspot, PatrolPlan, PatrolStop, Shift, Squad
from songnuan.refusals import Conflict
from songnuan.weather.protocol import protocol_active

NIGHT_STARTS_HOUR = 18
NIGHT_ENDS_HOUR = 8
VISIT_MINUTES = 15


def night_of(at: datetime.datetime) -> datetime.date:
    """The night an instant belongs to: before 08:00 is still the previous evening's night."""
    local = timezone.localtime(at)
    return (local - datetime.timedelta(hours=NIGHT_ENDS_HOUR)).date()


def night_bounds(night: datetime.date) -> tuple[datetime.datetime, datetime.datetime]:
    start = timezone.make_aware(datetime.datetime.combine(
        night, datetime.time(NIGHT_STARTS_HOUR)))
    end = timezone.make_aware(datetime.datetime.combine(
        night + datetime.timedelta(days=1), datetime.time(NIGHT_ENDS_HOUR)))
    return start, end


def make_plan(district, night: datetime.date, *, by: Actor,
              time_limit_s: float = 2.0) -> PatrolPlan:
    """Plan (or re-plan) a district's night; refused when no squad works that night."""
    start, end = night_bounds(night)
    shifts = list(Shift.objects.filter(
        squad__district=district, squad__is_active=True, starts_at__lt=end, ends_at__gt=start,
    ).select_related("squad").order_by("starts_at", "pk"))
    if not shifts:
        raise Conflict(_("No squad has a shift in this district that night."), "night")
    vehicles, seen = [], set()
    for shift in shifts:
        if shift.squad_id in seen:
            continue  # one route per squad: its first shift of the night
        seen.add(shift.squad_id)
        vehicles.append(routing.Vehicle(
            str(shift.squad_id), shift.squad.base_lat, shift.squad.base_lon,
            shift_start_s=_s(max(shift.starts_at, start) - start),
            shift_end_s=_s(min(shift.ends_at, end) - start)))
    hotspots = {h.pk: h for h in Hotspot.objects.filter(district=district, is_active=True)}
    under_protocol = protocol_active(district.pk, start)
    stops = []
    length = _s(end - start)
    for hotspot in hotspots.values():
        visits = max(1, hotspot.required_patrols(under_protocol))
        for visit in range(visits):
            window = (length * visit // visits, length * (visit + 1) // visits) \
                if visits > 1 else None
            stops.append(routing.Stop(f"{hotspot.pk}:{visit}", hotspot.lat, hotspot.lon,
                                      service_s=VISIT_MINUTES * 60, window_s=window))
    plan = routing.plan_routes(stops, vehicles, time_limit_s=time_limit_s)
    with transaction.atomic():
        PatrolPlan.objects.filter(district=district, night=night).delete()
        record = PatrolPlan.objects.create(
            district=district, night=night, created_by=recorded(by),
            dropped=[int(key.split(":")[0]) for key in plan.dropped])
        PatrolStop.objects.bulk_create([
            PatrolStop(plan=record, squad_id=int(route.vehicle_key),
                       hotspot=hotspots[int(visit.stop_key.split(":")[0])], order=number,
                       planned_at=start + datetime.timedelta(seconds=visit.arrive_s))
            for route in plan.routes for number, visit in enumerate(route.visits, start=1)])
    return record


def check_off(stop: PatrolStop, at: datetime.datetime | None = None) -> PatrolStop:
    """Mark a stop visited (idempotent: the first time counts)."""
    if stop.visited_at is None:
        stop.visited_at = at or timezone.now()
        stop.save(update_fields=["visited_at"])
    return stop


def squads_for(plan: PatrolPlan) -> list[tuple[Squad, list[PatrolStop]]]:
    routes: dict[int, list[PatrolStop]] = {}
    for stop in plan.stops.select_related("hotspot", "squad").order_by("squad__name", "order"):
        routes.setdefault(stop.squad_id, []).append(stop)
    return [(stops[0].squad, stops) for stops in routes.values()]


def _s(delta: datetime.timedelta) -> int:
    return int(delta.total_seconds())
