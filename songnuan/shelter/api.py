"""Staff API for stations: stays, expected arrivals (for outreach) and the occupancy board."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from songnuan.accounts.api_auth import staff_auth
from songnuan.accounts.roles import SENSITIVE
from songnuan.accounts.scoping import may_place_in
from songnuan.network.models import Site
from songnuan.people.models import Person
from songnuan.people.services import record_sensitive_read
from songnuan.shelter import admission, stays
from songnuan.shelter.models import Bed, Stay, StayStatus, Zone
from songnuan.shelter.schemas import ArrivalIn, ArrivalOut, StayOut, StayPatch, ZoneBoardOut

router = Router(tags=["shelter"], auth=staff_auth)


def _stay_out(stay: Stay, user) -> dict:
    data = StayOut.from_orm(stay).dict()
    if user.has_perm(SENSITIVE):
        record_sensitive_read(stay.person, user, ["stay_health_screening"])
    else:
        for name in ("temperature_c", "infectious_symptoms", "mental_illness_signs"):
            data[name] = None
    return data


@router.get("/shelter/stays/{stay_id}", response=StayOut)
def get_stay(request: HttpRequest, stay_id: int):
    stay = get_object_or_404(Stay.objects.restrict(request.user, "view").select_related(
        "person"), pk=stay_id)
    return _stay_out(stay, request.user)


@router.patch("/shelter/stays/{stay_id}", response=StayOut)
def patch_stay(request: HttpRequest, stay_id: int, payload: StayPatch):
    stay = get_object_or_404(Stay.objects.restrict(request.user, "change"), pk=stay_id)
    stays.update_security_check(stay, **payload.dict(exclude_unset=True))
    stay.refresh_from_db()
    return _stay_out(stay, request.user)


@router.post("/shelter/arrivals", response={201: ArrivalOut, 200: ArrivalOut})
def create_arrival(request: HttpRequest, payload: ArrivalIn):
    if not request.user.has_perm("shelter.add_arrival"):
        raise HttpError(403, _("You may not do this."))
    site = get_object_or_404(Site.objects.restrict(request.user, "view"), pk=payload.site_id)
    if not may_place_in(request.user, site.district_id, site.pk):
        raise HttpError(403, _("You may not do this."))
    person = None
    if payload.person_id:
        person = get_object_or_404(Person.objects.restrict(request.user, "view"),
                                   pk=payload.person_id)
    known = payload.source and site.arrivals.filter(source=payload.source).exists()
    arrival = admission.expect_arrival(
        site, person=person, description=payload.description, coming_from=payload.coming_from,
        expected_at=payload.expected_at, source=payload.source, by=request.user)
    return Status(200 if known else 201, arrival)


@router.get("/shelter/board", response=list[ZoneBoardOut])
def board(request: HttpRequest, site_id: int | None = None):
    zones = Zone.objects.restrict(request.user, "view").filter(is_active=True)
    if site_id:
        zones = zones.filter(site_id=site_id)
    taken = {}
    for stay in Stay.objects.restrict(request.user).filter(status=StayStatus.OPEN,
                                                          zone__in=zones):
        taken[stay.zone_id] = taken.get(stay.zone_id, 0) + 1
    beds = {}
    for bed in Bed.objects.filter(zone__in=zones, is_active=True).values("zone_id"):
        beds[bed["zone_id"]] = beds.get(bed["zone_id"], 0) + 1
    return [{"id": z.pk, "site_id": z.site_id, "name": z.name, "sex": z.sex,
             "age_group": z.age_group, "condition": z.condition, "beds": beds.get(z.pk, 0),
             "taken": taken.get(z.pk, 0)} for z in zones]
