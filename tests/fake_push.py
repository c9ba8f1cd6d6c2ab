"""A browser push service on 127.0.0.1 for tests: records each Web Push request, checks nothing
itself, and can decrypt what it received as the subscribed browser would (RFC 8291)."""

from __future__ import annotations

import base64
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class FakePushService:
    status: int = 201
    received: list[Received] = field(default_factory=list)
    _browsers: dict[str, tuple[ec.EllipticCurvePrivateKey, bytes]] = field(default_factory=dict)

    def start(self) -> FakePushService:
        service = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server interface)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                service.received.append(Received(
                    self.path, {k.lower(): v for k, v in self.headers.items()}, body))
                self.send_response(service.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    def subscription(self, name: str) -> dict:
        """A subscription as `PushSubscription.toJSON()` gives it, with its keys kept here."""
        private = ec.generate_private_key(ec.SECP256R1())
        secret = os.urandom(16)
        self._browsers[name] = (private, secret)
        public = private.public_key().public_bytes(serialization.Encoding.X962,
                                                   serialization.PublicFormat.UncompressedPoint)
        return {"endpoint": f"http://127.0.0.1:{self.server.server_port}/push/{name}",
                "keys": {"p256dh": b64(public), "auth": b64(secret)}}

    def decrypt(self, received: Received) -> dict:
        private, secret = self._browsers[received.path.rsplit("/", 1)[-1]]
        return json.loads(http_ece.decrypt(received.body, private_key=private,
                                           auth_secret=secret, version="aes128gcm"))

    @staticmethod
    def vapid_claims(received: Received, public_key: str) -> dict:
        """The claims of the request's VAPID token, once its signature checks out against the
        server's public key (and the header names that key)."""
        scheme, _, params = received.headers["authorization"].partition(" ")
        assert scheme == "vapid"
        values = dict(part.strip().split("=", 1) for part in params.split(","))
        assert values["k"] == public_key
        header, claims, signature = values["t"].split(".")
        signed = f"{header}.{claims}".encode()
        assert Vapid02.from_raw_public(public_key.encode()).verify_token(signed, signature)
        return json.loads(unb64(claims))
