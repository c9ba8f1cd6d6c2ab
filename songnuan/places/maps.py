"""What the pin map needs: district outlines (offline), the tile layer if one is set, a start."""

from __future__ import annotations

from functools import cache

from django.conf import settings
from django.utils.translation import gettext as _

from songnuan.geo.districts import district_by_code, districts


@cache
def _outline(code: str) -> dict:
    return district_by_code(code).geojson()


def pin_map_setup(lat: float | None, lon: float | None, district_code: str | None) -> dict:
    """The pin map's start: the point if known, else the district's outline, else the city."""
    codes = [district_code] if district_code else [district.code for district in districts()]
    return {"lat": lat, "lon": lon, "outlines": [_outline(code) for code in codes],
            "tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
            "pinned": _("Pin at")}
