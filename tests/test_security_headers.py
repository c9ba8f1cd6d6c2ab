"""Every response carries a strict Content-Security-Policy and a Permissions-Policy; HTTPS
responses carry HSTS; and no template needs the inline script or style the policy refuses."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

import songnuan

# Templates rendered into documents (WeasyPrint's PDF), never served to a browser: the policy
# does not reach them, and a PDF carries its styles inline.
DOCUMENT_TEMPLATES = {"analytics/templates/analytics/document.html"}
TEMPLATES = sorted(
    path for path in Path(songnuan.__file__).parent.glob("**/templates/**/*.html")
    if str(path.relative_to(Path(songnuan.__file__).parent)) not in DOCUMENT_TEMPLATES)


def directives(response) -> dict[str, str]:
    policy = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in policy.split(";"))


@pytest.mark.parametrize("path", ["/", "/warm/", "/report/", "/login/", "/api/v1/openapi.json",
                                  "/no-such-page/"])
def test_public_pages_the_api_and_errors_carry_the_policy(db, client, path):
    response = client.get(path)
    policy = directives(response)
    assert policy["default-src"] == "'self'"
    assert policy["script-src"] == "'self'"
    assert policy["style-src"] == "'self'"
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'self'"
    assert policy["frame-ancestors"] == "'none'"
    assert policy["form-action"] == "'self'"
    assert policy["img-src"] == "'self' data: blob:"
    assert "unsafe" not in response.headers["Content-Security-Policy"]


def test_staff_pages_carry_the_policy_and_the_permissions(cast, client_for):
    response = client_for(cast.shinan_dispatcher).get(reverse("leads:lead_list"))
    assert response.status_code == 200
    assert directives(response)["script-src"] == "'self'"
    permissions = response.headers["Permissions-Policy"]
    assert "geolocation=(self)" in permissions
    assert "camera=()" in permissions and "microphone=()" in permissions
    assert "payment=()" in permissions and "usb=()" in permissions


def test_the_tile_server_may_send_images(db, settings):
    settings.MAP_TILE_URL = "https://{s}.tiles.example.cn/{z}/{x}/{y}.png"
    response = Client().get("/warm/")
    assert directives(response)["img-src"] == "'self' data: blob: https://*.tiles.example.cn"


def test_hsts_is_sent_once_the_tls_proxy_says_the_request_came_over_https(db, settings):
    # What BEHIND_TLS_PROXY=1 sets (see the next test).
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    over_tls = Client().get("/warm/", headers={"X-Forwarded-Proto": "https"})
    assert over_tls.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    plain = Client().get("/warm/")
    assert "Strict-Transport-Security" not in plain.headers


@pytest.mark.parametrize(("flags", "seconds"), [({"BEHIND_TLS_PROXY": "1"}, "31536000"),
                                                ({}, "0"), ({"DEMO": "1"}, "0")])
def test_hsts_is_on_behind_the_tls_proxy_only(tmp_path, flags, seconds):
    env = {key: value for key, value in os.environ.items()
           if key not in ("DEMO", "DEBUG", "SECURE_HSTS_SECONDS", "BEHIND_TLS_PROXY",
                          "DJANGO_SETTINGS_MODULE")}
    env.update(SONGNUAN_VAR_DIR=str(tmp_path), SECRET_KEY="hsts-test", **flags)
    program = "from songnuan import settings; print(getattr(settings, 'SECURE_HSTS_SECONDS', 0))"
    done = subprocess.run([sys.executable, "-c", program], env=env, capture_output=True,
                          text=True, timeout=60, check=True)
    assert done.stdout.strip() == seconds


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=|\shx-on", re.IGNORECASE)
STYLE = re.compile(r"\sstyle\s*=|<style", re.IGNORECASE)


@pytest.mark.parametrize("template", TEMPLATES, ids=lambda path: str(path.relative_to(
    Path(songnuan.__file__).parent)))
def test_no_template_has_inline_script_handlers_or_styles(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text)
    assert not EVENT_HANDLER.search(text)
    assert not STYLE.search(text)
