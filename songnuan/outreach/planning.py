"""The night's dispatch plan (派单计划): which squad should go to which waiting lead, and when it
can be there.

A squad's estimated time of arrival (ETA) at a lead is the time it needs to finish the work it
already carries, plus the drive from where that work leaves it. Every waiting lead gets its
squads ranked by ETA: its own district's squads while one of them can be on the scene within the
protocol's limit; when none can, also other districts' squads that are much sooner on a short
drive (mutual aid), and any squad for a district that has none.

The plan then shares the waiting leads among the squads: again and again, the lead that its
soonest squad reaches soonest for its risk goes to that squad, whose next drive then starts from
there (the greedy plan). An OR-Tools routing search, started from the greedy plan and bounded in
time, improves it: it minimises the risk-weighted minutes until each person is reached, and
weighs minutes past each lead's limit three times more. If the search finds nothing better in
its time, the greedy plan stands, and the plan says so. Tasks already given are never moved:
only waiting leads are planned.

When even the plan leaves leads past their limit, the district is short of squads: the plan
counts how many squads it would take, placed at the district's centre, to reach them all in time.

Pure Python with numpy and OR-Tools; it knows nothing of Django models.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

import numpy as np
from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from songnuan.outreach.routing import DEFAULT_SPEED_KMH, ROAD_FACTOR

EARTH_RADIUS_M = 6_371_000.0
LATE_WEIGHT = 3  # a minute past a lead's limit counts as three minutes of waiting
# Mutual aid: a squad of another district is sent only when it is there this much sooner than
# the district's own, and never on a longer drive than this (it leaves its own district bare).
MUTUAL_AID_GAIN_S = 20 * 60
MUTUAL_AID_MAX_DRIVE_S = 45 * 60
# In the routing search, leaving a lead out (the district is told it lacks squads) costs less
# than sending a squad on a drive longer than the mutual-aid limit.
DROP_PENALTY_S = 24 * 3600
FAR_PENALTY_S = 4 * DROP_PENALTY_S
OPTIONS_PER_LEAD = 5
PLANNED_LEADS_AT_MOST = 80  # the rest of a surge's queue gets ranked squads, not a place in a plan
MAX_EXTRA_SQUADS = 12  # the most a shortfall estimate will add to one district
GRACE_S = 5 * 60  # an ETA this much past the limit is not yet a shortfall
DEFAULT_TIME_LIMIT_S = 0.3


@dataclass(frozen=True)
class SquadState:
    """A squad as the plan sees it: when it is free of the work it carries, and where."""

    key: int
    name: str
    district_id: int
    free_s: float  # seconds from now until its current tasks are done
    lat: float  # where those tasks leave it
    lon: float
    load: int
    capacity: int
    speed_kmh: float = DEFAULT_SPEED_KMH

    @property
    def room(self) -> int:
        return max(0, self.capacity - self.load)


@dataclass(frozen=True)
class Waiting:
    """A lead waiting for a squad. Without coordinates it is planned at its district's centre,
    with `search_s` more to find the person there."""

    key: int
    district_id: int | None
    lat: float
    lon: float
    weight: float  # risk: the higher, the sooner
    due_s: float  # seconds from now by which a squad should be on the scene (negative: late)
    search_s: float = 0.0


@dataclass(frozen=True)
class Option:
    squad: int
    eta_s: float
    travel_s: float
    queue_s: float
    mutual_aid: bool

    @property
    def eta_min(self) -> int:
        return round(self.eta_s / 60)


@dataclass(frozen=True)
class Shortfall:
    """A district whose squads cannot reach its waiting leads within the limit, or, with
    `uncovered`, one no squad on shift could reach in time were anyone reported there."""

    district_id: int | None
    late: int  # leads the plan reaches after their limit (or not at all)
    squads_missing: int  # squads at the district's centre that would reach them all in time
    uncovered: bool = False


@dataclass
class Plan:
    options: dict[int, list[Option]]  # every waiting lead: squads best first
    planned: dict[int, Option]  # lead → its squad in the plan, with the ETA the plan gives it
    position: dict[int, int]  # lead → its place in that squad's new work (1: next)

    def assign_now(self, lead_key: int, squads: dict[int, SquadState],
                   commit_ahead_s: float) -> Option | None:
        """The planned squad, when it should be sent now: the lead is the first new work the
        plan gives it, it may take one more task, and it is free for this one within
        `commit_ahead_s`. Later leads wait for the next plan, which may find a sooner squad."""
        option = self.planned.get(lead_key)
        if option is None or self.position[lead_key] > 1 or option.queue_s > commit_ahead_s:
            return None
        squad = squads.get(option.squad)
        return option if squad is not None and squad.room > 0 else None
    solver: str  # "routing" when the search improved the greedy plan, else "greedy"
    fell_back: bool = False  # the search found nothing in its time: the greedy plan stands
    shortfalls: list[Shortfall] = field(default_factory=list)
    cost: float = 0.0


def travel_seconds(leads: list[Waiting], squads: list[SquadState]) -> np.ndarray:
    """Seconds from where each squad will be free to each lead: leads × squads."""
    if not leads or not squads:
        return np.zeros((len(leads), len(squads)))
    lat1 = np.radians([lead.lat for lead in leads])[:, None]
    lon1 = np.radians([lead.lon for lead in leads])[:, None]
    lat2 = np.radians([squad.lat for squad in squads])[None, :]
    lon2 = np.radians([squad.lon for squad in squads])[None, :]
    a = (np.sin((lat2 - lat1) / 2) ** 2
         + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2)
    metres = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0))) * ROAD_FACTOR
    speeds = np.array([squad.speed_kmh for squad in squads])[None, :] / 3.6
    return metres / speeds


def drive_seconds(lat: float, lon: float, squads: list[SquadState]) -> np.ndarray:
    """Seconds from where each squad will be free to one point (not a lead: no search)."""
    return travel_seconds([Waiting(0, None, lat, lon, weight=1.0, due_s=0.0)], squads)[0]


def eligible(leads: list[Waiting], squads: list[SquadState], travel: np.ndarray, *,
             need_room: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Each squad's ETA at each lead, and which squads may take it (both leads × squads).

    A lead's own district's squads while one of them is in time; when none is, also the other
    districts' squads that are much sooner, on a drive short enough not to leave their own
    district bare (mutual aid). A district with no squad on shift gets its neighbours' within
    that drive, and a capacity alert for the rest. A plan looks beyond what squads may be given
    now (`need_room=False`).
    """
    free = np.array([squad.free_s for squad in squads], dtype=float)
    search = np.array([lead.search_s for lead in leads], dtype=float)
    eta = free[None, :] + travel + search[:, None]
    room = (np.array([squad.room > 0 for squad in squads], dtype=bool) if need_room
            else np.ones(len(squads), dtype=bool))[None, :]
    at_home = (np.array([-1 if lead.district_id is None else lead.district_id
                         for lead in leads])[:, None]
               == np.array([squad.district_id for squad in squads], dtype=int)[None, :])
    own = room & at_home
    near = room & ~at_home & (travel <= MUTUAL_AID_MAX_DRIVE_S)
    best_own = np.where(own, eta, np.inf).min(axis=1, initial=np.inf)
    due = np.maximum(np.array([lead.due_s for lead in leads], dtype=float), 0)
    mutual = near & (eta + MUTUAL_AID_GAIN_S <= best_own[:, None])
    in_time = (best_own <= due)[:, None]
    has_own = own.any(axis=1)[:, None]
    return eta, np.where(has_own, np.where(in_time, own, own | mutual), near)


def rank_options(lead: Waiting, squads: list[SquadState], travel: np.ndarray,
                 limit: int = OPTIONS_PER_LEAD, *, need_room: bool = True) -> list[Option]:
    """The squads that may take one lead (see `eligible`), soonest first. `travel` is the
    lead's row."""
    if not squads:
        return []
    order = sorted(range(len(squads)), key=lambda column: squads[column].key)
    squads = [squads[column] for column in order]
    travel = travel[order][None, :]
    eta, mask = eligible([lead], squads, travel, need_room=need_room)
    return _ranked([lead], squads, eta, mask, travel, limit)[0]


def _ranked(leads: list[Waiting], squads: list[SquadState], eta: np.ndarray, mask: np.ndarray,
            travel: np.ndarray, limit: int) -> list[list[Option]]:
    """Each lead's eligible squads, soonest first; `squads` are in key order, so a tie goes to
    the lower key."""
    if not squads:
        return [[] for _lead in leads]
    order = np.argsort(np.where(mask, eta, np.inf), axis=1, kind="stable")[:, :limit]
    found = []
    for row, lead in enumerate(leads):
        found.append([Option(squads[c].key, float(eta[row, c]), float(travel[row, c]),
                             float(squads[c].free_s),
                             mutual_aid=squads[c].district_id != lead.district_id)
                      for c in (int(c) for c in order[row]) if mask[row, c]])
    return found


def queue_order(leads: list[Waiting]) -> list[Waiting]:
    """Highest risk first; among equals, the one due soonest."""
    return sorted(leads, key=lambda lead: (-lead.weight, lead.due_s, lead.key))


def make_plan(leads: list[Waiting], squads: list[SquadState], *,
              handle_s: float, time_limit_s: float = DEFAULT_TIME_LIMIT_S,
              solution_limit: int = 0,
              centres: dict[int | None, tuple[float, float]] | None = None) -> Plan:
    """Rank squads for every waiting lead and share the head of the queue among the squads.

    `time_limit_s` bounds the whole plan; 0 keeps the greedy plan without searching. When the
    ranking and the greedy plan use up the time, or the search returns nothing, the greedy plan
    stands and `fell_back` says so. A `solution_limit` ends the search after that many
    solutions, so that the same leads and squads get the same plan however busy the machine.
    """
    started = time.monotonic()
    squads = sorted(squads, key=lambda squad: squad.key)
    ordered = queue_order(leads)
    travel = travel_seconds(ordered, squads)
    eta, mask = eligible(ordered, squads, travel)
    options = dict(zip((lead.key for lead in ordered),
                       _ranked(ordered, squads, eta, mask, travel, OPTIONS_PER_LEAD),
                       strict=True))
    head = ordered[:PLANNED_LEADS_AT_MOST]
    greedy = _greedy(head, squads, handle_s)
    plan = Plan(options, *greedy, solver="greedy")
    plan.cost = _cost(head, plan.planned)
    remaining = time_limit_s - (time.monotonic() - started)
    if head and squads and time_limit_s > 0:
        routes = (_search(head, squads, travel, handle_s, remaining, greedy, solution_limit)
                  if remaining > 0 else None)
        if routes is None:
            plan.fell_back = True
        else:
            planned, position = _timed(routes, head, squads, travel, handle_s)
            cost = _cost(head, planned)
            if cost < plan.cost - 1e-6:
                plan.planned, plan.position, plan.solver, plan.cost = (
                    planned, position, "routing", cost)
    plan.shortfalls = shortfalls(head, squads, plan.planned, handle_s, centres or {})
    return plan


def _greedy(leads: list[Waiting], squads: list[SquadState], handle_s: float
            ) -> tuple[dict[int, Option], dict[int, int]]:
    """Repeatedly plan the lead whose soonest squad reaches it soonest for its risk (the
    smallest ETA ÷ weight: Smith's rule, which keeps the risk-weighted waiting low), then start
    that squad's next drive from the lead."""
    states = list(squads)
    planned: dict[int, Option] = {}
    position: dict[int, int] = {}
    remaining = list(leads)
    while remaining and states:
        travel = travel_seconds(remaining, states)
        eta, mask = eligible(remaining, states, travel, need_room=False)
        weights = np.array([lead.weight for lead in remaining], dtype=float)[:, None]
        ratio = np.where(mask, eta / weights, np.inf)
        if not np.isfinite(ratio).any():
            break
        row, column = (int(n) for n in np.unravel_index(np.argmin(ratio), ratio.shape))
        lead, state = remaining.pop(row), states[column]
        option = Option(state.key, float(eta[row, column]), float(travel[row, column]),
                        state.free_s, mutual_aid=state.district_id != lead.district_id)
        planned[lead.key] = option
        position[lead.key] = state.load - squads[column].load + 1
        states[column] = replace(state, free_s=option.eta_s + handle_s, lat=lead.lat,
                                 lon=lead.lon, load=state.load + 1)
    return planned, position


def _seconds(squad: SquadState, lead: Waiting) -> float:
    return float(travel_seconds([lead], [squad])[0, 0])


def _cost(leads: list[Waiting], planned: dict[int, Option]) -> float:
    """Risk-weighted minutes until each lead is reached, each minute past the limit counted
    `LATE_WEIGHT` times more; a lead left out costs as if reached after a whole night."""
    total = 0.0
    for lead in leads:
        eta = planned[lead.key].eta_s if lead.key in planned else 12 * 3600.0
        total += lead.weight * (eta + LATE_WEIGHT * max(0.0, eta - lead.due_s)) / 60
    return total


def _search(leads: list[Waiting], squads: list[SquadState], travel: np.ndarray,
            handle_s: float, time_limit_s: float,
            greedy: tuple[dict[int, Option], dict[int, int]],
            solution_limit: int = 0) -> list[list[int]] | None:
    """Routes (lead rows per squad) from OR-Tools, started from the greedy plan; None when
    the search returned nothing within its time."""
    n_squads, n_leads = len(squads), len(leads)
    # Nodes: one start per squad, then the leads, then one shared end (free to reach).
    end = n_squads + n_leads
    manager = pywrapcp.RoutingIndexManager(end + 1, n_squads, list(range(n_squads)),
                                           [end] * n_squads)
    model = pywrapcp.RoutingModel(manager)
    lead_pair = np.zeros((n_leads, n_leads))
    if n_leads:
        lats = np.radians([lead.lat for lead in leads])
        lons = np.radians([lead.lon for lead in leads])
        a = (np.sin((lats[None, :] - lats[:, None]) / 2) ** 2 + np.cos(lats)[:, None]
             * np.cos(lats)[None, :] * np.sin((lons[None, :] - lons[:, None]) / 2) ** 2)
        lead_pair = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.minimum(a, 1.0))) * ROAD_FACTOR

    # Transit from node a to node b: the drive, plus the time spent at a (nothing at a start).
    # Start node c belongs to squad c alone, so one matrix serves every squad of one speed.
    matrices: dict[float, int] = {}
    callbacks = []
    search = np.array([lead.search_s for lead in leads])
    for squad in squads:
        if squad.speed_kmh not in matrices:
            matrix = np.zeros((end + 1, end + 1))
            speed = squad.speed_kmh / 3.6
            matrix[:n_squads, n_squads:end] = travel[:n_leads].T + search[None, :]
            matrix[n_squads:end, n_squads:end] = (handle_s + lead_pair / speed
                                                  + search[None, :])
            matrices[squad.speed_kmh] = model.RegisterTransitMatrix(
                matrix.astype(int).tolist())
        callbacks.append(matrices[squad.speed_kmh])
    horizon = 48 * 3600
    model.AddDimensionWithVehicleTransits(callbacks, horizon, horizon, False, "time")
    model.AddDimensionWithVehicleTransits(callbacks, horizon, horizon, False, "late")
    arrival, late = model.GetDimensionOrDie("time"), model.GetDimensionOrDie("late")
    for column, squad in enumerate(squads):
        start = model.Start(column)
        arrival.CumulVar(start).SetValue(int(squad.free_s))
        late.CumulVar(start).SetValue(int(squad.free_s))
        model.SetArcCostEvaluatorOfVehicle(
            _mutual_aid_cost(model, leads, squad, n_squads, travel[:n_leads, column]), column)
    for row, lead in enumerate(leads):
        index = manager.NodeToIndex(n_squads + row)
        weight = max(1, int(round(lead.weight)))
        arrival.SetCumulVarSoftUpperBound(index, 0, weight)
        late.SetCumulVarSoftUpperBound(index, max(0, int(lead.due_s)), weight * LATE_WEIGHT)
        model.AddDisjunction([index], weight * LATE_WEIGHT * DROP_PENALTY_S)
    parameters = pywrapcp.DefaultRoutingSearchParameters()
    parameters.local_search_metaheuristic = (
        routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
    parameters.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
    if solution_limit > 0:
        parameters.solution_limit = solution_limit
    model.CloseModelWithParameters(parameters)
    planned, position = greedy
    row_of = {lead.key: row for row, lead in enumerate(leads)}
    initial_routes = [[] for _ in squads]
    column_of = {squad.key: column for column, squad in enumerate(squads)}
    for key, option in sorted(planned.items(), key=lambda item: position[item[0]]):
        initial_routes[column_of[option.squad]].append(
            manager.NodeToIndex(n_squads + row_of[key]))
    initial = model.ReadAssignmentFromRoutes(initial_routes, True)
    solution = (model.SolveFromAssignmentWithParameters(initial, parameters)
                if initial is not None else model.SolveWithParameters(parameters))
    if solution is None:
        return None
    routes = []
    for column in range(n_squads):
        rows, index = [], solution.Value(model.NextVar(model.Start(column)))
        while not model.IsEnd(index):
            rows.append(manager.IndexToNode(index) - n_squads)
            index = solution.Value(model.NextVar(index))
        routes.append(rows)
    return routes


def _mutual_aid_cost(model, leads: list[Waiting], squad: SquadState, n_squads: int,
                     travel: np.ndarray) -> int:
    """The arc cost for one squad (`travel`: its column): a lead of another district costs what
    arriving `MUTUAL_AID_GAIN_S` later would, so a neighbour goes only when it is that much
    sooner, and one further than `MUTUAL_AID_MAX_DRIVE_S` costs more than leaving it out."""
    size = n_squads + len(leads) + 1
    penalty = []
    for row, lead in enumerate(leads):
        weight = max(1, round(lead.weight))
        if lead.district_id == squad.district_id:
            penalty.append(0)
        elif travel[row] > MUTUAL_AID_MAX_DRIVE_S:
            penalty.append(int(weight * LATE_WEIGHT * FAR_PENALTY_S))
        else:
            penalty.append(int(weight * MUTUAL_AID_GAIN_S))
    return model.RegisterTransitMatrix([[0] * n_squads + penalty + [0]] * size)


def _timed(routes: list[list[int]], leads: list[Waiting], squads: list[SquadState],
           travel: np.ndarray, handle_s: float) -> tuple[dict[int, Option], dict[int, int]]:
    """The ETA of every lead along the routes."""
    planned, position = {}, {}
    for column, rows in enumerate(routes):
        squad = squads[column]
        clock, here = squad.free_s, squad
        for number, row in enumerate(rows, start=1):
            lead = leads[row]
            drive = travel[row][column] if number == 1 else _seconds(here, lead)
            eta = clock + drive + lead.search_s
            planned[lead.key] = Option(squad.key, eta, float(drive), clock,
                                       mutual_aid=squad.district_id != lead.district_id)
            position[lead.key] = number
            clock = eta + handle_s
            here = replace(squad, lat=lead.lat, lon=lead.lon)
    return planned, position


def shortfalls(leads: list[Waiting], squads: list[SquadState], planned: dict[int, Option],
               handle_s: float, centres: dict[int | None, tuple[float, float]]
               ) -> list[Shortfall]:
    """Districts whose leads the plan reaches late for want of squads, with the squads they
    lack. A lead is late for want of squads when its ETA is past both its limit and the time a
    free squad at the district's centre would need."""
    by_district: dict[int | None, list[Waiting]] = {}
    for lead in leads:
        by_district.setdefault(lead.district_id, []).append(lead)
    found = []
    for district_id, mine in by_district.items():
        centre = centres.get(district_id) or (mine[0].lat, mine[0].lon)
        late = [lead for lead in mine if _is_late(lead, planned.get(lead.key), centre)]
        if late:
            found.append(Shortfall(district_id, len(late), _squads_missing(
                district_id, mine, squads, handle_s, centre)))
    return sorted(found, key=lambda short: (-short.late, short.district_id or 0))


def uncovered(district_ids: set[int], squads: list[SquadState],
              centres: dict[int | None, tuple[float, float]]) -> list[Shortfall]:
    """Among `district_ids` (those that must be covered tonight), the ones with no squad on
    shift of their own or of a district whose centre is within the mutual-aid drive: a person
    reported there would wait for a squad from afar, so a squad is missing before anyone is.
    Judged from the districts the squads cover (their own, or one they were sent to wait in),
    not where they stand, so a squad passing through on a task does not make the alert come and
    go."""
    homes = {squad.district_id for squad in squads}
    at_home = [SquadState(0, "", home, 0.0, *centres[home], load=0, capacity=1)
               for home in sorted(homes) if home in centres]
    found = []
    for district_id in sorted(district_ids):
        if district_id in homes or district_id not in centres:
            continue
        if not at_home or drive_seconds(*centres[district_id], at_home).min() > \
                MUTUAL_AID_MAX_DRIVE_S:
            found.append(Shortfall(district_id, 0, 1, uncovered=True))
    return found


def _is_late(lead: Waiting, option: Option | None, centre: tuple[float, float]) -> bool:
    if option is None:
        return True
    fresh = SquadState(0, "", lead.district_id or 0, 0.0, *centre, load=0, capacity=1)
    return option.eta_s > max(lead.due_s, _seconds(fresh, lead) + lead.search_s) + GRACE_S


def _squads_missing(district_id: int | None, leads: list[Waiting], squads: list[SquadState],
                    handle_s: float, centre: tuple[float, float]) -> int:
    """The fewest squads at the district's centre with which no lead is late (a bisection:
    more squads never make the greedy plan later)."""
    def enough(extra: int) -> bool:
        pool = squads + [SquadState(-n, "", district_id or 0, 0.0, *centre, load=0, capacity=3)
                         for n in range(1, extra + 1)]
        planned, _ = _greedy(leads, pool, handle_s)
        return not any(_is_late(lead, planned.get(lead.key), centre) for lead in leads)

    low, high = 1, MAX_EXTRA_SQUADS
    if not enough(high):
        return MAX_EXTRA_SQUADS
    while low < high:
        middle = (low + high) // 2
        if enough(middle):
            high = middle
        else:
            low = middle + 1
    return low
