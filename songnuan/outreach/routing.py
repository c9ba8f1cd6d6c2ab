"""Night patrol routes (夜间巡查路线): which squad visits which hotspots, in what order.

A vehicle routing problem with time windows, solved with OR-Tools' routing solver: every squad
leaves its base at the start of its shift and is back by its end; each stop is visited at most
once by one squad, inside its own window if it has one. Stops that cannot fit into any shift are
reported as dropped rather than silently squeezed in, so the plan can flag them.

Travel times are straight-line (haversine) distance × `ROAD_FACTOR` at a squad's speed: no road
graph is shipped offline, and the factor (≈1.3 for a city grid) keeps estimates honest on
average, not street by street. This module is pure Python: it knows nothing of Django models.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ortools.constraint_solver import pywrapcp, routing_enums_pb2

from songnuan.geo.distance import haversine_m

ROAD_FACTOR = 1.3  # road distance / straight-line distance, a common urban detour index
DEFAULT_SPEED_KMH = 25.0  # patrol vans in city traffic at night, stops included
DROP_PENALTY_S = 24 * 3600  # dropping a stop costs more than any detour within a night
DEFAULT_TIME_LIMIT_S = 2.0


@dataclass(frozen=True)
class Stop:
    """A place to visit: `window_s` is (earliest, latest) arrival in seconds from plan start."""

    key: str
    lat: float
    lon: float
    service_s: int = 15 * 60
    window_s: tuple[int, int] | None = None


@dataclass(frozen=True)
class Vehicle:
    """A squad for the night: its base and its shift, in seconds from plan start."""

    key: str
    lat: float
    lon: float
    shift_start_s: int
    shift_end_s: int
    speed_kmh: float = DEFAULT_SPEED_KMH


@dataclass(frozen=True)
class Visit:
    stop_key: str
    arrive_s: int
    depart_s: int


@dataclass
class Route:
    vehicle_key: str
    visits: list[Visit] = field(default_factory=list)
    leave_s: int = 0
    return_s: int = 0
    distance_m: float = 0.0


@dataclass
class Plan:
    routes: list[Route]
    dropped: list[str]

    @property
    def visit_count(self) -> int:
        return sum(len(route.visits) for route in self.routes)


class RoutingError(ValueError):
    """The problem as given cannot be solved (no squads, bad windows)."""


def road_distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    return haversine_m(lat1, lon1, lat2, lon2) * ROAD_FACTOR


def travel_s(distance_m: float, speed_kmh: float) -> int:
    return round(distance_m / (speed_kmh * 1000 / 3600))


def plan_routes(stops: list[Stop], vehicles: list[Vehicle], *,
                time_limit_s: float = DEFAULT_TIME_LIMIT_S) -> Plan:
    """Assign stops to vehicles and order them, minimising total travel time.

    A time limit of 0 keeps the first solution found: quicker, and the same on every machine
    (the search that improves on it stops when time runs out, so its result depends on speed).
    """
    if not vehicles:
        raise RoutingError("no squads on duty")
    if len({stop.key for stop in stops}) != len(stops):
        raise RoutingError("stop keys must be unique")
    for vehicle in vehicles:
        if vehicle.shift_end_s <= vehicle.shift_start_s:
            raise RoutingError(f"shift of {vehicle.key} ends before it starts")
    if not stops:
        return Plan([Route(v.key, leave_s=v.shift_start_s, return_s=v.shift_start_s)
                     for v in vehicles], [])
    return _Solver(stops, vehicles).solve(time_limit_s)


class _Solver:
    """Nodes 0..V-1 are the vehicles' bases, V.. the stops."""

    def __init__(self, stops: list[Stop], vehicles: list[Vehicle]):
        self.stops, self.vehicles = stops, vehicles
        points = [(v.lat, v.lon) for v in vehicles] + [(s.lat, s.lon) for s in stops]
        self.distance = [[road_distance_m(*a, *b) for b in points] for a in points]
        self.base_count = len(vehicles)
        self.manager = pywrapcp.RoutingIndexManager(
            len(points), len(vehicles), list(range(len(vehicles))), list(range(len(vehicles))))
        self.model = pywrapcp.RoutingModel(self.manager)

    def service_s(self, node: int) -> int:
        return 0 if node < self.base_count else self.stops[node - self.base_count].service_s

    def solve(self, time_limit_s: float) -> Plan:
        horizon = max(v.shift_end_s for v in self.vehicles)
        callbacks = []
        for number, vehicle in enumerate(self.vehicles):
            callback = self._time_callback(vehicle.speed_kmh)
            callbacks.append(callback)
            self.model.SetArcCostEvaluatorOfVehicle(callback, number)
        self.model.AddDimensionWithVehicleTransits(callbacks, horizon, horizon, False, "time")
        time = self.model.GetDimensionOrDie("time")
        for number, vehicle in enumerate(self.vehicles):
            time.CumulVar(self.model.Start(number)).SetRange(vehicle.shift_start_s,
                                                             vehicle.shift_end_s)
            time.CumulVar(self.model.End(number)).SetRange(vehicle.shift_start_s,
                                                           vehicle.shift_end_s)
            self.model.AddVariableMinimizedByFinalizer(time.CumulVar(self.model.Start(number)))
            self.model.AddVariableMinimizedByFinalizer(time.CumulVar(self.model.End(number)))
        for offset, stop in enumerate(self.stops):
            index = self.manager.NodeToIndex(self.base_count + offset)
            if stop.window_s:
                earliest, latest = stop.window_s
                if latest < earliest:
                    raise RoutingError(f"window of {stop.key} ends before it starts")
                time.CumulVar(index).SetRange(max(0, earliest), max(0, min(latest, horizon)))
            self.model.AddDisjunction([index], DROP_PENALTY_S)
        parameters = pywrapcp.DefaultRoutingSearchParameters()
        parameters.first_solution_strategy = (
            routing_enums_pb2.FirstSolutionStrategy.PARALLEL_CHEAPEST_INSERTION)
        if time_limit_s > 0:
            parameters.local_search_metaheuristic = (
                routing_enums_pb2.LocalSearchMetaheuristic.GUIDED_LOCAL_SEARCH)
            parameters.time_limit.FromMilliseconds(max(1, int(time_limit_s * 1000)))
        else:
            parameters.solution_limit = 1
        solution = self.model.SolveWithParameters(parameters)
        if solution is None:
            # Dropping every stop is always feasible, so this means the shifts themselves clash.
            raise RoutingError("no feasible plan")
        return self._read(solution, time)

    def _time_callback(self, speed_kmh: float) -> int:
        def transit(from_index: int, to_index: int) -> int:
            a, b = self.manager.IndexToNode(from_index), self.manager.IndexToNode(to_index)
            return self.service_s(a) + travel_s(self.distance[a][b], speed_kmh)

        return self.model.RegisterTransitCallback(transit)

    def _read(self, solution, time) -> Plan:
        routes, visited = [], set()
        for number, vehicle in enumerate(self.vehicles):
            route = Route(vehicle.key)
            index = self.model.Start(number)
            route.leave_s = solution.Min(time.CumulVar(index))
            previous = self.manager.IndexToNode(index)
            index = solution.Value(self.model.NextVar(index))
            while not self.model.IsEnd(index):
                node = self.manager.IndexToNode(index)
                stop = self.stops[node - self.base_count]
                arrive = solution.Min(time.CumulVar(index))
                route.visits.append(Visit(stop.key, arrive, arrive + stop.service_s))
                route.distance_m += self.distance[previous][node]
                visited.add(stop.key)
                previous = node
                index = solution.Value(self.model.NextVar(index))
            route.distance_m += self.distance[previous][number]
            route.return_s = solution.Min(time.CumulVar(index))
            routes.append(route)
        dropped = [stop.key for stop in self.stops if stop.key not in visited]
        return Plan(routes, dropped)


def check_plan(plan: Plan, stops: list[Stop], vehicles: list[Vehicle]) -> list[str]:
    """Problems with a plan, recomputed from scratch (empty when it is feasible)."""
    problems = []
    by_stop = {stop.key: stop for stop in stops}
    by_vehicle = {vehicle.key: vehicle for vehicle in vehicles}
    seen: list[str] = []
    for route in plan.routes:
        vehicle = by_vehicle[route.vehicle_key]
        clock, here = route.leave_s, (vehicle.lat, vehicle.lon)
        if clock < vehicle.shift_start_s:
            problems.append(f"{vehicle.key} leaves before its shift")
        for visit in route.visits:
            stop = by_stop[visit.stop_key]
            earliest = clock + travel_s(road_distance_m(*here, stop.lat, stop.lon),
                                        vehicle.speed_kmh)
            if visit.arrive_s < earliest:
                problems.append(f"{stop.key} reached sooner than travel allows")
            if stop.window_s and not stop.window_s[0] <= visit.arrive_s <= stop.window_s[1]:
                problems.append(f"{stop.key} visited outside its window")
            clock, here = visit.arrive_s + stop.service_s, (stop.lat, stop.lon)
            seen.append(stop.key)
        back = clock + travel_s(road_distance_m(*here, vehicle.lat, vehicle.lon),
                                vehicle.speed_kmh)
        if max(back, route.return_s) > vehicle.shift_end_s:
            problems.append(f"{vehicle.key} is back after its shift ends")
    if len(seen) != len(set(seen)):
        problems.append("a stop is visited twice")
    missing = set(by_stop) - set(seen) - set(plan.dropped)
    if missing:
        problems.append(f"stops neither visited nor dropped: {sorted(missing)}")
    return problems
