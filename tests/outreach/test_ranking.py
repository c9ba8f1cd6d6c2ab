"""Squad suggestion: nearest available by road, weighed by load, with the reason."""

from __future__ import annotations

from songnuan.outreach.ranking import LOAD_PENALTY_MIN, Candidate, rank_squads

LEAD = (36.066, 120.318)  # 中山路


def squad(key, km_north: float | None, *, load=0, on_shift=True, capacity=3):
    lat = None if km_north is None else LEAD[0] + km_north / 111.2
    lon = None if km_north is None else LEAD[1]
    return Candidate(key, f"第{key}分队", lat, lon, on_shift=on_shift, load=load,
                     capacity=capacity)


def keys(ranked):
    return [suggestion.key for suggestion in ranked]


def test_the_nearest_idle_squad_comes_first():
    ranked = rank_squads(*LEAD, [squad(1, 5), squad(2, 1), squad(3, 3)])
    assert keys(ranked) == [2, 3, 1]


def test_a_busy_squad_gives_way_to_a_slightly_farther_idle_one():
    ranked = rank_squads(*LEAD, [squad(1, 1, load=2), squad(2, 3)])
    assert keys(ranked) == [2, 1]


def test_load_does_not_outweigh_a_long_drive():
    far = 25  # km: about an hour at night speeds, more than one task's penalty
    ranked = rank_squads(*LEAD, [squad(1, 1, load=1), squad(2, far)])
    assert keys(ranked) == [1, 2]
    assert ranked[1].score_min - ranked[0].score_min > LOAD_PENALTY_MIN


def test_squads_off_shift_or_full_are_never_suggested():
    ranked = rank_squads(*LEAD, [squad(1, 1, on_shift=False), squad(2, 1, load=3),
                                 squad(3, 9)])
    assert keys(ranked) == [3]


def test_a_squad_without_a_position_ranks_after_located_ones():
    ranked = rank_squads(*LEAD, [squad(1, None), squad(2, 30)])
    assert keys(ranked) == [2, 1]
    assert ranked[1].distance_m is None


def test_the_reason_gives_road_distance_time_and_load():
    ranked = rank_squads(*LEAD, [squad(1, 2, load=1)])
    reason = ranked[0].reason
    assert "km by road" in reason and "min" in reason and "1 open task" in reason
    # Road distance is the straight line times the road factor, so more than 2 km.
    assert 2_400 < ranked[0].distance_m < 2_800


def test_no_candidates_gives_no_suggestion():
    assert rank_squads(*LEAD, []) == []
