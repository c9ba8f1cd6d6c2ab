"""The night's dispatch plan: ETAs, mutual aid, sharing the queue, the search and shortfalls."""

from __future__ import annotations

import random

from hypothesis import given
from hypothesis import strategies as st
from ortools.constraint_solver import pywrapcp

from songnuan.outreach.planning import (
    SquadState,
    Waiting,
    make_plan,
    rank_options,
    travel_seconds,
)

SHINAN, LAOSHAN = 1, 2
STATION = (36.0643, 120.3125)  # 青岛站
MAY_FOURTH = (36.0617, 120.3844)  # 五四广场, about 6 km east
LAOSHAN_CENTRE = (36.1073, 120.4689)
HANDLE_S = 25 * 60


def squad(key, at, district=SHINAN, free_s=0.0, load=0, capacity=3):
    return SquadState(key, f"队{key}", district, free_s, *at, load=load, capacity=capacity)


def lead(key, at, district=SHINAN, weight=5.0, due_s=18 * 60, search_s=0.0):
    return Waiting(key, district, *at, weight=weight, due_s=due_s, search_s=search_s)


def ranked(one, squads):
    return rank_options(one, squads, travel_seconds([one], squads)[0])


def test_a_free_squad_further_away_beats_a_near_one_with_a_long_queue():
    near_busy = squad(1, STATION, free_s=50 * 60, load=2)
    far_free = squad(2, MAY_FOURTH)
    options = ranked(lead(10, STATION), [near_busy, far_free])
    assert [o.squad for o in options] == [2, 1]
    assert options[0].queue_s == 0 and options[1].queue_s == 50 * 60
    assert options[0].eta_s == options[0].travel_s


def test_the_eta_is_the_queue_plus_the_drive_from_where_the_queue_leaves_the_squad():
    busy = squad(1, MAY_FOURTH, free_s=600)
    option = ranked(lead(10, STATION), [busy])[0]
    drive = travel_seconds([lead(10, STATION)], [busy])[0][0]
    assert option.eta_s == 600 + drive
    assert 10 * 60 < drive < 30 * 60  # 6 km by road at 25 km/h


def test_the_district_keeps_its_leads_while_one_of_its_squads_is_in_time():
    own = squad(1, MAY_FOURTH, district=SHINAN)
    neighbour = squad(2, STATION, district=LAOSHAN)
    options = ranked(lead(10, STATION, due_s=40 * 60), [own, neighbour])
    assert [o.squad for o in options] == [1] and not options[0].mutual_aid


def test_mutual_aid_crosses_the_border_when_the_own_district_cannot_arrive_in_time():
    own = squad(1, LAOSHAN_CENTRE, district=SHINAN)
    neighbour = squad(2, MAY_FOURTH, district=LAOSHAN)
    options = ranked(lead(10, STATION, due_s=18 * 60), [own, neighbour])
    assert options[0].squad == 2 and options[0].mutual_aid
    assert [o.squad for o in options] == [2, 1]


def test_a_full_squad_is_not_offered_but_the_plan_may_give_it_work_for_later():
    full = squad(1, STATION, load=3, capacity=3)
    assert ranked(lead(10, STATION), [full]) == []
    plan = make_plan([lead(10, STATION)], [full], handle_s=HANDLE_S, time_limit_s=0)
    assert plan.planned[10].squad == 1
    assert plan.assign_now(10, {1: full}, commit_ahead_s=3600) is None


def test_two_leads_near_one_squad_go_to_two_squads_not_into_one_queue():
    near = squad(1, STATION)
    other = squad(2, MAY_FOURTH)
    leads = [lead(10, STATION), lead(11, (36.0650, 120.3140))]
    plan = make_plan(leads, [near, other], handle_s=HANDLE_S, time_limit_s=0)
    assert {plan.planned[10].squad, plan.planned[11].squad} == {1, 2}
    assert plan.position[10] == plan.position[11] == 1


def test_the_highest_risk_lead_gets_the_soonest_squad():
    only = squad(1, STATION)
    calm = lead(10, (36.0680, 120.3125), weight=2.0)  # about 400 m north
    lying_in_the_cold = lead(11, (36.0606, 120.3125), weight=9.0)  # about 400 m south
    plan = make_plan([calm, lying_in_the_cold], [only], handle_s=HANDLE_S, time_limit_s=0)
    assert plan.position[11] == 1 and plan.position[10] == 2
    states = {1: only}
    assert plan.assign_now(11, states, commit_ahead_s=0) is not None
    assert plan.assign_now(10, states, commit_ahead_s=3600) is None


def test_a_busy_squad_is_sent_its_next_lead_only_when_it_is_free_soon():
    busy = squad(1, STATION, free_s=45 * 60, load=1)
    plan = make_plan([lead(10, STATION)], [busy], handle_s=HANDLE_S, time_limit_s=0)
    assert plan.assign_now(10, {1: busy}, commit_ahead_s=20 * 60) is None
    assert plan.assign_now(10, {1: busy}, commit_ahead_s=60 * 60) is not None


def _city(seed: int, n_squads: int = 8, n_leads: int = 30):
    rng = random.Random(seed)

    def point():
        return 36.07 + rng.uniform(-0.04, 0.04), 120.38 + rng.uniform(-0.06, 0.06)

    squads = [squad(k, point(), district=k % 3, free_s=rng.uniform(0, 1800),
                    load=rng.randint(0, 2)) for k in range(1, n_squads + 1)]
    leads = [lead(100 + k, point(), district=k % 3, weight=rng.randint(1, 10),
                  due_s=rng.uniform(-600, 3000)) for k in range(n_leads)]
    return leads, squads


def test_the_search_never_makes_the_plan_worse_than_the_greedy_one():
    leads, squads = _city(7)
    greedy = make_plan(leads, squads, handle_s=HANDLE_S, time_limit_s=0)
    searched = make_plan(leads, squads, handle_s=HANDLE_S, time_limit_s=0.5)
    assert greedy.solver == "greedy" and not greedy.fell_back
    assert searched.cost <= greedy.cost
    assert set(searched.planned) == {one.key for one in leads}


def test_a_plan_whose_time_runs_out_keeps_the_greedy_plan_and_says_so():
    leads, squads = _city(3, n_leads=60)
    plan = make_plan(leads, squads, handle_s=HANDLE_S, time_limit_s=1e-9)
    assert plan.fell_back and plan.solver == "greedy"
    assert set(plan.planned) == {one.key for one in leads}


def test_a_solution_limit_ends_the_search_with_the_same_plan_whatever_time_is_left(monkeypatch):
    found = []
    close = pywrapcp.RoutingModel.CloseModelWithParameters

    def counting(model, parameters):
        found.append(0)
        model.AddAtSolutionCallback(lambda: found.__setitem__(-1, found[-1] + 1))
        return close(model, parameters)

    monkeypatch.setattr(pywrapcp.RoutingModel, "CloseModelWithParameters", counting)
    leads, squads = _city(5, n_leads=12)
    first, again = (make_plan(leads, squads, handle_s=HANDLE_S, time_limit_s=60,
                              solution_limit=20) for _ in range(2))
    assert found == [21, 21]  # the greedy plan it starts from and 20 more, not a minute's worth
    assert first.solver == "routing" and first.planned == again.planned
    assert first.cost == again.cost


def test_a_district_short_of_squads_is_told_how_many_it_lacks():
    leads = [lead(10 + k, (36.0643 + 0.004 * k, 120.3125 + 0.004 * k), due_s=18 * 60)
             for k in range(6)]
    one = [squad(1, STATION)]
    plan = make_plan(leads, one, handle_s=HANDLE_S, time_limit_s=0,
                     centres={SHINAN: STATION})
    [short] = plan.shortfalls
    assert short.district_id == SHINAN and short.late >= 4
    assert 3 <= short.squads_missing <= 6
    enough = [squad(k, STATION) for k in range(1, 8)]
    assert make_plan(leads, enough, handle_s=HANDLE_S, time_limit_s=0,
                     centres={SHINAN: STATION}).shortfalls == []


def test_a_lead_known_only_by_district_is_planned_with_the_time_to_find_the_person():
    centre = squad(1, STATION)
    option = ranked(lead(10, STATION, search_s=900), [centre])[0]
    assert option.eta_s == 900


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=1, max_value=6),
       st.integers(min_value=0, max_value=25))
def test_every_waiting_lead_is_planned_once_and_options_come_soonest_first(seed, n_squads,
                                                                           n_leads):
    leads, squads = _city(seed, n_squads=n_squads, n_leads=n_leads)
    plan = make_plan(leads, squads, handle_s=HANDLE_S, time_limit_s=0)
    assert set(plan.planned) == {one.key for one in leads}
    for options in plan.options.values():
        etas = [option.eta_s for option in options]
        assert etas == sorted(etas)
    for squad_key in {option.squad for option in plan.planned.values()}:
        mine = sorted(plan.position[k] for k, o in plan.planned.items() if o.squad == squad_key)
        assert mine == list(range(1, len(mine) + 1))


def test_with_no_squad_on_shift_every_lead_waits_and_every_district_is_short():
    leads = [lead(10, STATION), lead(11, LAOSHAN_CENTRE, district=LAOSHAN)]
    plan = make_plan(leads, [], handle_s=HANDLE_S, centres={SHINAN: STATION,
                                                            LAOSHAN: LAOSHAN_CENTRE})
    assert plan.options == {10: [], 11: []} and plan.planned == {}
    assert {short.district_id for short in plan.shortfalls} == {SHINAN, LAOSHAN}
    assert all(short.squads_missing >= 1 for short in plan.shortfalls)
