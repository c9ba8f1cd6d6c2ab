"""The rule engine on crafted series: thresholds, drops, warnings, night snow, lead, hold-off."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from songnuan.weather import engine
from songnuan.weather.levels import ProtocolLevel as L
from tests.weather.factories import T0, hours, series, signal

CALM = engine.RuleSet(use_wind_chill=False, lead_hours=0, hold_hours=0)


def level(temps, at=0, rules=CALM, signals=(), **kwargs):
    return engine.assess(T0 + hours(at), series(temps, **kwargs), list(signals), rules).level


def test_it_is_normal_above_every_threshold():
    assert level([5.0] * 24, at=10) == L.NORMAL


def test_each_threshold_gives_its_level_at_or_below_it():
    assert level([0.0] * 24, at=10) == L.COLD_ALERT
    assert level([-4.9] * 24, at=10) == L.COLD_ALERT
    assert level([-5.0] * 24, at=10) == L.SEVERE_COLD
    assert level([-10.0] * 24, at=10) == L.EXTREME_COLD


def test_wind_chill_counts_when_the_rules_include_it():
    rules = engine.RuleSet(use_wind_chill=True, lead_hours=0, hold_hours=0)
    # 1 °C in a 10 m/s wind feels like about −5 °C.
    assert level([1.0] * 24, at=10, rules=rules, wind=10.0) == L.SEVERE_COLD
    assert level([1.0] * 24, at=10, rules=CALM, wind=10.0) == L.NORMAL


def test_the_wind_chill_index_matches_the_published_table():
    # Environment Canada's table: −10 °C at 30 km/h feels like −20 °C.
    assert round(engine.wind_chill_c(-10, 30 / 3.6)) == -20
    assert engine.wind_chill_c(15, 10) == 15  # undefined above 10 °C
    assert engine.wind_chill_c(-5, 1) == -5  # and in still air


def test_a_sudden_drop_to_the_cold_counts():
    rules = engine.RuleSet(use_wind_chill=False, lead_hours=0, hold_hours=0, alert_min_c=-20,
                           severe_min_c=-25, extreme_min_c=-30)
    temps = [12.0] * 24 + [3.0] * 24  # 9 °C colder than the same hour yesterday, ending ≤ 4 °C
    result = engine.assess(T0 + hours(30), series(temps), [], rules)
    assert result.level == L.SEVERE_COLD
    assert result.trigger.rule == "sudden_drop"
    assert result.trigger.data["drop_c"] == 9.0


def test_a_drop_too_small_or_ending_mild_does_not_count():
    rules = engine.RuleSet(use_wind_chill=False, lead_hours=0, hold_hours=0, alert_min_c=-20,
                           severe_min_c=-25, extreme_min_c=-30)
    assert engine.assess(T0 + hours(30), series([10.0] * 24 + [3.0] * 24), [], rules).level \
        == L.NORMAL  # 7 °C
    assert engine.assess(T0 + hours(30), series([20.0] * 24 + [9.0] * 24), [], rules).level \
        == L.NORMAL  # ends at 9 °C


def test_a_warning_in_force_raises_the_level_its_type_and_colour_give():
    assert level([8.0] * 48, at=5, signals=[signal("cold_wave", 1)]) == L.COLD_ALERT
    assert level([8.0] * 48, at=5, signals=[signal("cold_wave", 2)]) == L.SEVERE_COLD
    assert level([8.0] * 48, at=5, signals=[signal("blizzard", 4)]) == L.EXTREME_COLD
    assert level([8.0] * 48, at=5, signals=[signal("road_icing", 2)]) == L.COLD_ALERT


def test_a_blue_gale_alone_does_not_start_the_protocol():
    assert level([8.0] * 48, at=5, signals=[signal("gale", 1)]) == L.NORMAL
    assert level([8.0] * 48, at=5, signals=[signal("gale", 4)]) == L.SEVERE_COLD


def test_a_warning_is_not_known_before_it_is_issued():
    late = signal("cold_wave", 3, start=0, end=24, issued=10)
    assert level([8.0] * 48, at=5, signals=[late]) == L.NORMAL
    assert level([8.0] * 48, at=11, signals=[late]) == L.EXTREME_COLD


def test_a_warning_stops_counting_when_its_validity_ends():
    assert level([8.0] * 48, at=30, signals=[signal("cold_wave", 2, end=24)]) == L.NORMAL


def test_snow_at_night_counts_but_snow_at_noon_does_not():
    # T0 is midnight: hour 2 is night, hour 12 is noon.
    assert level([3.0] * 24, at=2, precipitation={2: "snow"}) == L.SEVERE_COLD
    assert level([3.0] * 24, at=12, precipitation={12: "snow"}) == L.NORMAL
    assert level([3.0] * 24, at=2, precipitation={2: "freezing_rain"}) == L.SEVERE_COLD
    assert level([3.0] * 24, at=2, precipitation={2: "rain"}) == L.NORMAL


def test_the_lead_time_activates_before_the_cold_night():
    rules = engine.RuleSet(use_wind_chill=False, lead_hours=12, hold_hours=0)
    temps = [6.0] * 20 + [-6.0] * 10 + [6.0] * 20  # the cold starts at hour 20
    assert engine.assess(T0 + hours(7), series(temps), [], rules).level == L.NORMAL
    assert engine.assess(T0 + hours(8), series(temps), [], rules).level == L.SEVERE_COLD
    result = engine.assess(T0 + hours(8), series(temps), [], rules)
    assert result.trigger.starts_at == T0 + hours(20)


def test_the_hold_off_keeps_the_level_after_its_last_reason():
    rules = engine.RuleSet(use_wind_chill=False, lead_hours=0, hold_hours=6)
    temps = [-6.0] * 10 + [6.0] * 30  # the cold ends at hour 10
    assert engine.assess(T0 + hours(15), series(temps), [], rules).level == L.SEVERE_COLD
    assert engine.assess(T0 + hours(16), series(temps), [], rules).level == L.NORMAL
    result = engine.assess(T0 + hours(5), series(temps), [], rules)
    assert result.expected_until == T0 + hours(16)


def test_the_hold_off_stops_a_level_from_flapping():
    temps = [(-1.0 if hour % 4 < 2 else 1.0) for hour in range(72)]  # around 0 °C
    flapping = engine.replay(T0, T0 + hours(72), series(temps), [], CALM)
    steady = engine.replay(T0, T0 + hours(72), series(temps), [],
                           engine.RuleSet(use_wind_chill=False, lead_hours=0, hold_hours=6))
    assert len(engine.changes(flapping)) > 20
    assert len(engine.changes(steady)) == 1


def test_the_strongest_reason_explains_the_level():
    result = engine.assess(T0 + hours(2), series([-6.0] * 24), [signal("cold_wave", 1)],
                           CALM)
    assert result.level == L.SEVERE_COLD
    assert result.trigger.rule == "threshold"
    assert len(result.triggers) >= 2


@settings(max_examples=60, deadline=None)
@given(temps=st.lists(st.floats(-30, 20), min_size=30, max_size=30),
       colder=st.floats(0, 15), at=st.integers(0, 29))
def test_a_colder_series_never_gives_a_lower_level(temps, colder, at):
    rules = engine.RuleSet(drop_c=100)  # the drop rule compares two hours; keep thresholds only
    warm = engine.assess(T0 + hours(at), series(temps, wind=5), [], rules).level
    cold = engine.assess(T0 + hours(at), series([t - colder for t in temps], wind=5), [],
                         rules).level
    assert cold >= warm


@settings(max_examples=40, deadline=None)
@given(temps=st.lists(st.floats(-20, 15), min_size=48, max_size=48))
def test_a_longer_hold_off_never_gives_more_changes(temps):
    short = engine.RuleSet(lead_hours=0, hold_hours=0)
    long = engine.RuleSet(lead_hours=0, hold_hours=12)
    span = (T0, T0 + hours(48))
    assert len(engine.changes(engine.replay(*span, series(temps), [], long))) <= \
        len(engine.changes(engine.replay(*span, series(temps), [], short)))
