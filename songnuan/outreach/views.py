"""Staff pages for the hotspot registry: a list with a map, and one hotspot."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required, permission_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from songnuan.outreach import services
from songnuan.outreach.forms import HotspotFilterForm
from songnuan.outreach.models import Hotspot
from songnuan.weather.services import protocol_active


def _map_context(hotspots, district_ids: set[int]) -> dict:
    from songnuan.geo.districts import districts
    from songnuan.network.models import District

    codes = set(District.objects.filter(pk__in=district_ids).values_list("code", flat=True))
    data = services.hotspots_geojson(hotspots)
    data["outlines"] = [d.geojson() for d in districts() if d.code in codes]
    data["tiles"] = getattr(settings, "MAP_TILE_URL", "")
    data["attribution"] = getattr(settings, "MAP_TILE_ATTRIBUTION", "")
    return data


@login_required
@permission_required("outreach.view_hotspot", raise_exception=True)
def hotspot_list(request: HttpRequest) -> HttpResponse:
    hotspots = Hotspot.objects.restrict(request.user, "view").select_related("district")
    form = HotspotFilterForm(request.GET or None)
    if form.is_valid():
        data = form.cleaned_data
        if data["district"]:
            hotspots = hotspots.filter(district=data["district"])
        if data["place_type"]:
            hotspots = hotspots.filter(place_type=data["place_type"])
        if data["risk_level"]:
            hotspots = hotspots.filter(risk_level=data["risk_level"])
    hotspots = list(hotspots.filter(is_active=True))
    districts = {spot.district_id for spot in hotspots}
    return render(request, "outreach/hotspot_list.html", {
        "form": form, "hotspots": hotspots,
        "map_data": _map_context(hotspots, districts),
    })


@login_required
def hotspot_detail(request: HttpRequest, pk: int) -> HttpResponse:
    hotspot = get_object_or_404(
        Hotspot.objects.restrict(request.user, "view").select_related("district"), pk=pk
    )
    under_protocol = protocol_active(hotspot.district_id)
    return render(request, "outreach/hotspot_detail.html", {
        "hotspot": hotspot, "under_protocol": under_protocol,
        "required_patrols": hotspot.required_patrols(under_protocol),
        "map_data": _map_context([hotspot], {hotspot.district_id}),
    })
