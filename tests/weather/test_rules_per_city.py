"""The protocol's thresholds follow the city served: setup proposes them from the city's winter,
the rules page tunes them, and setting the same city up again keeps what was tuned."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from songnuan.network.city import campaign_season, forget_city
from songnuan.network.models import City
from songnuan.weather.engine import RuleSet, threshold_level
from songnuan.weather.evaluation import active_rules, draft_rules
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import ProtocolRules

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def back_to_the_default_city():
    yield
    forget_city()


def set_up(query: str, *options: str) -> str:
    out = StringIO()
    call_command("setup_city", query, *options, stdout=out)
    return out.getvalue()


def level(rules: ProtocolRules, felt_c: float) -> ProtocolLevel:
    return threshold_level(felt_c, RuleSet.from_model(rules))


def test_before_any_setup_the_default_city_has_the_familiar_thresholds():
    rules = active_rules()
    assert (rules.alert_min_c, rules.severe_min_c, rules.extreme_min_c) == (0, -5, -10)
    assert rules.city_code == "370200" and rules.basis["north"] is True


def test_setup_proposes_harbins_thresholds_and_says_so():
    default = active_rules()
    output = set_up("230100")
    assert "低温提示 -19 °C 及以下，严寒 -24 °C，极寒 -29 °C" in output
    assert "秦岭—淮河线以北" in output
    assert "campaign season 10-15 to 04-15" in output
    harbin = ProtocolRules.objects.get(is_active=True)
    assert harbin.city_code == "230100" and harbin.pk != default.pk
    assert harbin.name == "哈尔滨市低温应急响应规则（默认）"
    # Harbin's ordinary January night is the extreme cold of a city at 36°N, and not there.
    assert level(default, -24) == ProtocolLevel.EXTREME_COLD
    assert level(harbin, -24) == ProtocolLevel.SEVERE_COLD
    assert level(harbin, -15) == ProtocolLevel.NORMAL
    assert level(harbin, -30) == ProtocolLevel.EXTREME_COLD


def test_a_southern_city_keeps_the_cold_wave_signals_floors():
    set_up("广州市", "--force")
    rules = ProtocolRules.objects.get(is_active=True)
    assert (rules.alert_min_c, rules.severe_min_c, rules.extreme_min_c) == (4, 0, -4)
    assert rules.drop_c == 8 and rules.drop_to_c == 4  # the CMA's national drop


def test_setting_the_same_city_up_again_keeps_the_tuned_rules():
    set_up("230100")
    tuned = draft_rules(by=None)
    tuned.alert_min_c = -17
    tuned.save()
    from songnuan.weather.evaluation import activate_rules

    activate_rules(tuned)
    output = set_up("哈尔滨市")
    assert ProtocolRules.objects.get(is_active=True) == tuned
    assert "沿用现行响应规则" in output and "-17 °C" in output


def test_setting_up_the_city_already_served_keeps_its_rules():
    rules = active_rules()
    set_up("370200")
    assert ProtocolRules.objects.get(is_active=True) == rules


def test_moving_to_another_city_proposes_that_citys_rules():
    set_up("230100")
    set_up("440100", "--force")
    active = ProtocolRules.objects.get(is_active=True)
    assert active.city_code == "440100"
    assert ProtocolRules.objects.filter(city_code="230100", is_active=False).exists()


def test_the_rules_page_shows_how_the_defaults_were_estimated(cast, client_for):
    set_up("230100", "--force")
    page = client_for(cast.city_admin).get(reverse("weather:rules_list")).content.decode()
    assert "哈尔滨市" in page and "秦岭—淮河线以北" in page


def test_rules_out_of_order_are_refused_in_chinese_and_the_form_keeps_the_input(cast,
                                                                              client_for):
    set_up("230100", "--force")
    client = client_for(cast.city_admin)
    draft = draft_rules(by=cast.city_admin)
    form = client.get(reverse("weather:rules_edit", args=[draft.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: value for key, value in data.items() if value is not None and value is not False}
    data.update(name="哈尔滨调整版", alert_min_c="-25")  # below severe cold (−24)
    response = client.post(reverse("weather:rules_edit", args=[draft.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "阈值必须递减" in page
    assert 'value="-25"' in page and 'value="哈尔滨调整版"' in page
    draft.refresh_from_db()
    assert draft.alert_min_c == -19  # nothing written


def test_harbins_campaign_starts_in_mid_october_and_the_form_proposes_it(cast, client_for):
    set_up("230100", "--force")
    assert campaign_season(2026)[:2] == (datetime.date(2026, 10, 15), datetime.date(2027, 4, 15))
    client = client_for(cast.city_admin)
    form = client.get(reverse("weather:campaign_add")).context["form"]
    assert form["starts_on"].value().month == 10 and form["starts_on"].value().day == 15
    assert form["planned_end_on"].value().month == 4
    assert "年度寒冬送温暖专项救助行动" in form["name"].value()
    page = client.get(reverse("weather:campaign")).content.decode()
    assert "哈尔滨市通常的行动期：10月15日至4月15日；每次延期 14 天。" in page


def test_without_setup_the_season_is_the_default_citys():
    assert campaign_season(2026)[:2] == (datetime.date(2026, 11, 1), datetime.date(2027, 3, 15))


def test_the_season_is_edited_with_its_days_checked_and_the_input_kept(cast, client_for):
    set_up("230100", "--force")
    client = client_for(cast.city_admin)
    bad = {"season_start_month": "10", "season_start_day": "20", "season_end_month": "2",
           "season_end_day": "30", "extension_days": "21"}
    response = client.post(reverse("weather:season_edit"), bad)
    assert response.status_code == 200
    page = response.content.decode()
    assert "该月没有这一天" in page and 'value="20"' in page and 'value="21"' in page
    assert City.objects.get().season_start_day == 15
    response = client.post(reverse("weather:season_edit"), {**bad, "season_end_day": "28"})
    assert response.status_code == 302
    city = City.objects.get()
    assert (city.season_start_day, city.season_end_month, city.extension_days) == (20, 2, 21)
