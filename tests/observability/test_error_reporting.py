"""An exception in a view reaches the error-reporting service (a local fake of Sentry's envelope
endpoint) with its request id, and without the request's body, cookies, query or tokens."""

from __future__ import annotations

import gzip
import json
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import sentry_sdk
from django.test import Client

from songnuan.observability import errors

PHONE, NAME, SESSION, TOKEN = "13812345678", "张三丰", "secret-session-key", "staff-token-4711"


class FakeSentry(BaseHTTPRequestHandler):
    received: list[tuple[str, bytes]] = []

    def do_POST(self) -> None:  # noqa: N802 (the http.server interface)
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        encoding = self.headers.get("Content-Encoding", "")
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        elif encoding == "br":
            import brotli  # only when the SDK found brotli to compress with

            body = brotli.decompress(body)
        self.received.append((self.path, body))
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture
def fake_sentry():
    FakeSentry.received = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeSentry)
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    sentry_sdk.get_client().close()
    sentry_sdk.init(dsn=None, default_integrations=False)
    server.shutdown()
    server.server_close()


def events(received: list[tuple[str, bytes]]) -> list[dict]:
    """The event items of the envelopes received (header line, then item header and payload)."""
    found = []
    for _path, body in received:
        lines = body.split(b"\n")
        for header, payload in zip(lines[1::2], lines[2::2], strict=False):
            if json.loads(header).get("type") == "event":
                found.append(json.loads(payload))
    return found


def test_reporting_is_off_without_a_dsn(settings):
    settings.ERROR_REPORTING_DSN = ""
    assert errors.start() is False


@pytest.mark.urls("tests.observability.urls")
def test_an_exception_in_a_view_arrives_without_personal_data(db, fake_sentry, settings):
    settings.ERROR_REPORTING_ENVIRONMENT = "staging"
    port = fake_sentry.server_address[1]
    assert errors.start(f"http://publickey@127.0.0.1:{port}/42")
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = SESSION
    response = client.post(f"/fail?phone={PHONE}", {"name": NAME, "phone": PHONE},
                           headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 500
    sentry_sdk.flush(timeout=10)

    assert all(path == "/api/42/envelope/" for path, _ in FakeSentry.received)
    [event] = events(FakeSentry.received)
    [exception] = event["exception"]["values"]
    assert exception["type"] == "RuntimeError"
    assert exception["value"] == "the door handle came off"
    assert event["tags"]["request_id"] == response["X-Request-ID"]
    assert event["tags"]["route"] == "fail"
    assert event["release"] == errors.release() and event["release"].startswith("songnuan@")
    assert event["environment"] == "staging"
    assert "data" not in event["request"] and "cookies" not in event["request"]
    assert "user" not in event
    raw = b"".join(body for _, body in FakeSentry.received).decode()
    for secret in (PHONE, NAME, SESSION, TOKEN, json.dumps(NAME)[1:-1]):
        assert secret not in raw
