"""Staff API for the hotspot registry."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field as SchemaField
from ninja import Query, Router, Schema, Status

from songnuan.api.auth import staff_auth
from songnuan.geo.coords import CoordError, CoordSystem, to_wgs84
from songnuan.outreach import services
from songnuan.outreach.models import Hotspot
from songnuan.outreach.schemas import HotspotOut, NearestHotspotOut

router = Router(tags=["outreach"], auth=staff_auth)
MAX_RADIUS_M = 20_000


class NearestQuery(Schema):
    lat: float = SchemaField(ge=-90, le=90)
    lon: float = SchemaField(ge=-180, le=180)
    coord: CoordSystem = CoordSystem.WGS84
    radius_m: float = SchemaField(500, gt=0, le=MAX_RADIUS_M)


@router.get("/hotspots", response=list[HotspotOut])
def list_hotspots(request: HttpRequest):
    return Hotspot.objects.restrict(request.user, "view").filter(is_active=True)


@router.get("/hotspots/nearest", response={200: NearestHotspotOut, 422: dict})
def nearest(request: HttpRequest, query: Query[NearestQuery]):
    try:
        lat, lon = to_wgs84(query.lat, query.lon, query.coord)
    except CoordError as error:
        message = str(error)
        return Status(422, {"message": message, "errors": [{"field": "lat", "message": message}]})
    found = services.nearest_hotspot(lat, lon, query.radius_m)
    if found is None or not Hotspot.objects.restrict(request.user, "view").filter(
        pk=found[0].pk
    ).exists():
        return {"hotspot": None, "distance_m": None}
    return {"hotspot": found[0], "distance_m": round(found[1], 1)}


@router.get("/hotspots/{hotspot_id}", response=HotspotOut)
def get_hotspot(request: HttpRequest, hotspot_id: int):
    return get_object_or_404(Hotspot.objects.restrict(request.user, "view"), pk=hotspot_id)
