"""Alibaba Cloud and Tencent Cloud SMS on 127.0.0.1 for tests: each checks the request's
signature as the provider does (written here from the providers' documentation, apart from the
code under test) and answers in the provider's shape, with the outcome the test scripts."""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import threading
import time
import uuid
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, quote

KEY_ID = "LTAI5tSongnuanTest"
KEY_SECRET = "songnuan-test-secret"


@dataclass
class FakeProvider(ABC):
    """`outcome` is the provider's code for the next messages ("OK"/"Ok" for success);
    `delay_s` holds each answer back (a slow provider)."""

    outcome: str = ""
    delay_s: float = 0.0
    received: list[dict[str, Any]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    nonces: set[str] = field(default_factory=set)

    def start(self) -> FakeProvider:
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the http.server interface)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, answer = provider.answer(self.headers, body)
                time.sleep(provider.delay_s)
                data = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up waiting: the slow-provider test

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.01,), daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/"

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @abstractmethod
    def answer(self, headers, body: bytes) -> tuple[int, dict]:
        """The provider's status and JSON body for one request."""


class FakeAliyun(FakeProvider):
    """dysmsapi SendSms: form-encoded POST, signature V1 (HMAC-SHA1)."""

    def answer(self, headers, body: bytes) -> tuple[int, dict]:
        params = dict(parse_qsl(body.decode(), keep_blank_values=True))
        request_id = str(uuid.uuid4()).upper()
        signature = params.pop("Signature", "")
        if params.get("AccessKeyId") != KEY_ID:
            return self._refuse(404, "InvalidAccessKeyId.NotFound",
                                "Specified access key is not found.", request_id)
        if not hmac.compare_digest(signature, self.expected_signature(params)):
            return self._refuse(400, "SignatureDoesNotMatch", "Specified signature is not "
                                "matched with our calculation.", request_id)
        stamp = datetime.datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ")
        now = datetime.datetime.now(datetime.UTC).replace(tzinfo=None)
        if abs(stamp - now) > datetime.timedelta(minutes=15):
            return self._refuse(400, "InvalidTimeStamp.Expired", "Specified time stamp or "
                                "date value is expired.", request_id)
        if params["SignatureNonce"] in self.nonces:
            return self._refuse(400, "SignatureNonceUsed", "Specified signature nonce was "
                                "used already.", request_id)
        self.nonces.add(params["SignatureNonce"])
        for name in ("PhoneNumbers", "SignName", "TemplateCode"):
            if not params.get(name):
                return self._refuse(400, "MissingParameter", f"{name} is mandatory",
                                    request_id)
        self.received.append(params)
        code = self.outcome or "OK"
        if code == "OK":
            return 200, {"Code": "OK", "Message": "OK", "RequestId": request_id,
                         "BizId": f"{len(self.received)}00000000^0"}
        return 200, {"Code": code, "Message": f"refused: {code}", "RequestId": request_id}

    def _refuse(self, status: int, code: str, text: str, request_id: str) -> tuple[int, dict]:
        self.refused.append(code)
        return status, {"Code": code, "Message": text, "RequestId": request_id,
                        "HostId": "dysmsapi.aliyuncs.com"}

    @staticmethod
    def expected_signature(params: dict[str, str]) -> str:
        def encode(text: str) -> str:
            return quote(text, safe="-_.~")

        query = "&".join(encode(k) + "=" + encode(params[k]) for k in sorted(params))
        string_to_sign = "POST&" + encode("/") + "&" + encode(query)
        mac = hmac.new((KEY_SECRET + "&").encode("utf-8"), string_to_sign.encode("utf-8"),
                       hashlib.sha1)
        return base64.b64encode(mac.digest()).decode()


class FakeTencent(FakeProvider):
    """SendSms 2021-01-11: JSON POST, TC3-HMAC-SHA256; errors in HTTP 200 as the API does."""

    def answer(self, headers, body: bytes) -> tuple[int, dict]:
        request_id = str(uuid.uuid4())
        problem = self.check_signature(headers, body)
        if problem:
            self.refused.append(problem[0])
            return 200, {"Response": {"Error": {"Code": problem[0], "Message": problem[1]},
                                      "RequestId": request_id}}
        payload = json.loads(body)
        self.received.append(payload)
        code = self.outcome or "Ok"
        if code.startswith(("InternalError", "RequestLimitExceeded", "AuthFailure")):
            return 200, {"Response": {"Error": {"Code": code, "Message": f"refused: {code}"},
                                      "RequestId": request_id}}
        status = {"SerialNo": f"2433:{len(self.received)}", "PhoneNumber":
                  payload["PhoneNumberSet"][0], "Fee": 1 if code == "Ok" else 0,
                  "SessionContext": payload.get("SessionContext", ""), "Code": code,
                  "Message": "send success" if code == "Ok" else f"refused: {code}",
                  "IsoCode": "CN"}
        return 200, {"Response": {"SendStatusSet": [status], "RequestId": request_id}}

    @staticmethod
    def check_signature(headers, body: bytes) -> tuple[str, str] | None:
        authorization = headers.get("Authorization", "")
        algorithm, _, rest = authorization.partition(" ")
        parts = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
        if algorithm != "TC3-HMAC-SHA256" or not {"Credential", "SignedHeaders",
                                                  "Signature"} <= parts.keys():
            return "AuthFailure.InvalidAuthorization", "Authorization header is malformed."
        secret_id, date, service, terminator = parts["Credential"].split("/")
        if secret_id != KEY_ID:
            return "AuthFailure.SecretIdNotFound", "The SecretId is not found."
        timestamp = int(headers.get("X-TC-Timestamp", "0"))
        if abs(time.time() - timestamp) > 300:
            return "AuthFailure.SignatureExpire", "Signature expired."
        signed = parts["SignedHeaders"].split(";")
        canonical_headers = "".join(f"{name}:{headers.get(name, '').strip().lower()}\n"
                                    for name in signed)
        canonical = "\n".join(["POST", "/", "", canonical_headers, parts["SignedHeaders"],
                               hashlib.sha256(body).hexdigest()])
        day = datetime.datetime.fromtimestamp(timestamp, datetime.UTC)
        if day.strftime("%Y-%m-%d") != date:
            return "AuthFailure.SignatureFailure", "The credential date is not the request's."
        scope = f"{date}/{service}/{terminator}"
        string_to_sign = "\n".join(["TC3-HMAC-SHA256", str(timestamp), scope,
                                    hashlib.sha256(canonical.encode()).hexdigest()])

        def sign(key: bytes, text: str) -> bytes:
            return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()

        key = sign(sign(sign(("TC3" + KEY_SECRET).encode(), date), service), terminator)
        expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
        if service != "sms" or not hmac.compare_digest(expected, parts["Signature"]):
            return "AuthFailure.SignatureFailure", "The provided credentials could not be " \
                "validated."
        return None
