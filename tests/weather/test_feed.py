"""The HTTP feed against a local fake weather service: good data, then every way it fails."""

from __future__ import annotations

import datetime
import http.server
import json
import socket
import threading
import time

import pytest
from django.test import override_settings
from django.utils import timezone, translation

from songnuan.scheduling import jobs
from songnuan.weather import feed
from songnuan.weather.intake import freshness, record_feed_result
from songnuan.weather.models import FeedStatus, Forecast, NoticeKind, ProtocolNotice
from songnuan.weather.protocol import protocol_level
from tests.factories import ensure_districts


@pytest.fixture(autouse=True)
def _english():
    """These tests read messages in English; the pages' tests read them in Chinese."""
    with translation.override("en"):
        yield


def document(min_c: float = -7.0) -> dict:
    start = timezone.now().replace(minute=0, second=0, microsecond=0)
    return {
        "forecasts": [{"district": "370202", "starts_at": (start + datetime.timedelta(hours=h))
                       .isoformat(), "ends_at": (start + datetime.timedelta(hours=h + 1))
                       .isoformat(), "min_c": min_c, "max_c": min_c + 1, "wind_ms": 0}
                      for h in range(24)],
        "warnings": [],
    }


class FakeWeather(http.server.BaseHTTPRequestHandler):
    answer: bytes = b"{}"
    status = 200
    delay = 0.0

    def do_GET(self):  # noqa: N802
        time.sleep(self.delay)
        try:
            self.send_response(self.status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(self.answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the poller gave up waiting, as it should

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_service(db):
    ensure_districts()
    handler = type("Handler", (FakeWeather,), {})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}/qingdao.json"
    with override_settings(WEATHER_ENDPOINT=url, WEATHER_TIMEOUT_S=0.5):
        yield handler
    server.shutdown()
    server.server_close()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_polling_is_off_without_an_endpoint(db):
    with override_settings(WEATHER_ENDPOINT=""):
        assert feed.poll() == "off"


def test_a_good_answer_is_kept_and_decides_the_protocol(fake_service):
    fake_service.answer = json.dumps(document()).encode()
    assert feed.poll().startswith("ok")
    assert Forecast.objects.count() == 24
    assert protocol_level(Forecast.objects.first().district_id) == 2
    assert FeedStatus.objects.get(name="feed").last_success_at is not None


@pytest.mark.parametrize("failure", ["garbage", "http_error", "bad_data", "timeout"])
def test_a_failing_service_keeps_the_last_good_data_and_says_why(fake_service, failure):
    fake_service.answer = json.dumps(document(-7.0)).encode()
    feed.poll()
    if failure == "garbage":
        fake_service.answer = b"<html>502 Bad Gateway</html>"
    elif failure == "http_error":
        fake_service.status = 503
    elif failure == "bad_data":
        fake_service.answer = json.dumps(document(-99.0)).encode()
    else:
        fake_service.delay = 1.5
    result = feed.poll()
    assert not result.startswith("ok")
    assert set(Forecast.objects.values_list("min_c", flat=True)) == {-7.0}
    status = FeedStatus.objects.get(name="feed")
    assert status.failures == 1 and status.last_error
    assert ProtocolNotice.objects.filter(kind=NoticeKind.FEED_ERROR).exists()


def test_an_unreachable_service_makes_the_data_stale_and_alerts_the_duty_officer(db):
    ensure_districts()
    record_feed_result("feed", timezone.now() - datetime.timedelta(hours=12))
    endpoint = f"http://127.0.0.1:{free_port()}/"
    with override_settings(WEATHER_ENDPOINT=endpoint, WEATHER_TIMEOUT_S=1):
        result = feed.poll()
    assert result.startswith("failed")
    assert "unreachable" in FeedStatus.objects.get(name="feed").last_error
    assert freshness().is_stale
    notice = ProtocolNotice.objects.get(kind=NoticeKind.STALE_DATA)
    assert "Duty officer" in notice.recipients or "值班" in notice.recipients


def test_an_endpoint_that_is_not_http_is_refused(db):
    with override_settings(WEATHER_ENDPOINT="file:///etc/passwd"):
        assert feed.poll().startswith("failed")


def test_polling_and_the_protocol_review_are_periodic_jobs():
    names = {job.name for job in jobs()}
    assert "songnuan.weather.tasks.poll_weather_feed" in names
    assert "songnuan.weather.tasks.review_protocol" in names


def test_the_review_task_re_decides_every_district(db):
    from songnuan.weather.tasks import review_protocol

    ensure_districts()
    assert review_protocol.call() == 0
