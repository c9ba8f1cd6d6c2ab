"""The dispatch board through HTTP: what each item tells the dispatcher, the ranked squads and
capacity alerts when the data carries them, filters, and the basemap's coordinate system."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from songnuan.accounts import backends
from songnuan.accounts.roles import LEAD_PHOTOS, Role
from songnuan.accounts.services import issue_token
from songnuan.leads import services as lead_services
from songnuan.leads.models import Flag, LeadPhoto, Source
from songnuan.outreach import board
from tests.leads.factories import LAOSHAN_ZHANGCUN, png, report
from tests.outreach.factories import make_squad

pytestmark = pytest.mark.django_db

ZHANQIAO = (36.0605, 120.3206)  # 栈桥, 市南区
STATION_SQUARE = (36.0652, 120.3143)  # 青岛站, 市南区
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
MAY_FOURTH_SQUARE = (36.0617, 120.3845)  # 五四广场, 市南区
LONG_STORY = "地下通道口有位老人躺在纸板上，穿得很单薄，叫他没有反应，旁边有一个空酒瓶，" * 3


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _with_photo(lead):
    return LeadPhoto.objects.create(lead=lead, image=png(), width=20, height=20, size_bytes=100)


def _item(data: dict, lead) -> dict:
    return next(item for item in data["leads"] if item["id"] == lead.pk)


def test_each_item_says_what_was_seen_where_from_whom_and_with_which_photo(cast, client_for):
    lead = report(description=LONG_STORY, flags=[Flag.ELDERLY, Flag.LYING_DOWN],
                  source=Source.HOTLINE)
    first = _with_photo(lead)
    _with_photo(lead)
    data = client_for(cast.shinan_dispatcher).get(reverse("outreach:board_data")).json()
    item = _item(data, lead)
    assert item["district"] == "Shinan"
    assert item["source"] == "hotline" and item["source_label"] == "Hotline"
    # Ticked: lying, elderly; described: not dressed for the cold, no answer when spoken to.
    assert item["flag_labels"] == ["Lying on the ground", "Not dressed for the cold", "Elderly",
                                   "Injured or ill"]
    shortened = item["description"]
    assert shortened.startswith("地下通道口有位老人") and shortened.endswith("…")
    assert len(shortened) == 80
    assert item["photo_id"] == first.pk


def test_someone_in_danger_is_marked_on_the_board_and_through_the_api(cast, client_for,
                                                                     chinese_bureau):
    lying = report(flags=[Flag.LYING_DOWN], description="有人躺在地上")
    old_and_cold = report(*ZHANQIAO, flags=[Flag.ELDERLY, Flag.UNDERDRESSED])
    only_old = report(*MAY_FOURTH_SQUARE, flags=[Flag.ELDERLY])
    client = client_for(cast.shinan_dispatcher)
    data = client.get(reverse("outreach:board_data")).json()
    assert [_item(data, lead)["in_danger"] for lead in (lying, old_and_cold, only_old)] == [
        True, True, False]
    token = issue_token(cast.shinan_dispatcher, "test")
    rows = Client(headers={"Authorization": f"Bearer {token}"}).get(
        "/api/v1/dispatch/board").json()["leads"]
    assert {row["id"]: row["in_danger"] for row in rows} == {
        lying.pk: True, old_and_cold.pk: True, only_old.pk: False}
    with translation.override(None):
        page = client.get(reverse("outreach:board")).content.decode()
    assert page.count("有危险迹象</span>") == 2


def test_the_queue_is_in_the_order_the_plan_weighs_it(cast):
    def at(moment, place, flags=()):
        return lead_services.submit_lead(lead_services.LeadInput(
            lat=place[0], lon=place[1], flags=list(flags), source=Source.PUBLIC_API), now=moment)[0]

    noon = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=SHANGHAI)
    calm = at(noon, ZHANQIAO, [Flag.CONFUSED, Flag.INTOXICATED])  # priority 4
    lying = at(noon, MAY_FOURTH_SQUARE, [Flag.LYING_DOWN])  # priority 3, in danger: 12
    plain = at(noon, LAOSHAN_ZHANGCUN)  # priority 0
    order = [item["id"] for item in board.board_data(cast.centre_dispatcher, noon)["leads"]]
    assert order == [lying.pk, calm.pk, plain.pk]
    # After an hour's wait the plain one is ahead of someone confused reported just now.
    hour_on = noon + datetime.timedelta(hours=1)
    confused = at(hour_on, STATION_SQUARE, [Flag.CONFUSED])  # priority 2
    order = [item["id"] for item in board.board_data(cast.centre_dispatcher, hour_on)["leads"]]
    assert order == [lying.pk, calm.pk, plain.pk, confused.pk]


def test_the_photo_ids_of_the_whole_queue_cost_no_query_per_lead(cast):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            board.board_data(cast.shinan_dispatcher)
        return len(captured)

    _with_photo(report())
    queries()  # the user's permissions are read once, then cached
    few = queries()
    for lat, lon in (ZHANQIAO, MAY_FOURTH_SQUARE):
        _with_photo(report(lat=lat, lon=lon))
    assert queries() == few


def test_the_board_links_each_lead_and_shows_its_thumbnail_to_a_dispatcher(cast, client_for):
    lead = report(description="桥洞下有人", flags=[Flag.CHILD])
    photo = _with_photo(lead)
    page = client_for(cast.shinan_dispatcher).get(reverse("outreach:board")).content.decode()
    assert f'href="{reverse("leads:lead_detail", args=[lead.pk])}"' in page
    assert reverse("leads:lead_photo", args=[lead.pk, photo.pk]) in page
    assert "桥洞下有人" in page and "A child" in page and "Shinan" in page


def test_without_the_photo_permission_the_board_shows_no_thumbnail(cast, client_for,
                                                                  monkeypatch):
    lead = report()
    photo = _with_photo(lead)
    granted = backends.role_permissions

    def without_photos(role: str) -> frozenset[str]:
        perms = granted(role)
        return perms - {LEAD_PHOTOS} if role == Role.DISPATCHER else perms

    monkeypatch.setattr(backends, "role_permissions", without_photos)
    page = client_for(cast.shinan_dispatcher).get(reverse("outreach:board")).content.decode()
    assert lead.tracking_code in page
    assert reverse("leads:lead_photo", args=[lead.pk, photo.pk]) not in page


def test_ranked_squads_come_with_their_eta_mutual_aid_first_and_reserves_to_call_on(
        cast, client_for, monkeypatch):
    shinan = make_squad("市南一队")
    laoshan = make_squad("崂山二队", district_code="370212", at=LAOSHAN_ZHANGCUN)
    lead = report()
    real = board.board_data

    def ranked(user, now=None):
        data = real(user, now)
        _item(data, lead)["suggestions"] = [
            {"squad_id": laoshan.pk, "squad": "崂山二队", "district": "崂山区", "eta_min": 9,
             "travel_min": 9, "queue_min": 0, "mutual_aid": True, "reason": "最近的空闲队"},
            {"squad_id": shinan.pk, "squad": "市南一队", "district": "市南区", "eta_min": 31,
             "travel_min": 6, "queue_min": 25, "mutual_aid": False, "reason": "队列较长"},
        ]
        data["capacity_alerts"] = [{"district": "市南区", "district_id": lead.district_id,
                                    "waiting": 12, "squads_missing": 2,
                                    "reserves": [{"id": shinan.pk, "name": "市南一队"}],
                                    "message": "市南区：12 条线索等待，缺 2 支队伍"}]
        return data

    monkeypatch.setattr(board, "board_data", ranked)
    page = client_for(cast.shinan_dispatcher).get(reverse("outreach:board")).content.decode()
    assert "ETA 9 min" in page and "ETA 31 min" in page
    assert "mutual aid from 崂山区" in page
    assert "市南区：12 条线索等待，缺 2 支队伍" in page
    assert reverse("outreach:call_on_reserve", args=[shinan.pk]) in page
    assert f'data-suggested="{laoshan.pk} {shinan.pk}"' in page
    options = page.split('name="squad"')[1].split("</select>")[0]
    assert options.index("崂山二队") < options.index("市南一队")


def test_tonights_plan_ranks_the_squads_of_a_waiting_lead(cast, client_for):
    near = make_squad("市南一队")
    far = make_squad("市南二队", at=MAY_FOURTH_SQUARE)
    report()
    page = client_for(cast.shinan_dispatcher).get(reverse("outreach:board")).content.decode()
    assert f'data-suggested="{near.pk} {far.pk}"' in page
    ranked = page.split('class="suggestion suggestions"')[1].split("</ol>")[0]
    assert ranked.index("市南一队") < ranked.index("市南二队") and "ETA" in ranked


def test_without_ranked_squads_the_single_suggestion_is_shown(cast, client_for, monkeypatch):
    squad = make_squad("市南一队")
    report()
    real = board.board_data

    def single(user, now=None):
        data = real(user, now)
        for item in data["leads"]:
            del item["suggestions"]
        del data["capacity_alerts"]
        return data

    monkeypatch.setattr(board, "board_data", single)
    page = client_for(cast.shinan_dispatcher).get(reverse("outreach:board")).content.decode()
    assert f'data-suggested="{squad.pk}"' in page
    assert "Suggested: <b>市南一队</b>" in page and "ETA" not in page


def test_the_filters_offer_the_districts_states_flags_and_sources(cast, client_for):
    page = client_for(cast.centre_dispatcher).get(reverse("outreach:board")).content.decode()
    filters = page.split('id="board-filters"')[1].split("</form>")[0]
    assert "Laoshan" in filters and "Shinan" in filters
    assert 'value="received"' in filters and 'value="duplicate"' not in filters
    assert 'value="child"' in filters and 'value="camera"' in filters


@pytest.mark.parametrize("crs", ["wgs84", "gcj02", "bd09"])
def test_every_staff_map_is_told_the_coordinate_system_of_its_tiles(cast, client_for,
                                                                   settings, crs):
    settings.MAP_TILE_URL = "http://127.0.0.1:9/{z}/{x}/{y}.png"
    settings.MAP_TILE_CRS = crs
    client = client_for(cast.centre_dispatcher)
    assert client.get(reverse("outreach:board")).context["map_data"]["crs"] == crs
    assert client.get(reverse("outreach:hotspot_list")).context["map_data"]["crs"] == crs
    network = client_for(cast.city_admin).get(reverse("network:map")).content.decode()
    assert f'data-crs="{crs}"' in network
