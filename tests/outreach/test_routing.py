"""The night patrol route solver: feasible, within the shift, every hotspot at most once."""

from __future__ import annotations

import random

import pytest

from songnuan.outreach.routing import (
    Plan,
    Route,
    RoutingError,
    Stop,
    Vehicle,
    Visit,
    check_plan,
    plan_routes,
)

HOUR = 3600
# 市南区 around 中山路; stops scattered within a few kilometres.
BASE = (36.066, 120.318)


def scattered_stops(count: int, seed: int = 7, **fields) -> list[Stop]:
    rng = random.Random(seed)
    return [Stop(f"h{n}", BASE[0] + rng.uniform(-0.03, 0.03),
                 BASE[1] + rng.uniform(-0.04, 0.04), **fields) for n in range(count)]


def squads(count: int, hours: float = 8) -> list[Vehicle]:
    return [Vehicle(f"s{n}", *BASE, shift_start_s=0, shift_end_s=int(hours * HOUR))
            for n in range(count)]


def test_it_visits_every_assigned_hotspot_exactly_once_within_the_shift():
    stops, vehicles = scattered_stops(18), squads(3)
    plan = plan_routes(stops, vehicles, time_limit_s=0.2)
    assert plan.dropped == []
    visited = [visit.stop_key for route in plan.routes for visit in route.visits]
    assert sorted(visited) == sorted(stop.key for stop in stops)
    assert check_plan(plan, stops, vehicles) == []
    assert all(route.return_s <= 8 * HOUR for route in plan.routes)


def test_it_respects_a_hotspots_time_window():
    stops = scattered_stops(6)
    late = Stop("late", BASE[0] + 0.01, BASE[1], window_s=(5 * HOUR, 6 * HOUR))
    plan = plan_routes([*stops, late], squads(1), time_limit_s=0.2)
    arrival = next(v.arrive_s for r in plan.routes for v in r.visits if v.stop_key == "late")
    assert 5 * HOUR <= arrival <= 6 * HOUR
    assert check_plan(plan, [*stops, late], squads(1)) == []


def test_it_drops_and_names_stops_that_cannot_fit_into_any_shift():
    stops = scattered_stops(10, service_s=30 * 60)  # 10 × 30 min cannot fit in 2 hours
    vehicles = squads(1, hours=2)
    plan = plan_routes(stops, vehicles, time_limit_s=0.2)
    assert plan.dropped, "some stops must be reported as missed"
    assert len(plan.dropped) + plan.visit_count == len(stops)
    assert check_plan(plan, stops, vehicles) == []


def test_it_shares_the_work_between_squads_when_one_cannot_do_it_all():
    stops = scattered_stops(12, service_s=25 * 60)
    vehicles = squads(3, hours=3)
    plan = plan_routes(stops, vehicles, time_limit_s=0.2)
    assert plan.dropped == []
    assert sum(1 for route in plan.routes if route.visits) >= 2


def test_it_beats_visiting_the_stops_in_the_order_given():
    stops, vehicles = scattered_stops(15, seed=3), squads(1, hours=12)
    plan = plan_routes(stops, vehicles, time_limit_s=0.2)
    naive = Plan([Route("s0", [Visit(s.key, 0, 0) for s in stops])], [])
    assert plan.routes[0].distance_m < _length(naive, stops, vehicles[0]) * 0.8


def test_it_honours_a_shift_that_starts_later():
    stops = scattered_stops(4)
    vehicles = [Vehicle("late", *BASE, shift_start_s=2 * HOUR, shift_end_s=6 * HOUR)]
    plan = plan_routes(stops, vehicles, time_limit_s=0.2)
    assert plan.routes[0].leave_s >= 2 * HOUR
    assert all(v.arrive_s >= 2 * HOUR for v in plan.routes[0].visits)


def test_the_checker_catches_a_stop_visited_twice():
    stops, vehicles = scattered_stops(2), squads(1)
    plan = Plan([Route("s0", [Visit("h0", 3600, 4500), Visit("h0", 7200, 8100)],
                       return_s=9000)], [])
    assert "a stop is visited twice" in check_plan(plan, stops, vehicles)


def test_it_refuses_a_night_without_squads():
    with pytest.raises(RoutingError):
        plan_routes(scattered_stops(2), [])


def _length(plan: Plan, stops: list[Stop], vehicle: Vehicle) -> float:
    from songnuan.outreach.routing import road_distance_m

    by_key = {s.key: s for s in stops}
    here, total = (vehicle.lat, vehicle.lon), 0.0
    for visit in plan.routes[0].visits:
        stop = by_key[visit.stop_key]
        total += road_distance_m(*here, stop.lat, stop.lon)
        here = (stop.lat, stop.lon)
    return total + road_distance_m(*here, vehicle.lat, vehicle.lon)


def test_without_a_time_limit_it_keeps_the_first_plan_the_same_every_time():
    stops, vehicles = scattered_stops(18), squads(3)
    first = plan_routes(stops, vehicles, time_limit_s=0)
    assert first.dropped == [] and check_plan(first, stops, vehicles) == []
    assert all(plan_routes(stops, vehicles, time_limit_s=0) == first for _ in range(3))
