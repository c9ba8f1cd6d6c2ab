"""Links that open a place in the phone's map app (导航): AMap and Tencent read GCJ-02, Baidu
BD-09, so the stored WGS-84 position is converted for each. Only links: nothing is fetched."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from songnuan.geo.coords import wgs84_to_bd09, wgs84_to_gcj02

APP_NAME = "songnuan"


@dataclass(frozen=True)
class MapLink:
    key: str
    label: str
    url: str


def map_links(lat: float, lon: float, name: str) -> list[MapLink]:
    """Route-to links for AMap, Baidu and Tencent Maps to a WGS-84 position."""
    gcj_lat, gcj_lon = wgs84_to_gcj02(lat, lon)
    bd_lat, bd_lon = wgs84_to_bd09(lat, lon)
    name = name or str(_("Destination"))
    amap = urlencode({"to": f"{gcj_lon:.6f},{gcj_lat:.6f},{name}", "mode": "car",
                      "coordinate": "gaode", "callnative": "1", "src": APP_NAME})
    baidu = urlencode({"destination": f"latlng:{bd_lat:.6f},{bd_lon:.6f}|name:{name}",
                       "mode": "driving", "coord_type": "bd09ll", "output": "html",
                       "src": f"webapp.{APP_NAME}"})
    tencent = urlencode({"type": "drive", "to": name, "tocoord": f"{gcj_lat:.6f},{gcj_lon:.6f}",
                         "referer": APP_NAME})
    return [
        MapLink("amap", str(_("AMap")), f"https://uri.amap.com/navigation?{amap}"),
        MapLink("baidu", str(_("Baidu Maps")), f"https://api.map.baidu.com/direction?{baidu}"),
        MapLink("tencent", str(_("Tencent Maps")),
                f"https://apis.map.qq.com/uri/v1/routeplan?{tencent}"),
    ]
