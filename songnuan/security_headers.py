"""Content-Security-Policy and Permissions-Policy on every response (HSTS is Django's
SecurityMiddleware's, see SECURE_HSTS_SECONDS in settings).

Scripts and styles come from our own files only: no page has an inline script, event handler
or style attribute, so a value that slipped through escaping cannot run. Images may also come
from the configured tile server and from data:/blob: URLs (Leaflet's icons, photo previews).
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# The page features a browser may grant: location for the public report, the warm-places page
# and the patrollers' task pages; sound for a new task's tone. Photos come through a file
# input, which needs no camera permission.
PERMISSIONS = {
    "accelerometer": "()", "autoplay": "(self)", "camera": "()", "display-capture": "()",
    "encrypted-media": "()", "fullscreen": "()", "geolocation": "(self)", "gyroscope": "()",
    "magnetometer": "()", "microphone": "()", "midi": "()", "payment": "()",
    "picture-in-picture": "()", "publickey-credentials-get": "()", "screen-wake-lock": "()",
    "usb": "()", "xr-spatial-tracking": "()",
}


def tile_source(tile_url: str) -> str:
    """The origin a tile URL template loads from ("" when tiles are ours or none):
    Leaflet's {s} subdomain becomes a wildcard."""
    if not tile_url.startswith(("https://", "http://")):
        return ""
    parts = urlsplit(tile_url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(tile_url: str = "") -> str:
    images = " ".join(filter(None, ("'self' data: blob:", tile_source(tile_url))))
    directives = {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": images,
        "object-src": "'none'",
        "base-uri": "'self'",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def permissions_policy() -> str:
    return ", ".join(f"{feature}={allow}" for feature, allow in PERMISSIONS.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.csp = content_security_policy(settings.MAP_TILE_URL)
        self.permissions = permissions_policy()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", self.csp)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response
