"""The dispatch board in the browser: it keeps what the dispatcher is doing through refreshes,
filters the queue, takes keyboard shortcuts, and puts markers where GCJ-02 tiles draw them."""

from __future__ import annotations

import io
import math

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw
from playwright.sync_api import expect

from songnuan.geo.coords import wgs84_to_gcj02
from songnuan.geo.distance import haversine_m
from songnuan.leads.models import Flag, LeadPhoto, Source
from songnuan.outreach import board, night_plan, planning
from songnuan.outreach.models import Task
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD, district
from tests.leads.factories import LAOSHAN_ZHANGCUN, SHINAN_STATION_SQUARE, report
from tests.outreach.factories import make_squad

# Real places of 市南区 (WGS-84), far enough apart not to be taken for one report.
SHINAN_PLACES = [
    ("青岛站东广场地下通道", SHINAN_STATION_SQUARE),
    ("栈桥公交站", (36.0605, 120.3206)),
    ("中山路天主教堂前", (36.0682, 120.3177)),
    ("汇泉广场", (36.0575, 120.3400)),
    ("八大关花石楼", (36.0540, 120.3560)),
    ("五四广场", (36.0617, 120.3845)),
    ("奥帆中心", (36.0570, 120.3920)),
    ("燕儿岛路口", (36.0660, 120.4000)),
]
QUEUE_REFRESH = "/outreach/board/queue/"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def _photo(lead) -> None:
    image = Image.new("RGB", (160, 120), (92, 110, 128))
    ImageDraw.Draw(image).rectangle((40, 60, 130, 100), fill=(150, 120, 90))
    out = io.BytesIO()
    image.save(out, "JPEG")
    LeadPhoto.objects.create(lead=lead, image=SimpleUploadedFile("p.jpg", out.getvalue()),
                             width=160, height=120, size_bytes=len(out.getvalue()))


def _shinan_night(count: int = len(SHINAN_PLACES)) -> list:
    stories = ["有位老人躺在纸板上，叫他没有反应", "一名男子衣着单薄，在公交站蜷缩着",
               "一个孩子独自坐在台阶上哭", "有人喝醉了坐在长椅上，身边有酒瓶"]
    flags = [[Flag.ELDERLY, Flag.LYING_DOWN], [Flag.UNDERDRESSED], [Flag.CHILD],
             [Flag.INTOXICATED]]
    sources = [Source.PUBLIC_API, Source.HOTLINE, Source.PARTNER, Source.PUBLIC_WEB]
    return [report(lat=lat, lon=lon, place=place, description=stories[i % 4],
                   flags=flags[i % 4], source=sources[i % 4])
            for i, (place, (lat, lon)) in enumerate(SHINAN_PLACES[:count])]


def _row(page, lead):
    return page.locator(f".queue-item[data-lead='{lead.tracking_code}']")


def _refreshed(page) -> None:
    with page.expect_response(lambda response: QUEUE_REFRESH in response.url):
        pass


def _markers(page) -> list[dict]:
    return page.evaluate("""() => {
        const out = [];
        document.getElementById('board-map').leafletMap.eachLayer(layer => {
            if (!layer.leadId) { return; }
            const at = layer.getLatLng();
            out.push({id: layer.leadId, lat: at.lat, lon: at.lng});
        });
        return out;
    }""")


def test_the_board_keeps_the_squad_picked_the_scroll_and_the_popup_through_three_refreshes(
        cast, new_page, settings):
    settings.OUTREACH_BOARD_REFRESH_SECONDS = 1  # three refreshes without waiting 15 seconds
    make_squad("市南一队")
    second = make_squad("市南二队", at=SHINAN_PLACES[4][1])
    leads = _shinan_night(7)
    page = new_page(DESKTOP)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto("/outreach/board/")
    picked = _row(page, leads[3])
    picked.locator("select[name=squad]").select_option(str(second.pk))
    page.locator("h1").click()  # the select loses focus: its changed value alone keeps the row
    queue = page.locator("#board-queue")
    queue.evaluate("box => { box.scrollTop = 250; }")
    page.evaluate("""id => document.getElementById('board-map').leafletMap.eachLayer(
        layer => { if (layer.leadId === id) { layer.openPopup(); } })""", leads[0].pk)
    newcomer = None
    for refresh in range(3):
        if refresh == 1:
            lat, lon = SHINAN_PLACES[7][1]
            newcomer = report(lat=lat, lon=lon, place=SHINAN_PLACES[7][0],
                              description="燕儿岛路口有人睡在绿化带里")
        _refreshed(page)
    expect(_row(page, newcomer)).to_have_count(1)
    expect(picked.locator("select[name=squad]")).to_have_value(str(second.pk))
    assert queue.evaluate("box => box.scrollTop") == 250
    expect(page.locator("#board-map .leaflet-popup")).to_contain_text(leads[0].tracking_code)


def test_the_queue_filters_by_district_and_flag_and_keeps_them_in_the_address(
        cast, new_page, settings):
    settings.OUTREACH_BOARD_REFRESH_SECONDS = 1
    shinan = _shinan_night(4)
    laoshan = [report(lat=LAOSHAN_ZHANGCUN[0], lon=LAOSHAN_ZHANGCUN[1], place="张村河公园",
                      description="河边长椅上有个孩子", flags=[Flag.CHILD]),
               report(lat=36.0953, lon=120.4686, place="石老人海水浴场",
                      description="沙滩边有位老人", flags=[Flag.ELDERLY])]
    page = new_page(DESKTOP)
    log_in(page, cast.centre_dispatcher.username, PASSWORD)
    page.goto("/outreach/board/")
    expect(page.locator("#lead-queue > li[data-lead]:visible")).to_have_count(6)

    page.select_option("#filter-district", str(laoshan[0].district_id))
    expect(page.locator("#lead-queue > li[data-lead]:visible")).to_have_count(2)
    assert {m["id"] for m in _markers(page)} == {lead.pk for lead in laoshan}
    page.select_option("#filter-flag", Flag.CHILD)
    expect(page.locator("#lead-queue > li[data-lead]:visible")).to_have_count(1)
    expect(_row(page, laoshan[0])).to_be_visible()
    assert f"district={laoshan[0].district_id}" in page.url and "flag=child" in page.url

    page.reload()
    expect(page.locator("#filter-flag")).to_have_value("child")
    expect(page.locator("#lead-queue > li[data-lead]:visible")).to_have_count(1)
    _refreshed(page)
    expect(page.locator("#lead-queue > li[data-lead]:visible")).to_have_count(1)
    page.click("#filter-clear")
    expect(page.locator("#lead-queue > li[data-lead]:visible")).to_have_count(6)
    assert _row(page, shinan[0]).is_visible()


def test_the_keyboard_picks_a_ranked_squad_and_assigns(cast, new_page, monkeypatch):
    near, far = make_squad("市南一队"), make_squad("市南二队", at=SHINAN_PLACES[6][1])
    first, second = _shinan_night(2)
    real = board.board_data

    def ranked(user, now=None):
        data = real(user, now)
        for item in data["leads"]:
            if not item["task"]:
                item["suggestions"] = [
                    {"squad_id": s.pk, "squad": s.name, "district": "市南区", "eta_min": eta,
                     "travel_min": eta, "queue_min": 0, "mutual_aid": False, "reason": ""}
                    for s, eta in ((near, 6), (far, 14))]
        return data

    monkeypatch.setattr(board, "board_data", ranked)
    page = new_page(DESKTOP)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto("/outreach/board/")
    page.keyboard.press("?")
    expect(page.locator("#board-help")).to_be_visible()
    page.keyboard.press("Escape")
    expect(page.locator("#board-help")).to_be_hidden()

    page.keyboard.press("j")
    expect(_row(page, first)).to_have_class("queue-item is-selected")
    page.keyboard.press("2")
    expect(_row(page, first).locator("select[name=squad]")).to_have_value(str(far.pk))
    page.keyboard.press("a")
    expect(_row(page, first).locator("form[data-action=reassign]")).to_be_visible()
    assert Task.objects.get(lead=first).squad == far

    page.keyboard.press("j")
    page.keyboard.press("a")
    expect(_row(page, second).locator("form[data-action=reassign]")).to_be_visible()
    assert Task.objects.get(lead=second).squad == near

    page.keyboard.press("/")
    page.keyboard.type("栈桥")
    expect(page.locator("#lead-queue > li[data-lead]:visible")).to_have_count(1)


def _tile_of(lat: float, lon: float, zoom: int) -> tuple[int, int]:
    n = 2 ** zoom
    x = int((lon + 180.0) / 360.0 * n)
    y = int((1.0 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2.0 * n)
    return x, y


def test_on_gcj02_tiles_a_lead_lies_within_five_metres_of_its_true_place(cast, new_page,
                                                                        settings, tmp_path):
    lat, lon = SHINAN_STATION_SQUARE
    for zoom in range(8, 17):
        x, y = _tile_of(lat, lon, zoom)
        folder = tmp_path / "tiles" / str(zoom) / str(x)
        folder.mkdir(parents=True)
        Image.new("RGB", (256, 256), (236, 232, 222)).save(folder / f"{y}.png")
    settings.MAP_TILE_DIR = str(tmp_path / "tiles")
    settings.MAP_TILE_URL = "/tiles/{z}/{x}/{y}"
    settings.MAP_TILE_CRS = "gcj02"
    lead = report(place="青岛站东广场地下通道")
    page = new_page(DESKTOP)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto("/outreach/board/")
    expect(page.locator("#board-map img.leaflet-tile-loaded").first).to_be_attached()
    [marker] = _markers(page)
    assert marker["id"] == lead.pk
    expected = wgs84_to_gcj02(lat, lon)
    assert haversine_m(marker["lat"], marker["lon"], *expected) < 5
    assert haversine_m(marker["lat"], marker["lon"], lat, lon) > 300  # it was moved


@pytest.mark.parametrize("device, suffix", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_the_board_on_a_busy_night(cast, new_page, monkeypatch, device, suffix):
    near = make_squad("市南一队")
    make_squad("市南二队", at=SHINAN_PLACES[5][1])
    aid = make_squad("崂山支援队", district_code="370212", at=LAOSHAN_ZHANGCUN)
    leads = _shinan_night()
    for lead in leads[:3]:
        _photo(lead)
    real = board.board_data

    def busy(user, now=None):
        data = real(user, now)
        for item in data["leads"][:2]:
            item["suggestions"] = [
                {"squad_id": near.pk, "squad": "市南一队", "district": "市南区", "eta_min": 7,
                 "travel_min": 7, "queue_min": 0, "mutual_aid": False, "reason": "最近的空闲队"},
                {"squad_id": aid.pk, "squad": "崂山支援队", "district": "崂山区", "eta_min": 18,
                 "travel_min": 18, "queue_min": 0, "mutual_aid": True, "reason": "跨区支援"}]
        data["capacity_alerts"] = [
            {"district": "市南区", "district_id": leads[0].district_id, "waiting": 8,
             "squads_missing": 2, "message": ""},
            {"district": "平度市", "district_id": district("370283").pk, "waiting": 0,
             "squads_missing": 1, "message": night_plan.shortfall_message(
                 "平度市", planning.Shortfall(district("370283").pk, 0, 1, uncovered=True)),
             "nearest": {"id": near.pk, "name": "市南一队", "district": "市南区",
                         "drive_min": 212, "wait_lat": 36.777, "wait_lon": 119.959,
                         "wait_place": "平度汽车站", "may_send": True}}]
        return data

    monkeypatch.setattr(board, "board_data", busy)
    page = new_page(device)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto("/outreach/board/")
    expect(page.locator(".lead-thumb").first).to_be_visible()
    expect(page.locator(".capacity-alert").first).to_contain_text("还需 2 支救助队")
    expect(page.locator(f".capacity-alert [data-nearest='{near.pk}']")).to_have_text(
        "最近的在岗救助队：市南一队（市南区），车程约212分钟")
    expect(page.locator(".capacity-alert form[data-action=lend] button")).to_have_text(
        "派其到平度汽车站待命")
    expect(page.locator(".leaflet-control-attribution")).to_contain_text("Leaflet")
    expect(page.locator(".leaflet-control-attribution svg")).to_have_count(0)  # no flag
    expect(page.locator(".suggestions").first).to_contain_text("跨区支援：崂山区")
    # The old man lying on cardboard and the child alone are in danger; the drunk man sitting
    # on a bench is not (collapsed on it, "醉倒在长椅上", he would be).
    expect(_row(page, leads[0]).locator("[data-danger]")).to_have_text("有危险迹象")
    expect(_row(page, leads[2]).locator("[data-danger]")).to_be_visible()
    expect(_row(page, leads[3]).locator("[data-danger]")).to_have_count(0)
    if device is DESKTOP:
        page.keyboard.press("j")
    screenshot(page, f"outreach-board-night-{suffix}")
    page.keyboard.press("?")
    screenshot(page, f"outreach-board-help-{suffix}")


@pytest.mark.parametrize("device, suffix", [(DESKTOP, "desktop"), (PHONE, "phone")])
def test_a_lead_no_squad_can_reach_in_time_names_the_open_point_nearest_it(
        cast, new_page, device, suffix):
    from songnuan.network.models import SiteLevel
    from tests.factories import make_site

    lat, lon = SHINAN_PLACES[0][1]
    lead = report(lat=lat, lon=lon, place=SHINAN_PLACES[0][0], flags=[Flag.ELDERLY],
                  description="老人蜷在长椅上，只穿一件单衣")  # and no squad on shift
    police_room = make_site("栈桥社区警务室救助点", level=SiteLevel.RELIEF_POINT,
                            phone="0532-82861110", lat=lat + 0.004, lon=lon)
    page = new_page(device)
    log_in(page, cast.shinan_dispatcher.username, PASSWORD)
    page.goto("/outreach/board/")

    help_box = _row(page, lead).locator(".help-nearby")
    expect(help_box).to_contain_text("救助队无法及时赶到：请联系最近的开放站点先去查看。")
    expect(help_box.get_by_role("link", name="0532-82861110")).to_have_attribute(
        "href", "tel:0532-82861110")
    expect(help_box).to_contain_text("栈桥社区警务室救助点 · 临时救助点")
    help_box.get_by_role("button", name="已请其查看").click()  # after phoning them
    expect(help_box.locator(".tag-ok")).to_contain_text("联系")
    page.wait_for_function("""site => {  // on the map, beside the lead
        let found = false;
        document.getElementById('board-map').leafletMap.eachLayer(layer => {
            found = found || layer.siteId === site; });
        return found; }""", arg=police_room.pk)
    assert page.locator(".site-pin").count() == 1
    expect(help_box.get_by_role("button", name="已请其查看")).to_have_count(0)
    expect(page.locator(".messages")).to_contain_text(
        f"已请栈桥社区警务室救助点前往查看 {lead.tracking_code}。")
    screenshot(page, f"outreach-board-help-nearby-{suffix}")


def test_the_point_asked_to_look_in_answers_on_its_phone_and_the_board_shows_it(cast, new_page):
    lat, lon = SHINAN_PLACES[1][1]
    lead = report(lat=lat, lon=lon, place=SHINAN_PLACES[1][0], flags=[Flag.UNDERDRESSED],
                  description="中年男子只穿单衣，在公交站来回走")  # and no squad on shift
    point = cast.shinan_point
    point.lat, point.lon, point.phone = lat + 0.003, lon, "0532-82861110"
    point.save()
    board_page = new_page(DESKTOP)
    log_in(board_page, cast.shinan_dispatcher.username, PASSWORD)
    board_page.goto("/outreach/board/")
    help_box = _row(board_page, lead).locator(".help-nearby")
    help_box.locator(f"li[data-site='{point.pk}']").get_by_role("button",
                                                               name="已请其查看").click()
    expect(help_box.locator(".tag-ok")).to_contain_text("联系")

    phone = new_page(PHONE)
    log_in(phone, cast.shinan_relief.username, PASSWORD)
    phone.goto("/")
    expect(phone.locator("summary .badge")).to_have_text("1")
    phone.locator("summary").click()
    phone.get_by_role("link", name="请求前往查看 1").click()
    card = phone.locator(f".look-in[data-lead='{lead.tracking_code}']")
    offer = phone.locator("#push-offer")
    expect(offer).to_be_visible()  # the browser may push, and nobody said no yet
    expect(offer).to_contain_text("前往查看的请求也会推送到这部手机")
    expect(card).to_contain_text("中年男子只穿单衣，在公交站来回走")
    expect(card).to_contain_text("距琴岛驿家·八大关 33")  # metres
    card.get_by_label("备注").fill("公交站和周边都找过了")
    card.get_by_role("button", name="提交答复").click()  # nothing chosen: the browser says so
    assert card.get_by_label("现场没有人").evaluate("radio => radio.validity.valueMissing")
    expect(phone.locator(".messages")).to_have_count(0)
    expect(card.get_by_label("备注")).to_have_value("公交站和周边都找过了")
    card.get_by_label("现场没有人").check()
    screenshot(phone, "outreach-look-in-card-phone")
    card.get_by_role("button", name="提交答复").click()
    expect(phone.locator(".messages")).to_contain_text(
        f"已向调度员答复 {lead.tracking_code} 的查看结果。")
    expect(phone.locator(f"tr[data-lead='{lead.tracking_code}']")).to_contain_text("现场没有人")
    screenshot(phone, "outreach-look-ins-phone")

    board_page.reload()
    answer = _row(board_page, lead).locator(".help-nearby [data-answer='not_there']")
    expect(answer).to_contain_text("答复：现场没有人")
    expect(_row(board_page, lead).locator(".help-nearby")).to_contain_text("公交站和周边都找过了")
    screenshot(board_page, "outreach-board-look-in-answered-desktop")
