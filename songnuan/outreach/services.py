"""Hotspots on the staff map.

The district of a point lives in `network.geography` and the nearest hotspot to a point in
`places.sources.nearest`, low enough for every public report to ask them.
"""

from __future__ import annotations


def hotspots_geojson(hotspots) -> dict:
    """Hotspots as GeoJSON points for the staff map."""
    return {"type": "FeatureCollection", "features": [{
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [spot.lon, spot.lat]},
        "properties": {
            "id": spot.pk, "name": spot.name, "type": str(spot.get_place_type_display()),
            "risk": spot.risk_level, "risk_label": str(spot.get_risk_level_display()),
            "district": str(spot.district),
        },
    } for spot in hotspots]}
