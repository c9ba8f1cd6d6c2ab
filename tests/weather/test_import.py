"""Weather files in: good files land, bad ones are refused whole with clear errors."""

from __future__ import annotations

import json

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from songnuan.refusals import Refused
from songnuan.weather.importing import parse
from songnuan.weather.intake import apply_batch
from songnuan.weather.models import FeedStatus, Forecast, WeatherWarning
from tests.factories import LAOSHAN, SHINAN, district, ensure_districts


@pytest.fixture(autouse=True)
def _english():
    """These tests read messages in English; the pages' tests read them in Chinese."""
    with translation.override("en"):
        yield

FORECAST_CSV = """district,starts_at,ends_at,min_c,max_c,wind_ms,precipitation
370202,2026-12-01T00:00,2026-12-01T01:00,-3.5,-3.0,9.5,snow
市南区,2026-12-01T01:00,2026-12-01T02:00,-4,-3.5,9,雪
"""
WARNING_CSV = """id,district,type,level,issued_at,valid_from,valid_until,text
QD-1,370200,寒潮,蓝色,2026-12-01T06:00,2026-12-01T08:00,2026-12-02T08:00,寒潮蓝色预警
"""


@pytest.fixture
def districts(db):
    ensure_districts()


def imported(text, name="weather.csv"):
    return apply_batch(parse(text, name), "file")


def test_a_forecast_csv_is_imported_with_names_and_chinese_precipitation(districts):
    result = imported(FORECAST_CSV)
    assert result.forecasts == 2
    rows = Forecast.objects.filter(district=district(SHINAN)).order_by("starts_at")
    assert [row.precipitation for row in rows] == ["snow", "snow"]
    assert rows[0].min_c == -3.5


def test_a_city_wide_warning_reaches_every_district(districts):
    imported(WARNING_CSV)
    assert WeatherWarning.objects.filter(reference="QD-1").count() == 10
    warning = WeatherWarning.objects.get(reference="QD-1", district=district(LAOSHAN))
    assert (warning.type, warning.level) == ("cold_wave", 1)


def test_a_json_document_is_imported(districts):
    document = {"forecasts": [{"district": "Laoshan", "starts_at": "2026-12-01T00:00+08:00",
                               "ends_at": "2026-12-02T00:00+08:00", "min_c": -6, "max_c": 1}],
                "warnings": [{"id": "QD-9", "district": "370212", "type": "blizzard",
                              "level": "orange", "valid_from": "2026-12-01T18:00",
                              "valid_until": "2026-12-02T06:00"}]}
    result = imported(json.dumps(document), "feed.json")
    assert (result.forecasts, result.warnings) == (1, 1)
    assert WeatherWarning.objects.get(reference="QD-9").level == 3


@pytest.mark.parametrize(("text", "message"), [
    (WARNING_CSV.replace("寒潮", "沙尘暴"), "Unknown warning type"),
    (WARNING_CSV.replace("蓝色", "紫色"), "Unknown warning level"),
    (WARNING_CSV.replace("2026-12-02T08:00", "2026-11-30T08:00"), "reversed"),
    (FORECAST_CSV.replace("-3.5,-3.0", "-75,-3.0"), "physical range"),
    (FORECAST_CSV.replace("-3.5,-3.0", "3,-3.0"), "minimum is above the maximum"),
    (FORECAST_CSV.replace("370202,", "999999,", 1), "Unknown district"),
    (FORECAST_CSV.replace("9.5,snow", "9.5,hail"), "Unknown precipitation"),
    (FORECAST_CSV.replace("2026-12-01T00:00", "tomorrow"), "not a date"),
    ("name,value\nx,1\n", "header"),
    ('{"forecasts": [', "Not valid JSON"),
])
def test_bad_input_is_refused_whole_with_a_clear_error(districts, text, message):
    name = "bad.json" if text.startswith("{") else "bad.csv"
    batch = parse(text, name)
    assert any(message in error for error in batch.errors), batch.errors
    with pytest.raises(Refused):
        apply_batch(batch, "file")
    assert Forecast.objects.count() == 0
    assert WeatherWarning.objects.count() == 0


def test_a_bad_file_keeps_the_last_good_data(districts):
    imported(FORECAST_CSV)
    bad = FORECAST_CSV.replace("-3.5,-3.0,9.5", "-1,-1,9.5").replace("-4,-3.5", "99,99")
    with pytest.raises(Refused):
        imported(bad)
    assert Forecast.objects.get(district=district(SHINAN), min_c=-3.5)
    assert FeedStatus.objects.get(name="file").last_error


def test_two_overlapping_warnings_of_one_type_in_a_file_are_refused(districts):
    text = WARNING_CSV + (
        "QD-2,370202,寒潮,黄色,2026-12-01T06:00,2026-12-01T20:00,2026-12-02T20:00,\n")
    batch = parse(text, "w.csv")
    assert any("Overlaps warning QD-1" in error for error in batch.errors)


def test_a_warning_overlapping_a_stored_one_is_refused_unless_it_replaces_it(districts):
    imported(WARNING_CSV)
    clash = WARNING_CSV.replace("QD-1", "QD-2").replace("蓝色", "黄色")
    with pytest.raises(Refused, match="overlaps stored warning QD-1"):
        imported(clash)
    upgrade = ("id,district,type,level,issued_at,valid_from,valid_until,replaces\n"
               "QD-2,370200,寒潮,黄色,2026-12-01T10:00,2026-12-01T12:00,2026-12-02T12:00,QD-1\n")
    imported(upgrade)
    old = WeatherWarning.objects.get(reference="QD-1", district=district(SHINAN))
    assert old.cancelled_at is not None
    assert old.effective_until == WeatherWarning.objects.get(
        reference="QD-2", district=district(SHINAN)).valid_from


def test_importing_the_same_warning_again_updates_it(districts):
    imported(WARNING_CSV)
    imported(WARNING_CSV.replace("蓝色", "黄色"))
    assert WeatherWarning.objects.filter(reference="QD-1").count() == 10
    assert set(WeatherWarning.objects.values_list("level", flat=True)) == {2}


@settings(max_examples=50, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=300))
def test_the_parser_never_crashes_on_any_text(districts, text):
    for name in ("x.csv", "x.json", "x"):
        batch = parse(text, name)
        assert isinstance(batch.errors, list)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(low=st.floats(allow_nan=True, allow_infinity=True), high=st.floats(-100, 100))
def test_a_temperature_outside_the_physical_range_is_never_accepted(districts, low, high):
    document = {"forecasts": [{"district": "370202", "starts_at": "2026-12-01T00:00",
                               "ends_at": "2026-12-01T01:00", "min_c": low, "max_c": high}]}
    batch = parse(json.dumps(document), "x.json")
    for row in batch.forecasts:
        assert -60 <= row.min_c <= row.max_c <= 50
