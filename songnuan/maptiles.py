"""The basemap every Leaflet map draws: the tile layer, the coordinate system its tiles are drawn
in (markers are shifted to it in the browser), and the offline tile folder Songnuan can serve."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

# The formats a tile folder may hold, tried in this order, with the type each is served as.
TILE_FORMATS = {".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg",
                ".webp": "image/webp"}
MAX_ZOOM = 19


def tile_layer() -> dict[str, str]:
    """What a page hands its map script: the tile URL (empty for none), attribution and CRS."""
    return {"tiles": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION,
            "crs": settings.MAP_TILE_CRS}


def tile_file(z: int, x: int, y: int) -> tuple[Path, str] | None:
    """The file of tile z/x/y in MAP_TILE_DIR and its content type, or None if there is none."""
    if not settings.MAP_TILE_DIR or z > MAX_ZOOM or x >= 2**z or y >= 2**z:
        return None
    stem = Path(settings.MAP_TILE_DIR) / str(z) / str(x) / str(y)
    for suffix, content_type in TILE_FORMATS.items():
        path = stem.with_suffix(suffix)
        if path.is_file():
            return path, content_type
    return None
