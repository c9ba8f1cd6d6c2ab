"""Online geocoders behind one adapter, off by default (`GEOCODER = ""`).

Tianditu (天地图, CGCS2000, which is WGS-84 within centimetres) and AMap (高德, GCJ-02, converted
to WGS-84 here). A geocoder only suggests candidates to a person choosing a place; it is never
asked on the public report path. Any failure — no key, a timeout, an error answer, a point
outside the city — gives no candidates and a log line, never an error page.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.parse
import urllib.request
from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import Any

from django.conf import settings

from songnuan.geo.coords import CoordError, to_wgs84
from songnuan.geo.districts import city, is_in_city

logger = logging.getLogger(__name__)

TIMEOUT_S = 3.0
# A geocoder's answer is a guess about an address, never as sure as a gazetteer name: its
# candidates stay below the resolver's confidence bar, so a person always confirms them.
MAX_SCORE = 0.8


@dataclass(frozen=True)
class Geocoded:
    name: str
    lat: float  # WGS-84
    lon: float
    score: float


class GeocoderError(Exception):
    pass


class Geocoder(ABC):
    """One provider: `geocode(text)` answers WGS-84 candidates inside the city."""

    name = ""
    default_url = ""
    coord = "wgs84"

    def __init__(self, key: str, base_url: str = "", timeout: float = TIMEOUT_S) -> None:
        self.key = key
        self.base_url = (base_url or self.default_url).rstrip("/")
        self.timeout = timeout

    def geocode(self, text: str) -> list[Geocoded]:
        text = text.strip()
        if not text:
            return []
        try:
            answer = self._get(self.request_url(text))
            found = self.parse(answer, text)
        except (GeocoderError, OSError, ValueError, KeyError, TypeError) as error:
            logger.warning("geocoder %s failed for %r: %s", self.name, text, error)
            return []
        results = []
        for name, lat, lon, score in found:
            try:
                lat, lon = to_wgs84(lat, lon, self.coord)
            except CoordError as error:
                logger.warning("geocoder %s gave bad coordinates for %r: %s", self.name, text,
                               error)
                continue
            if not is_in_city(lat, lon):
                logger.info("geocoder %s placed %r outside the city (%.5f, %.5f)", self.name,
                            text, lat, lon)
                continue
            results.append(Geocoded(name, lat, lon, min(MAX_SCORE, score)))
        return results

    @abstractmethod
    def request_url(self, text: str) -> str:
        """The provider's query URL for a typed place."""

    @abstractmethod
    def parse(self, answer: Any, text: str) -> list[tuple[str, float, float, float]]:
        """(name, lat, lon, score) for each place in the provider's answer, in its own system."""

    def _get(self, url: str) -> Any:
        if not url.startswith(("http://", "https://")):
            raise GeocoderError(f"not an HTTP URL: {url}")
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            url, headers={"Accept": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:  # noqa: S310
                return json.loads(response.read().decode("utf-8"))
        except urllib.error.HTTPError as error:
            raise GeocoderError(f"HTTP {error.code}") from error


class TiandituGeocoder(Geocoder):
    """天地图 地理编码: GET /geocoder?ds={"keyWord": …}&tk=KEY → {"status": "0",
    "location": {"lon": …, "lat": …, "score": 0..100, "keyWord": …}}."""

    name = "tianditu"
    default_url = "https://api.tianditu.gov.cn"
    coord = "wgs84"

    def request_url(self, text: str) -> str:
        ds = json.dumps({"keyWord": f"{city().name}{text}"}, ensure_ascii=False)
        return f"{self.base_url}/geocoder?" + urllib.parse.urlencode({"ds": ds, "tk": self.key})

    def parse(self, answer: Any, text: str) -> list[tuple[str, float, float, float]]:
        if str(answer.get("status")) != "0" or not answer.get("location"):
            raise GeocoderError(answer.get("msg") or "no location")
        location = answer["location"]
        score = float(location.get("score", 100)) / 100
        return [(text, float(location["lat"]), float(location["lon"]), score * MAX_SCORE)]


class AmapGeocoder(Geocoder):
    """高德 地理编码: GET /v3/geocode/geo?address=…&city=…&key=KEY → {"status": "1",
    "geocodes": [{"formatted_address": …, "location": "lon,lat"}]} in GCJ-02."""

    name = "amap"
    default_url = "https://restapi.amap.com"
    coord = "gcj02"

    def request_url(self, text: str) -> str:
        query = urllib.parse.urlencode({"address": text, "city": city().name, "key": self.key,
                                        "output": "JSON"})
        return f"{self.base_url}/v3/geocode/geo?{query}"

    def parse(self, answer: Any, text: str) -> list[tuple[str, float, float, float]]:
        if str(answer.get("status")) != "1":
            raise GeocoderError(answer.get("info") or "error")
        found = []
        for rank, item in enumerate(answer.get("geocodes") or []):
            lon, lat = (float(part) for part in str(item["location"]).split(","))
            name = item.get("formatted_address") or text
            found.append((name if isinstance(name, str) else text, lat, lon,
                          MAX_SCORE - 0.05 * rank))
        return found


GEOCODERS: dict[str, type[Geocoder]] = {"tianditu": TiandituGeocoder, "amap": AmapGeocoder}


def configured() -> Geocoder | None:
    """The geocoder the settings name, or None when it is off or has no key."""
    name = getattr(settings, "GEOCODER", "")
    if not name:
        return None
    if name not in GEOCODERS or not settings.GEOCODER_KEY:
        logger.warning("GEOCODER=%r is unknown or has no GEOCODER_KEY: geocoding is off", name)
        return None
    return GEOCODERS[name](settings.GEOCODER_KEY, settings.GEOCODER_URL,
                           settings.GEOCODER_TIMEOUT_S)
