"""The weather pages, banner and API through HTTP, with the cast."""

from __future__ import annotations

import datetime
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from songnuan.network.models import District
from songnuan.weather.evaluation import active_rules, draft_rules, evaluate_district
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import (
    Campaign,
    CampaignExtension,
    ExtensionStatus,
    ProtocolDecision,
    ProtocolRules,
    WeatherWarning,
)
from songnuan.weather.overrides import set_override
from songnuan.weather.protocol import protocol_level
from tests.factories import LAOSHAN, SHINAN, district
from tests.weather.factories import store_series


def warning_csv(level="红色", district="370202", reference="QD-E2E-1"):
    now = timezone.localtime()
    start = now - datetime.timedelta(hours=1)
    end = now + datetime.timedelta(hours=30)
    return (f"id,district,type,level,issued_at,valid_from,valid_until,text\n"
            f"{reference},{district},寒潮,{level},{start:%Y-%m-%dT%H:%M},{start:%Y-%m-%dT%H:%M},"
            f"{end:%Y-%m-%dT%H:%M},寒潮预警\n").encode()


def upload(client, content, name="warning.csv"):
    return client.post(reverse("weather:import"),
                       {"file": SimpleUploadedFile(name, content, "text/csv")})


def test_every_role_that_follows_the_weather_sees_the_overview(cast, client_for):
    for user in (cast.city_admin, cast.shinan_dispatcher, cast.laoshan_station,
                 cast.shinan_relief, cast.laoshan_patroller, cast.shinan_viewer):
        response = client_for(user).get(reverse("weather:overview"))
        assert response.status_code == 200, user
    assert client_for(cast.police_liaison).get(reverse("weather:overview")).status_code == 403


def test_a_district_user_sees_only_their_district_on_the_overview(cast, client_for):
    response = client_for(cast.shinan_dispatcher).get(reverse("weather:overview"))
    codes = [row["district"].code for row in response.context["rows"]]
    assert codes == [SHINAN]


def test_importing_a_cold_wave_warning_puts_the_banner_on_every_staff_page(cast, client_for):
    client = client_for(cast.city_admin)
    assert "banner-alert" not in client.get(reverse("home")).content.decode()
    response = upload(client, warning_csv())
    assert response.status_code == 302
    for url in (reverse("home"), reverse("accounts:user_list")):
        page = client.get(url).content.decode()
        assert "banner-alert" in page
        assert "QD-E2E-1" in page
    viewer = client_for(cast.shinan_viewer).get(reverse("home")).content.decode()
    assert "市南区" in viewer and "banner-alert" in viewer
    laoshan = client_for(cast.laoshan_viewer).get(reverse("home")).content.decode()
    assert "banner-alert" not in laoshan  # the warning is for 市南区 only


def test_districts_under_the_same_level_until_the_same_hour_share_one_line(cast, client_for):
    until = timezone.now() + datetime.timedelta(hours=12)
    for area in District.objects.order_by("code")[:5]:
        set_override(area, ProtocolLevel.EXTREME_COLD, "寒潮来袭，全市启动", until,
                     by=cast.city_admin)
    set_override(district(LAOSHAN), ProtocolLevel.SEVERE_COLD, "崂山区提前启动", until,
                 by=cast.city_admin)

    page = client_for(cast.city_admin).get(reverse("home")).content.decode()

    details = re.findall(r'<span class="detail">([^<]*)</span>', page)
    names = [area.name for area in District.objects.order_by("code")[:3]]
    assert details[0].startswith("、".join(names)) and "及另外 1 个区（市）" in details[0], details
    assert details[1].startswith("崂山区"), details
    assert len(details) == 3  # two lines of districts, and why: the override's reason


def test_the_banner_names_three_lines_of_districts_at_most(cast, client_for):
    start = timezone.now()
    for hours, area in enumerate(District.objects.order_by("code")[:6], start=6):
        set_override(area, ProtocolLevel.EXTREME_COLD, "寒潮来袭，各区分别启动",
                     start + datetime.timedelta(hours=hours), by=cast.city_admin)

    page = client_for(cast.city_admin).get(reverse("home")).content.decode()

    details = re.findall(r'<span class="detail">([^<]*)</span>', page)
    assert len(details) == 4, details  # three of six lines, and why: the override's reason
    assert sum("人工调整" in detail for detail in details) == 1, details
    assert "6 个区（市）启动寒潮应急响应" in page


def test_a_bad_file_shows_its_errors_and_imports_nothing(cast, client_for):
    client = client_for(cast.city_admin)
    response = upload(client, warning_csv(level="紫色"))
    assert response.status_code == 200
    assert any("紫色" in error for error in response.context["errors"])
    assert not WeatherWarning.objects.exists()


def test_a_district_dispatcher_cannot_import_weather_for_another_district(cast, client_for):
    response = upload(client_for(cast.shinan_dispatcher), warning_csv(district=LAOSHAN))
    assert response.status_code == 200
    assert not WeatherWarning.objects.exists()
    response = upload(client_for(cast.shinan_dispatcher), warning_csv(district=SHINAN))
    assert response.status_code == 302


def test_a_viewer_may_not_import(cast, client_for):
    assert upload(client_for(cast.shinan_viewer), warning_csv()).status_code == 403


def test_the_duty_officer_enters_a_forecast_by_hand_with_field_errors(cast, client_for):
    client = client_for(cast.shinan_dispatcher)
    now = timezone.localtime()
    data = {"district": district(SHINAN).pk, "starts_at": f"{now:%Y-%m-%dT%H:00}",
            "ends_at": f"{now - datetime.timedelta(hours=2):%Y-%m-%dT%H:00}", "min_c": "-80",
            "max_c": "2", "wind_ms": "3", "precipitation": "snow"}
    response = client.post(reverse("weather:forecast_add"), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) >= {"min_c", "ends_at"}
    data.update(min_c="-6", ends_at=f"{now + datetime.timedelta(hours=3):%Y-%m-%dT%H:00}")
    assert client.post(reverse("weather:forecast_add"), data).status_code == 302
    assert protocol_level(district(SHINAN).pk) >= 2


def test_an_override_is_recorded_with_its_reason_and_author(cast, client_for):
    client = client_for(cast.shinan_admin)
    expires = timezone.localtime() + datetime.timedelta(hours=6)
    data = {"district": district(SHINAN).pk, "level": 2, "reason": "",
            "expires_at": f"{expires:%Y-%m-%dT%H:%M}"}
    response = client.post(reverse("weather:override_add"), data)
    assert "reason" in response.context["form"].errors
    data["reason"] = "暴雪夜，栈桥一带露宿人员较多"
    assert client.post(reverse("weather:override_add"), data).status_code == 302
    decision = ProtocolDecision.objects.get(is_override=True)
    assert decision.decided_by == cast.shinan_admin
    assert protocol_level(district(SHINAN).pk) == 2
    page = client.get(reverse("home")).content.decode()
    assert re.findall(r'<span class="detail">([^<]*)</span>', page) == [
        "人工调整：暴雪夜，栈桥一带露宿人员较多"]


def test_a_district_administrator_cannot_override_another_district(cast, client_for):
    expires = timezone.localtime() + datetime.timedelta(hours=6)
    response = client_for(cast.shinan_admin).post(reverse("weather:override_add"), {
        "district": district(LAOSHAN).pk, "level": 2, "reason": "越权测试",
        "expires_at": f"{expires:%Y-%m-%dT%H:%M}"})
    assert response.status_code == 200  # not a choice for them
    assert not ProtocolDecision.objects.exists()


def test_the_city_administrator_edits_tests_and_activates_rules(cast, client_for):
    client = client_for(cast.city_admin)
    active = active_rules()
    response = client.post(reverse("weather:rules_copy", args=[active.pk]))
    draft = ProtocolRules.objects.get(is_active=False)
    assert response.url == reverse("weather:rules_edit", args=[draft.pk])
    form = client.get(response.url).context["form"]
    data = {name: field.initial if field.initial is not None else form.initial.get(name, "")
            for name, field in form.fields.items()}
    data.update({name: value for name, value in form.initial.items() if name in form.fields})
    data.update(name="更严格的规则", severe_min_c="-3", use_wind_chill="on")
    data = {key: value for key, value in data.items() if value is not None and value is not False}
    response = client.post(reverse("weather:rules_edit", args=[draft.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    draft.refresh_from_db()
    assert draft.severe_min_c == -3
    store_series(district(SHINAN), [-4.0] * 48,
                 start=timezone.now() - datetime.timedelta(hours=30))
    today = timezone.localdate()
    response = client.get(reverse("weather:rules_test", args=[draft.pk]),
                          {"district": district(SHINAN).pk,
                           "since": today - datetime.timedelta(days=2), "until": today})
    assert response.status_code == 200
    assert response.context["result"].activations >= 1
    client.post(reverse("weather:rules_activate", args=[draft.pk]))
    assert ProtocolRules.objects.get(is_active=True) == draft
    assert client.get(reverse("weather:rules_edit", args=[draft.pk])).status_code == 302


def test_rules_with_thresholds_in_the_wrong_order_are_refused(cast, client_for):
    client = client_for(cast.city_admin)
    draft = draft_rules(by=cast.city_admin)
    form = client.get(reverse("weather:rules_edit", args=[draft.pk])).context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {key: value for key, value in data.items() if value is not None and value is not False}
    data.update(severe_min_c="-12")
    response = client.post(reverse("weather:rules_edit", args=[draft.pk]), data)
    assert "severe_min_c" in response.context["form"].errors


def test_only_the_city_administrator_edits_rules(cast, client_for):
    draft = draft_rules(by=cast.city_admin)
    for user in (cast.shinan_admin, cast.shinan_dispatcher):
        client = client_for(user)
        assert client.get(reverse("weather:rules_edit", args=[draft.pk])).status_code == 403
        assert client.post(reverse("weather:rules_activate", args=[draft.pk])).status_code == 403


def test_the_campaign_page_approves_an_extension_with_its_decision_date(cast, client_for):
    campaign = Campaign.objects.create(name="2026—2027年度寒冬送温暖专项救助行动",
                                       starts_on=datetime.date(2026, 11, 4),
                                       planned_end_on=datetime.date(2027, 3, 15))
    client = client_for(cast.city_admin)
    client.post(reverse("weather:extension_propose", args=[campaign.pk]),
                {"new_end_on": "2027-03-31", "reason": "三月中旬仍有寒潮"})
    extension = CampaignExtension.objects.get()
    client.post(reverse("weather:extension_decide", args=[extension.pk]),
                {"decision": "approve", "decided_on": "2027-03-12"})
    extension.refresh_from_db()
    assert extension.status == ExtensionStatus.APPROVED
    assert extension.decided_on == datetime.date(2027, 3, 12)
    page = client.get(reverse("weather:campaign")).content.decode()
    assert "2027-03-31" in page
    assert client_for(cast.shinan_admin).post(
        reverse("weather:extension_propose", args=[campaign.pk]),
        {"new_end_on": "2027-04-30", "reason": "x"}).status_code == 403


def test_a_refused_extension_comes_back_with_its_reason_typed(cast, client_for):
    today = timezone.localdate()
    campaign = Campaign.objects.create(name="本年度寒冬送温暖专项救助行动",
                                       starts_on=today - datetime.timedelta(days=30),
                                       planned_end_on=today + datetime.timedelta(days=100))
    too_early = (today + datetime.timedelta(days=90)).isoformat()
    response = client_for(cast.city_admin).post(
        reverse("weather:extension_propose", args=[campaign.pk]),
        {"new_end_on": too_early, "reason": "气象台预报三月下旬仍有强寒潮"})
    assert response.status_code == 422
    page = response.content.decode()
    assert "气象台预报三月下旬仍有强寒潮" in page and f'value="{too_early}"' in page
    assert "新的结束日期必须晚于" in page
    assert not CampaignExtension.objects.exists()


def test_the_api_gives_each_district_its_level(cast, api_for):
    store_series(district(SHINAN), [-6.0] * 30, start=timezone.now() - datetime.timedelta(hours=2))
    evaluate_district(district(SHINAN))
    rows = api_for(cast.city_admin).get("/api/v1/weather/protocol").json()
    shinan = next(row for row in rows if row["district_code"] == SHINAN)
    assert shinan["level"] == 2 and shinan["rule"] == "threshold"
    assert len(rows) == 10
    assert len(api_for(cast.shinan_viewer).get("/api/v1/weather/protocol").json()) == 1
    assert api_for(cast.shinan_viewer).get(f"/api/v1/weather/protocol/{LAOSHAN}") \
        .status_code == 404
    assert api_for(cast.police_liaison).get("/api/v1/weather/protocol").status_code == 403


def test_the_api_imports_all_or_nothing(cast, api_for):
    api = api_for(cast.centre_dispatcher)
    start = timezone.now()
    good = {"warnings": [{"id": "API-1", "district": "370200", "type": "寒潮", "level": "黄色",
                          "valid_from": start.isoformat(),
                          "valid_until": (start + datetime.timedelta(hours=20)).isoformat()}]}
    response = api.post("/api/v1/weather/import", good)
    assert response.status_code == 201
    bad = {"warnings": [{**good["warnings"][0], "id": "API-2", "level": "purple"}]}
    response = api.post("/api/v1/weather/import", bad)
    assert response.status_code == 422
    assert "level" in response.json()["errors"][0]["field"]
    assert api_for(cast.shinan_viewer).post("/api/v1/weather/import", good).status_code == 403
    assert WeatherWarning.objects.filter(reference="API-2").count() == 0


@pytest.mark.parametrize("name", ["overview", "decisions", "warnings", "notices", "rules_list",
                                  "campaign", "import", "forecast_add", "warning_add",
                                  "override_add"])
def test_each_page_renders_for_the_city_administrator(cast, client_for, name):
    assert client_for(cast.city_admin).get(reverse(f"weather:{name}")).status_code == 200
