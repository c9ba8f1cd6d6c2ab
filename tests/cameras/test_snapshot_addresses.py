"""Snapshot URLs lead only to the camera network (SSRF): loopback, link-local (the cloud's
metadata service), multicast, unspecified and the server's own addresses are refused always,
the setting's networks narrow the rest; checked when saved and again on every connection of a
fetch, after the name is resolved and for each redirect."""

from __future__ import annotations

import ipaddress
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from songnuan.cameras import addresses, snapshots
from songnuan.cameras.models import Camera, FeedKind
from songnuan.refusals import Refused
from tests.cameras.factories import make_camera, make_owner
from tests.cameras.test_import import csv_file, post, row
from tests.cameras.test_own_detector import NIGHT, background, png, with_person
from tests.cameras.test_register import form_data
from tests.leads.factories import SHINAN_STATION_SQUARE

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("address", [
    "127.0.0.1", "127.8.9.10", "::1", "169.254.169.254", "fe80::1", "224.0.0.251", "ff02::1",
    "0.0.0.0",  # noqa: S104 (a URL naming it is refused, nothing binds)
    "::", "0.1.2.3", "255.255.255.255", "::ffff:127.0.0.1", "::ffff:169.254.169.254",
])
def test_addresses_never_a_cameras_are_refused_whatever_the_setting(address, settings):
    settings.CAMERAS_SNAPSHOT_ALLOWED_NETWORKS = "0.0.0.0/0,::/0"
    assert addresses.refusal(ipaddress.ip_address(address)) is not None


def test_private_camera_networks_are_allowed_until_the_setting_narrows_them(settings):
    camera, other = ipaddress.ip_address("10.20.0.7"), ipaddress.ip_address("192.168.1.20")
    settings.CAMERAS_SNAPSHOT_ALLOWED_NETWORKS = ""
    assert addresses.refusal(camera) is None and addresses.refusal(other) is None
    settings.CAMERAS_SNAPSHOT_ALLOWED_NETWORKS = " 10.20.0.0/16 , 172.16.5.0/24"
    assert addresses.refusal(camera) is None
    assert "摄像头网络" in addresses.refusal(other)


def test_the_servers_own_address_is_refused(monkeypatch):
    own = ipaddress.ip_address("10.9.9.9")
    monkeypatch.setattr(addresses, "own_addresses", lambda: frozenset({own}))
    assert "本服务器" in addresses.refusal(own)
    assert addresses.refusal(ipaddress.ip_address("10.9.9.8")) is None


def test_a_host_name_is_judged_by_what_it_resolves_to():
    with pytest.raises(Refused, match="127.0.0.1"):
        addresses.check_url("http://localhost:8000/snapshot.jpg")
    addresses.check_url("http://camera-17.invalid/snapshot.jpg")  # checked again when fetched


@pytest.mark.parametrize("url", ["http://169.254.169.254/latest/meta-data/",
                                 "http://localhost:8000/admin/", "http://[::1]/x.jpg"])
def test_the_register_form_refuses_a_url_off_the_camera_network_and_keeps_it(url, cast,
                                                                            client_for):
    owner, _secret = make_owner()
    response = client_for(cast.shinan_admin).post("/cameras/new/", form_data(
        owner, *SHINAN_STATION_SQUARE, feed_kind="snapshot_url", snapshot_url=url))
    assert response.status_code == 422
    assert response.context["form"].errors["snapshot_url"]
    assert response.context["form"]["snapshot_url"].value() == url
    assert not Camera.objects.exists()


def test_the_import_refuses_a_url_off_the_camera_network(cast, client_for):
    make_owner("市南区城市管理局")
    response = post(client_for(cast.shinan_admin), csv_file(
        row(feed="夜间轮询抓拍地址", url="http://169.254.169.254/latest/meta-data/")))
    [error] = response.context["result"].errors
    assert error.field == "抓拍图片地址" and "169.254.169.254" in error.message
    assert not Camera.objects.exists()


class _Server:
    """A small HTTP server on a loopback address, counting what reaches it."""

    def __init__(self, host: str, body: bytes = b"", redirect_to: str = "") -> None:
        hits = self.hits = []

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                hits.append(self.path)
                if redirect_to:
                    self.send_response(302)
                    self.send_header("Location", redirect_to)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer((host, 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def picture_server():
    scene, _box = with_person(background(1), (300, 120), 180)
    server = _Server("127.0.0.1", png(scene))
    yield server
    server.close()


def _snapshot_camera(url: str) -> Camera:
    camera = make_camera(make_owner()[0])
    # Saved past the form, as a URL whose name resolved elsewhere when it was registered.
    Camera.objects.filter(pk=camera.pk).update(feed_kind=FeedKind.SNAPSHOT_URL, snapshot_url=url)
    camera.refresh_from_db()
    return camera


def test_a_name_resolving_to_loopback_is_refused_at_fetch_time_and_logged(picture_server,
                                                                          caplog):
    camera = _snapshot_camera(f"http://localhost:{picture_server.port}/snapshot.png")
    with caplog.at_level(logging.WARNING, logger="songnuan.cameras.snapshots"):
        assert snapshots.poll(camera, NIGHT) == []
    assert picture_server.hits == []
    camera.refresh_from_db()
    assert "127.0.0.1" in camera.fetch_problem and camera.fetch_problem_at == NIGHT
    assert camera.last_picture_at is None
    assert any(camera.code in record.getMessage() for record in caplog.records)


def test_the_health_on_the_register_shows_why_a_snapshot_was_not_fetched(picture_server, cast,
                                                                        client_for):
    camera = _snapshot_camera(f"http://localhost:{picture_server.port}/snapshot.png")
    snapshots.poll(camera, NIGHT)
    page = client_for(cast.shinan_dispatcher).get("/cameras/").content.decode()
    assert "未能抓拍" in page and "127.0.0.1" in page


def test_a_redirect_to_an_address_off_the_camera_network_is_not_followed(
        camera_network_at_loopback, picture_server):
    elsewhere = _Server("127.0.0.2")
    try:
        hop = _Server("127.0.0.1", redirect_to=f"http://127.0.0.2:{elsewhere.port}/admin/")
        camera = _snapshot_camera(f"http://127.0.0.1:{hop.port}/snapshot.png")
        assert snapshots.poll(camera, NIGHT) == []
        assert hop.hits == ["/snapshot.png"] and elsewhere.hits == []
        camera.refresh_from_db()
        assert "127.0.0.2" in camera.fetch_problem
        hop.close()
    finally:
        elsewhere.close()


def test_a_redirect_within_the_camera_network_is_followed_and_clears_the_problem(
        camera_network_at_loopback, picture_server):
    hop = _Server("127.0.0.1", redirect_to=f"http://127.0.0.1:{picture_server.port}/now.png")
    try:
        camera = _snapshot_camera(f"http://127.0.0.1:{hop.port}/snapshot.png")
        Camera.objects.filter(pk=camera.pk).update(fetch_problem="earlier")
        camera.refresh_from_db()
        snapshots.poll(camera, NIGHT)
        assert picture_server.hits == ["/now.png"]
        camera.refresh_from_db()
        assert camera.fetch_problem == "" and camera.last_picture_at == NIGHT
    finally:
        hop.close()
