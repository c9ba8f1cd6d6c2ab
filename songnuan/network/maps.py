"""What the maps and direction links need: GeoJSON of the network and links to map apps."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse

from songnuan.network import geography
from songnuan.network.models import Site

LEAFLET_JS = "vendor/leaflet/leaflet.js"
LEAFLET_CSS = "vendor/leaflet/leaflet.css"


def leaflet_available() -> bool:
    return bool(finders.find(LEAFLET_JS))


def network_geojson(sites: list[Site]) -> dict:
    """Districts, sites as points and parent links as lines, for the staff map."""
    features = geography.district_features()
    by_id = {site.pk: site for site in sites}
    for site in sites:
        features.append({
            "type": "Feature",
            "geometry": {"type": "Point", "coordinates": [site.lon, site.lat]},
            "properties": {
                "kind": "site", "id": site.pk, "name": site.name, "level": site.level,
                "level_label": str(site.get_level_display()), "status": site.status,
                "district": str(site.district), "host": str(site.get_host_type_display()),
                "url": reverse("network:site_detail", args=[site.pk]),
            },
        })
        parent = by_id.get(site.parent_id)
        if parent is not None:
            features.append({
                "type": "Feature",
                "geometry": {"type": "LineString",
                             "coordinates": [[parent.lon, parent.lat], [site.lon, site.lat]]},
                "properties": {"kind": "link", "level": site.level},
            })
    return {"type": "FeatureCollection", "features": features,
            "tiles": getattr(settings, "MAP_TILE_URL", "")}


def direction_links(site: Site) -> dict[str, str]:
    """Links that hand the destination to the phone's map apps (nothing is loaded from them)."""
    name = quote(site.name)
    gcj_lat, gcj_lon = geography.from_wgs84(site.lat, site.lon, "gcj02")
    return {
        "geo": f"geo:{site.lat:.6f},{site.lon:.6f}?q={site.lat:.6f},{site.lon:.6f}({name})",
        "amap": (f"https://uri.amap.com/marker?position={gcj_lon:.6f},{gcj_lat:.6f}"
                 f"&name={name}&coordinate=gaode&callnative=1"),
        "baidu": (f"baidumap://map/marker?location={site.lat:.6f},{site.lon:.6f}"
                  f"&title={name}&coord_type=wgs84&src=songnuan"),
    }


