"""Adapters that fetch weather from a service; the one used is the WEATHER_ADAPTER setting.

An adapter returns a document in the import format (see `importing.py`), so a service with
another format needs only a new adapter that translates.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any, Protocol

from django.conf import settings
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

MAX_RESPONSE_BYTES = 20 * 1024 * 1024


class FeedError(Exception):
    """The weather service could not be reached or answered something unusable."""


class WeatherAdapter(Protocol):
    def fetch(self) -> Any: ...


class JsonFeedAdapter:
    """GET the endpoint; it answers the JSON import document."""

    def __init__(self, endpoint: str, timeout: float, token: str = "") -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise FeedError(_("The weather endpoint must be an http(s) URL."))
        self.endpoint = endpoint
        self.timeout = timeout
        self.token = token

    def fetch(self) -> Any:
        headers = {"Accept": "application/json", "User-Agent": "Songnuan weather poller"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        request = urllib.request.Request(self.endpoint, headers=headers)  # noqa: S310 (checked)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                body = response.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as error:
            raise FeedError(_("The weather service answered HTTP %(code)s.")
                            % {"code": error.code}) from error
        except (urllib.error.URLError, TimeoutError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise FeedError(_("The weather service is unreachable (%(reason)s).")
                            % {"reason": reason}) from error
        if len(body) > MAX_RESPONSE_BYTES:
            raise FeedError(_("The weather service's answer is too large."))
        try:
            return json.loads(body.decode("utf-8-sig"))
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
            raise FeedError(_("The weather service answered something that is not JSON.")) \
                from error


def configured_adapter() -> WeatherAdapter | None:
    """The adapter for the WEATHER_ENDPOINT setting, or None when polling is off."""
    if not settings.WEATHER_ENDPOINT:
        return None
    adapter_class = import_string(settings.WEATHER_ADAPTER)
    return adapter_class(settings.WEATHER_ENDPOINT, settings.WEATHER_TIMEOUT_S,
                         settings.WEATHER_TOKEN)
