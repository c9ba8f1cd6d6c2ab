"""The network's API: the public nearest-site search and the staff site and occupancy endpoints."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.security import APIKeyHeader

from songnuan.accounts.api_auth import staff_auth
from songnuan.accounts.roles import Reach
from songnuan.accounts.scoping import may_place_in, scope_of
from songnuan.api.responses import ErrorOut
from songnuan.network import offers, partners, services
from songnuan.network.models import District, Site
from songnuan.network.schemas import (
    Coord,
    NearestOut,
    OccupancyOut,
    PartnerMessageIn,
    PartnerReceipt,
    SiteIn,
    SiteOut,
    SitePatch,
    VisitIn,
)

router = Router(tags=["network"])

POSITION_FIELDS = {"lat", "lon", "coord", "district_code", "district_override_reason"}
STRUCTURAL_FIELDS = POSITION_FIELDS | {"name", "level", "parent_id"}


class NearestQuery(Schema):
    lat: float
    lon: float
    coord: Coord = "wgs84"
    open_now: bool = False
    limit: int = 10
    rank: Literal["distance", "need"] = Field(
        "distance", description="distance (default): closest first. need: a warm place with "
        "room open now first, then full or food-only places, guidance points, closed places; "
        "by distance within each tier")


@router.get("/sites/nearest", response=NearestOut, auth=None)
def nearest_sites(request: HttpRequest, query: Query[NearestQuery]):
    """Public: the sites nearest a position, closest first (or by need with `rank=need`), with
    whether each is open now and what it offers."""
    if not 1 <= query.limit <= services.NEAREST_MAX_LIMIT:
        raise ValidationError({"limit": _("Ask for 1 to %(max)d sites.") % {
            "max": services.NEAREST_MAX_LIMIT}})
    by_need = query.rank == "need"
    pool = max(query.limit, offers.NEED_POOL) if by_need else query.limit
    found = services.nearest(query.lat, query.lon, query.coord, open_only=query.open_now,
                             limit=pool, queryset=services.public_sites())
    loads = services.loads([item.site for item in found])
    rows = offers.rank(found, loads, by_need=by_need)[:query.limit]
    return {"results": [{
        "id": row.site.pk, "name": row.site.name, "level": row.site.level,
        "level_label": str(row.site.get_level_display()), "host_type": row.site.host_type,
        "is_qindao_yijia": row.site.is_qindao_yijia, "distance_m": round(row.distance_m),
        "open_now": row.open_now, "full": row.full,
        "address": row.site.address, "phone": row.site.phone, "lat": row.site.lat,
        "lon": row.site.lon, "services": row.site.services, "hours": row.site.hours,
        "is_24h": row.site.is_24h,
        "url": reverse("network:warm_site", args=[row.site.pk]),
        "offers": {"warm_room": row.offer.warm_room, "bed_tonight": row.offer.bed_tonight,
                   "free_beds": row.offer.free_beds, "hot_food": row.offer.hot_food,
                   "directions_only": row.offer.directions_only},
        "offer_labels": row.offer.labels(), "need_rank": int(row.need),
        "road_distance_m": round(offers.road_distance_m(row.distance_m)),
        "walk_min": row.walk_min,
    } for row in rows]}


@router.get("/sites", response=list[SiteOut], auth=staff_auth)
def list_sites(request: HttpRequest, district: str | None = None, level: str | None = None,
               status: str | None = None):
    sites = Site.objects.restrict(request.user, "view").select_related("district")
    if district:
        sites = sites.filter(district__code=district)
    if level:
        sites = sites.filter(level=level)
    if status:
        sites = sites.filter(status=status)
    return sites


@router.get("/sites/{site_id}", response=SiteOut, auth=staff_auth)
def get_site(request: HttpRequest, site_id: int):
    return get_object_or_404(
        Site.objects.restrict(request.user, "view").select_related("district"), pk=site_id
    )


@router.post("/sites", response={201: SiteOut}, auth=staff_auth)
def create_site(request: HttpRequest, payload: SiteIn):
    if not request.user.has_perm("network.add_site"):
        return Status(403, {"message": _("You may not add sites.")})
    site = Site()
    _apply(site, payload.dict(), request.user)
    return Status(201, site)


@router.patch("/sites/{site_id}", response=SiteOut, auth=staff_auth)
def patch_site(request: HttpRequest, site_id: int, payload: SitePatch):
    site = get_object_or_404(Site.objects.restrict(request.user, "change"), pk=site_id)
    changes = {key: value for key, value in payload.dict(exclude_unset=True).items()
               if value is not None or key == "parent_id"}
    if scope_of(request.user).reach is Reach.SITE and STRUCTURAL_FIELDS & set(changes):
        raise ValidationError({sorted(STRUCTURAL_FIELDS & set(changes))[0]: _(
            "Only district or city staff may move a site or change its place in the network."
        )})
    _apply(site, changes, request.user)
    return site


def _apply(site: Site, data: dict, user) -> None:
    for field in ("name", "level", "host_type", "is_qindao_yijia", "address", "hours", "is_24h",
                  "open_in_cold_protocol", "services", "seats", "beds", "phone", "status",
                  "status_reason"):
        if field in data:
            setattr(site, field, data[field])
    if "parent_id" in data:
        parent_id = data["parent_id"]
        site.parent = Site.objects.filter(pk=parent_id).first() if parent_id else None
        if parent_id and site.parent is None:
            raise ValidationError({"parent_id": _("There is no such parent site.")})
    if POSITION_FIELDS & set(data):
        district = None
        if data.get("district_code"):
            district = District.objects.filter(code=data["district_code"]).first()
            if district is None:
                raise ValidationError({"district_code": _("Unknown district.")})
        services.place_site(
            site, data.get("lat", site.lat), data.get("lon", site.lon),
            data.get("coord") or "wgs84", district,
            data.get("district_override_reason", site.district_override_reason or ""),
        )
    if not may_place_in(user, site.district_id, site.pk):
        raise ValidationError(
            {"district_code": _("You may only place sites in your own district.")}
        )
    services.save_site(site)


@router.get("/occupancy", response=list[OccupancyOut], auth=staff_auth)
def list_occupancy(request: HttpRequest, district: str | None = None):
    sites = Site.objects.restrict(request.user, "view")
    if district:
        sites = sites.filter(district__code=district)
    return _occupancy(list(sites))


@router.get("/sites/{site_id}/occupancy", response=OccupancyOut, auth=staff_auth)
def site_occupancy(request: HttpRequest, site_id: int):
    site = get_object_or_404(Site.objects.restrict(request.user, "view"), pk=site_id)
    return _occupancy([site])[0]


@router.post("/sites/{site_id}/visits", response=OccupancyOut, auth=staff_auth)
def record_visits(request: HttpRequest, site_id: int, payload: VisitIn):
    site = get_object_or_404(Site.objects.restrict(request.user, "change"), pk=site_id)
    action = services.check_in if payload.direction == "in" else services.check_out
    action(site, payload.count)
    return _occupancy([site])[0]


def _occupancy(sites: list[Site]) -> list[dict]:
    loads = services.loads(sites)
    states = services.open_states(sites)
    return [{
        "site_id": site.pk, "seats": site.seats, "seats_in_use": loads[site.pk].seats_used,
        "beds": site.beds, "beds_in_use": loads[site.pk].beds_used,
        "full": loads[site.pk].is_full, "open_now": states[site.pk],
    } for site in sites]


class PartnerSignature(APIKeyHeader):
    """A partner deployment's HMAC signature, checked against the raw body before anything."""

    param_name = partners.SIGNATURE_HEADER

    def authenticate(self, request: HttpRequest, key: str | None):
        return partners.verify(request.headers, request.body)


@router.post("/partners/messages", auth=PartnerSignature(),
             response={200: PartnerReceipt, 201: PartnerReceipt, 401: ErrorOut, 409: ErrorOut,
                       422: ErrorOut})
def receive_partner_message(request: HttpRequest, payload: PartnerMessageIn):
    """Another city's deployment sends what crosses the city line. Each `kind` carries its
    content in its own field:

    - `family_search` → `report`: a family's missing-person report (寻亲登记) filed there about
      someone who may be here; tracing files it as a missing-person report and ranks it
      against everyone in our stations;
    - `escort_handover` → `handover`: a person escorted home from there to here (跨市护送返乡),
      for our station to receive;
    - `announcement` → `announcement`: an unidentified person found there (寻亲公告), for our
      tracing officers to compare with the reports here;
    - `person_moved` → `sighting`: a person known there, last seen moving toward this city.

    Sign with the secret the two deployments share (`PARTNER_CITY_SECRETS`):

    - `X-Songnuan-City`: the sending city's GB/T 2260 code;
    - `X-Songnuan-Timestamp`: Unix seconds when signed (at most 5 minutes from our clock);
    - `X-Songnuan-Signature`: hex HMAC-SHA256 of `"<timestamp>.<city>." + raw body`.

    `201` with a receipt for a new message; `200` with the first receipt when the same
    `message_id` comes again with the same content; `409` when it comes with other content.
    A bad signature, a stale timestamp or a city without a partnership is `401`; a message for
    another city (`to_city`), of an unknown kind or with a field missing or invalid is `422`
    with the fields at fault. Nothing is stored on a refusal.
    """
    sender = request.auth
    content = {"sent_at": payload.sent_at.isoformat(), **payload.content()}
    message, created = partners.receive(sender, payload.message_id, payload.to_city,
                                        payload.kind, content)
    return Status(201 if created else 200, {
        "receipt": message.pk, "message_id": message.message_id, "from_city": sender,
        "from_city_name": partners.sender_name(sender), "kind": message.kind,
        "received_at": message.received_at})
