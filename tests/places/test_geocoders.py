"""The online geocoders against a local fake server answering in Tianditu's and AMap's shapes."""

from __future__ import annotations

import http.server
import json
import logging
import threading
import time
import urllib.parse

import pytest

from songnuan.geo.coords import from_wgs84
from songnuan.places import geocoders, services

MAY_FOURTH_SQUARE = (36.0617, 120.3842)  # 五四广场, WGS-84


class FakeGeocoder(http.server.BaseHTTPRequestHandler):
    answers: dict[str, tuple[int, bytes]] = {}
    requests: list[tuple[str, dict]] = []
    delay = 0.0

    def do_GET(self):  # noqa: N802
        url = urllib.parse.urlsplit(self.path)
        type(self).requests.append((url.path, urllib.parse.parse_qs(url.query)))
        time.sleep(self.delay)
        status, body = self.answers.get(url.path, (404, b"{}"))
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args):
        pass


@pytest.fixture
def fake(settings):
    FakeGeocoder.answers, FakeGeocoder.requests, FakeGeocoder.delay = {}, [], 0.0
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FakeGeocoder)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    settings.GEOCODER_URL = f"http://127.0.0.1:{server.server_address[1]}"
    settings.GEOCODER_KEY = "test-key"
    yield FakeGeocoder
    server.shutdown()
    server.server_close()


def tianditu_answer(lat: float, lon: float, status: str = "0") -> bytes:
    return json.dumps({"msg": "ok", "status": status, "searchVersion": "6.4.9V", "location": {
        "score": 90, "level": "兴趣点", "lon": lon, "lat": lat, "keyWord": "青岛市五四广场"}},
        ensure_ascii=False).encode()


def amap_answer(*points: tuple[float, float]) -> bytes:
    return json.dumps({"status": "1", "info": "OK", "infocode": "10000", "count": str(len(points)),
                       "geocodes": [{"formatted_address": "山东省青岛市市南区五四广场",
                                     "country": "中国", "province": "山东省", "citycode": "0532",
                                     "city": "青岛市", "district": "市南区", "adcode": "370202",
                                     "location": f"{lon:.6f},{lat:.6f}", "level": "兴趣点"}
                                    for lat, lon in points]}, ensure_ascii=False).encode()


def test_tianditu_answers_wgs84_candidates(fake, settings):
    settings.GEOCODER = "tianditu"
    fake.answers["/geocoder"] = (200, tianditu_answer(*MAY_FOURTH_SQUARE))
    found = geocoders.configured().geocode("五四广场")
    assert [(f.lat, f.lon) for f in found] == [MAY_FOURTH_SQUARE]
    assert 0 < found[0].score <= geocoders.MAX_SCORE
    path, query = fake.requests[0]
    assert query["tk"] == ["test-key"]
    assert json.loads(query["ds"][0]) == {"keyWord": "青岛市五四广场"}


def test_amap_answers_gcj02_which_is_converted_to_wgs84(fake, settings):
    settings.GEOCODER = "amap"
    gcj = from_wgs84(*MAY_FOURTH_SQUARE, "gcj02")
    assert abs(gcj[1] - MAY_FOURTH_SQUARE[1]) > 0.004  # the offset is real: ~500 m here
    fake.answers["/v3/geocode/geo"] = (200, amap_answer(gcj))
    found = geocoders.configured().geocode("五四广场")
    assert found[0].lat == pytest.approx(MAY_FOURTH_SQUARE[0], abs=1e-5)
    assert found[0].lon == pytest.approx(MAY_FOURTH_SQUARE[1], abs=1e-5)
    assert found[0].name == "山东省青岛市市南区五四广场"
    _path, query = fake.requests[0]
    assert query["key"] == ["test-key"] and query["address"] == ["五四广场"]


@pytest.mark.parametrize(("name", "path", "answer"), [
    ("tianditu", "/geocoder", (500, b"server error")),
    ("tianditu", "/geocoder", (200, b"not json")),
    ("tianditu", "/geocoder", (200, tianditu_answer(0, 0, status="101"))),
    ("tianditu", "/geocoder", (200, tianditu_answer(39.9087, 116.3975))),  # Beijing
    ("amap", "/v3/geocode/geo", (200, b'{"status": "0", "info": "INVALID_USER_KEY"}')),
    ("amap", "/v3/geocode/geo", (200, b'{"status": "1", "geocodes": [{"location": "x"}]}')),
    ("amap", "/v3/geocode/geo", (200, amap_answer((31.2304, 121.4737)))),  # Shanghai
])
def test_a_failure_or_a_point_outside_the_city_gives_no_candidates_and_a_log_line(
        fake, settings, caplog, name, path, answer):
    settings.GEOCODER = name
    fake.answers[path] = answer
    with caplog.at_level(logging.INFO, logger="songnuan.places.geocoders"):
        assert geocoders.configured().geocode("五四广场") == []
    assert caplog.records


def test_a_slow_geocoder_is_abandoned(fake, settings, caplog):
    settings.GEOCODER, settings.GEOCODER_TIMEOUT_S = "tianditu", 0.2
    fake.delay = 1.0
    fake.answers["/geocoder"] = (200, tianditu_answer(*MAY_FOURTH_SQUARE))
    assert geocoders.configured().geocode("五四广场") == []
    assert "failed" in caplog.text


def test_nothing_is_asked_when_the_geocoder_is_off(fake, settings, gazetteer):
    settings.GEOCODER = ""
    assert geocoders.configured() is None
    assert services.candidates("某个不知道的地方") == []
    assert fake.requests == []


def test_the_geocoder_adds_candidates_when_the_gazetteer_is_unsure(fake, settings, gazetteer):
    settings.GEOCODER = "amap"
    point = (36.0665, 120.3790)  # 香港中路, 市南区
    fake.answers["/v3/geocode/geo"] = (200, amap_answer(from_wgs84(*point, "gcj02")))
    found = services.candidates("香港中路六十号")
    assert found[-1].source == "geocoder"
    assert found[-1].district_id is not None
    assert found[-1].lat == pytest.approx(point[0], abs=1e-5)


def test_a_confident_gazetteer_match_asks_no_geocoder(fake, settings, gazetteer):
    settings.GEOCODER = "amap"
    found = services.candidates("台东步行街东口地下通道")
    assert found[0].source == "gazetteer"
    assert fake.requests == []
