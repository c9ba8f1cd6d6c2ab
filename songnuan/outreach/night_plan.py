"""Tonight's plan, city-wide: the squads on shift and the waiting leads as they stand, handed to
`planning.make_plan`.

The plan is made for the whole city, whoever looks at it, since a squad may cross a district
border (mutual aid); each dispatcher sees the part of it their scope shows. It is made again
only when what it is made of changes (a lead, a task, a squad, or the minute), and at most once
in `PLAN_REUSE_S`: in a surge every report changes it, and many dispatchers polling the board
share one plan per process rather than each waiting for a new one.
"""

from __future__ import annotations

import datetime
import threading
from dataclasses import dataclass, replace

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.leads import triage
from songnuan.leads.models import Lead, LeadStatus
from songnuan.network.geography import district_for_point
from songnuan.network.models import District
from songnuan.outreach import dispatch, planning, standby
from songnuan.outreach.escalation import thresholds_by_district
from songnuan.outreach.models import (
    ACTIVE_TASK_STATUSES,
    Encounter,
    EncounterOutcome,
    Hotspot,
    Squad,
    Task,
    TaskStatus,
)
from songnuan.outreach.routing import DEFAULT_SPEED_KMH, road_distance_m
from songnuan.weather import protocol

LEAD_FIELDS = ("id", "lat", "lon", "district_id", "priority", "flags", "received_at")


@dataclass(frozen=True)
class StandbyMove:
    """A free squad that would be sooner on the scene of the next reports waiting elsewhere."""

    squad: int
    lat: float
    lon: float
    place: str
    drive_min: int


@dataclass
class NightPlan:
    plan: planning.Plan
    squads: dict[int, planning.SquadState]
    names: dict[int, tuple[str, str]]  # squad → (name, district name)
    made_at: datetime.datetime
    standby: dict[int, StandbyMove]  # squad → where it should wait
    for_the_night: frozenset[int] = frozenset()  # squads sent to wait somewhere for the night

    def suggestions(self, lead_id: int) -> list[dict]:
        return [self.option_json(option) for option in self.plan.options.get(lead_id, [])]

    def option_json(self, option: planning.Option) -> dict:
        name, district = self.names.get(option.squad, ("", ""))
        return {"squad_id": option.squad, "squad": name, "district": district,
                "eta_min": option.eta_min, "travel_min": round(option.travel_s / 60),
                "queue_min": round(option.queue_s / 60), "mutual_aid": option.mutual_aid}

    def options_for_point(self, lat: float | None, lon: float | None, district_id: int,
                          now: datetime.datetime) -> list[planning.Option]:
        """Squads ranked for a place that is not a waiting lead (a follow-up, a task to move)."""
        limit = thresholds_by_district([district_id], now)[district_id]
        centre = District.objects.values_list("centre_lat", "centre_lon").get(pk=district_id)
        located = lat is not None and lon is not None
        point = planning.Waiting(0, district_id, *((lat, lon) if located else centre),
                                 weight=1.0, due_s=limit.arrive_within.total_seconds(),
                                 search_s=0.0 if located else settings.DISPATCH_SEARCH_MIN * 60)
        states = list(self.squads.values())
        return planning.rank_options(point, states, planning.travel_seconds([point], states)[0],
                                     limit=len(states))

    def assign_now(self, lead_id: int) -> planning.Option | None:
        return self.plan.assign_now(lead_id, self.squads,
                                    settings.DISPATCH_COMMIT_AHEAD_MIN * 60)


PLAN_REUSE_S = 10  # a plan this young serves even when a lead or task has changed since
_cache: dict[str, tuple[tuple, NightPlan]] = {}
_lock = threading.Lock()


def current_plan(now: datetime.datetime | None = None) -> NightPlan:
    """The plan for the waiting leads and the squads on shift at `now`."""
    now = now or timezone.now()
    with _lock:
        cached = _cache.get("plan")
    if cached is not None and datetime.timedelta(0) <= now - cached[1].made_at < \
            datetime.timedelta(seconds=PLAN_REUSE_S):
        return cached[1]
    districts = list(District.objects.all())
    centres = {d.pk: (d.centre_lat, d.centre_lon) for d in districts}
    squads, names = squad_states(now, centres)
    leads = waiting_leads(now, centres)
    covered = to_cover(now)
    told, lent = {}, {}  # where squads were told to wait; those sent there for the night
    for pk, lat, lon, for_the_night in Squad.objects.filter(
            pk__in=squads, standby_lat__isnull=False).values_list(
            "pk", "standby_lat", "standby_lon", "standby_for_the_night"):
        told[pk] = (lat, lon)
        if for_the_night:
            lent[pk] = (lat, lon)
    key = (now.replace(second=0, microsecond=0), tuple(squads.values()), tuple(leads),
           tuple(sorted(covered)), tuple(sorted(told.items())), tuple(sorted(lent)))
    if cached is not None and cached[0] == key:
        return cached[1]
    plan = planning.make_plan(leads, list(squads.values()), handle_s=handle_s(),
                              time_limit_s=settings.DISPATCH_PLAN_TIME_LIMIT_S,
                              solution_limit=settings.DISPATCH_PLAN_SOLUTION_LIMIT,
                              centres=centres)
    short = {s.district_id for s in plan.shortfalls}
    plan.shortfalls += [s for s in planning.uncovered(covered, _posted(squads, lent), centres)
                        if s.district_id not in short]
    made = NightPlan(plan, squads, names, now, standby_moves(
        squads, told, now, centres, {d.pk: str(d) for d in districts}, frozenset(lent)),
        frozenset(lent))
    with _lock:
        _cache["plan"] = (key, made)
    return made


def _posted(squads: dict[int, planning.SquadState], lent: dict[int, tuple[float, float]]
            ) -> list[planning.SquadState]:
    """The squads as the districts they cover: a squad sent to wait in another district for
    the night (`lent`: where) covers that one instead of its own."""
    posted = []
    for key, state in sorted(squads.items()):
        there = district_for_point(*lent[key]) if key in lent else None
        posted.append(replace(state, district_id=there.pk) if there is not None else state)
    return posted


def standby_moves(squads: dict[int, planning.SquadState], told: dict[int, tuple[float, float]],
                  now: datetime.datetime, centres: dict[int, tuple[float, float]],
                  district_names: dict[int, str], for_the_night: frozenset[int] = frozenset()
                  ) -> dict[int, StandbyMove]:
    """Where the squads with nothing to do should wait (`standby`): near the hotspots, by
    risk, and the centres of the districts where the cold-weather protocol is active. `told`:
    where squads were last told to wait; those sent there `for_the_night` stay."""
    free = {key: state for key, state in squads.items()
            if state.load == 0 and state.free_s <= 0 and key not in for_the_night}
    active = protocol.active_districts(set(centres), now) - {None}
    if not free or not active:
        return {}
    demand = [standby.Demand(lat, lon, float(risk), district_id, name)
              for lat, lon, risk, district_id, name in Hotspot.objects.filter(
                  is_active=True, district_id__in=active).order_by("pk").values_list(
                  "lat", "lon", "risk_level", "district_id", "name")]
    demand += [standby.Demand(*centres[pk], 1.0, pk, district_names[pk])
               for pk in sorted(active)]
    # A squad told where to wait is counted there: on its way, it is not moved for a
    # minute's difference in where it stands. A task ends the order (`dispatch`): once done, a
    # squad counts from where the task left it.
    waiting_at = [replace(state, lat=told[key][0], lon=told[key][1]) if key in told else state
                  for key, state in sorted(free.items())]
    moves = {}
    manned = frozenset(state.district_id for state in squads.values())
    staying = [replace(state, lat=told[key][0], lon=told[key][1])
               for key, state in sorted(squads.items()) if key in for_the_night]
    for key, point in standby.standby_points(demand, waiting_at, manned=manned,
                                             staying=staying).items():
        state = free[key]
        [drive] = planning.drive_seconds(point.lat, point.lon, [state])
        moves[key] = StandbyMove(key, point.lat, point.lon, point.name, round(float(drive) / 60))
    return moves


def to_cover(now: datetime.datetime) -> set[int]:
    """The districts that need a squad within reach tonight: those with a hotspot where the
    cold-weather protocol is active."""
    with_hotspots = set(Hotspot.objects.filter(is_active=True)
                        .values_list("district_id", flat=True))
    return {pk for pk in protocol.active_districts(with_hotspots, now) if pk is not None}


def forget() -> None:
    _cache.clear()


def handle_s() -> float:
    """Expected minutes a squad spends with a lead once there (persuasion, an escort)."""
    return settings.DISPATCH_ON_SCENE_MIN * 60


def squad_states(now: datetime.datetime, centres: dict[int, tuple[float, float]]
                 ) -> tuple[dict[int, planning.SquadState], dict[int, tuple[str, str]]]:
    """Every squad on shift, with when and where the tasks it carries leave it."""
    squads = list(Squad.objects.filter(is_active=True).select_related("district"))
    on_shift = dispatch.squads_on_shift(squads, now)
    squads = [squad for squad in squads if squad.pk in on_shift]
    tasks: dict[int, list[dict]] = {}
    for task in (Task.objects.filter(squad_id__in=on_shift, status__in=ACTIVE_TASK_STATUSES)
                 .order_by("assigned_at", "id")
                 .values("squad_id", "status", "lat", "lon", "district_id", "arrived_at")):
        tasks.setdefault(task["squad_id"], []).append(task)
    states, names = {}, {}
    handle = handle_s()
    escorts = escorts_under_way(on_shift, now)
    for squad in squads:
        free, lat, lon = escorts.get(squad.pk, (0.0, *squad.position()))
        for task in tasks.get(squad.pk, []):
            there = ((task["lat"], task["lon"]) if task["lat"] is not None
                     else centres[task["district_id"]])
            if task["status"] == TaskStatus.ARRIVED:
                spent = (now - task["arrived_at"]).total_seconds()
                free += max(0.0, handle - spent)
            else:
                metres = road_distance_m(lat, lon, *there)
                free += metres / (DEFAULT_SPEED_KMH / 3.6) + handle
            lat, lon = there
        states[squad.pk] = planning.SquadState(
            squad.pk, squad.name, squad.district_id, round(free, -2), round(lat, 5),
            round(lon, 5), load=len(tasks.get(squad.pk, [])), capacity=squad.capacity)
        names[squad.pk] = (squad.name, str(squad.district))
    return states, names


ESCORT_LOOKBACK = datetime.timedelta(hours=3)


def escorts_under_way(squad_ids, now: datetime.datetime
                      ) -> dict[int, tuple[float, float, float]]:
    """Squads whose last encounter took someone to a site or a hospital and are not done yet:
    seconds until they are, and where that leaves them. Closing the task does not free the
    squad; the drive to the site and the hand-over do."""
    latest: dict[int, Encounter] = {}
    for encounter in (Encounter.objects.filter(squad_id__in=squad_ids,
                                               at__gte=now - ESCORT_LOOKBACK, at__lte=now)
                      .select_related("site").order_by("squad_id", "at", "id")):
        latest[encounter.squad_id] = encounter
    found = {}
    for squad_id, encounter in latest.items():
        if encounter.outcome == EncounterOutcome.ESCORTED and encounter.site is not None:
            site = encounter.site
            drive = road_distance_m(encounter.lat, encounter.lon, site.lat, site.lon) \
                / (DEFAULT_SPEED_KMH / 3.6)
            done = encounter.at + datetime.timedelta(
                seconds=drive + settings.DISPATCH_HANDOVER_MIN * 60)
            lat, lon = site.lat, site.lon
        elif encounter.outcome == EncounterOutcome.HOSPITAL:
            done = encounter.at + datetime.timedelta(minutes=settings.DISPATCH_HOSPITAL_MIN)
            lat, lon = encounter.lat, encounter.lon
        else:
            continue
        if done > now:
            found[squad_id] = ((done - now).total_seconds(), lat, lon)
    return found


def waiting_leads(now: datetime.datetime, centres: dict[int, tuple[float, float]]
                  ) -> list[planning.Waiting]:
    """Open leads no squad has yet, with their risk and the time left before their limit."""
    rows = list(Lead.objects.open().exclude(status=LeadStatus.DUPLICATE)
                .exclude(tasks__status__in=ACTIVE_TASK_STATUSES)
                .filter(district__isnull=False).values(*LEAD_FIELDS))
    limits = thresholds_by_district({row["district_id"] for row in rows}, now)
    search = settings.DISPATCH_SEARCH_MIN * 60
    waiting = []
    for row in rows:
        limit = limits[row["district_id"]]
        due = row["received_at"] + limit.assign_within + limit.arrive_within - now
        located = row["lat"] is not None
        lat, lon = (row["lat"], row["lon"]) if located else centres[row["district_id"]]
        weight = triage.plan_weight(row["priority"], row["flags"], now - row["received_at"])
        waiting.append(planning.Waiting(
            row["id"], row["district_id"], lat, lon, weight,
            round(due.total_seconds(), -2), 0.0 if located else float(search)))
    return waiting


@dataclass
class Pick:
    squad: Squad
    reason: str
    eta_min: int | None


def pick_squad(squads, *, lat: float | None, lon: float | None, district_id: int,
               lead_id: int | None = None, picked: int | None = None,
               exclude: int | None = None, now: datetime.datetime | None = None) -> Pick | None:
    """The squad picked by a dispatcher, else the one tonight's plan gives the lead (or the
    soonest), with the reason and ETA kept on the task. `squads` is the dispatcher's own scope;
    a squad of another district the plan offers as mutual aid may be sent too."""
    now = now or timezone.now()
    tonight = current_plan(now)
    if lead_id is not None and lead_id in tonight.plan.options:
        options = list(tonight.plan.options[lead_id])
        planned = tonight.assign_now(lead_id)
        if planned is not None:
            options.insert(0, planned)
    else:
        options = tonight.options_for_point(lat, lon, district_id, now)
    options = [o for o in options if o.squad != exclude]
    scoped = set(squads.exclude(pk=exclude).values_list("pk", flat=True))
    allowed = scoped | {o.squad for o in options if o.mutual_aid}
    by_squad = {o.squad: o for o in reversed(options)}
    if picked is not None:
        if picked not in allowed:
            return None
        option = by_squad.get(picked)
        reason = _("Chosen by the dispatcher")
        if option is not None:
            reason += "; " + option_reason(tonight.option_json(option))
        return Pick(Squad.objects.get(pk=picked), reason, option.eta_min if option else None)
    for option in options:
        if option.squad in allowed:
            return Pick(Squad.objects.get(pk=option.squad),
                        option_reason(tonight.option_json(option)), option.eta_min)
    return None


def option_reason(option: dict) -> str:
    """Why a squad: its ETA, what it is made of, and mutual aid."""
    reason = _("About %(eta)d min to the scene: %(travel)d min drive, %(queue)d min to finish "
               "its other tasks") % {"eta": option["eta_min"], "travel": option["travel_min"],
                                     "queue": option["queue_min"]}
    if option["mutual_aid"]:
        reason += _("; mutual aid from %(district)s") % {"district": option["district"]}
    return reason


def shortfall_message(district: str, short: planning.Shortfall) -> str:
    if short.uncovered:
        return _("%(district)s: the cold-weather protocol is active and no squad on shift can "
                 "reach it within %(minutes)d minutes; call at least one squad on.") % {
            "district": district, "minutes": planning.MUTUAL_AID_MAX_DRIVE_S // 60}
    return _("%(district)s: %(late)d waiting leads cannot be reached within the limit by the "
             "squads on shift; about %(missing)d more squads are needed.") % {
        "district": district, "late": short.late, "missing": short.squads_missing}
