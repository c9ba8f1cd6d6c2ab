"""Staff API: who holds each district's duty posts now, for the districts the caller works in."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema

from songnuan.accounts.api_auth import staff_auth
from songnuan.duty.services import desks_now
from songnuan.network.services import districts_for

router = Router(tags=["duty"], auth=staff_auth)


class PersonOnDuty(Schema):
    id: int
    name: str
    phone: str


class UnitOnShift(Schema):
    name: str
    status: str
    phone: str


class DeskOut(Schema):
    district_code: str
    district: str
    leaders_on_duty: list[PersonOnDuty]
    duty_officers: list[PersonOnDuty]
    squads_on_shift: list[UnitOnShift]


def _people(users) -> list[dict]:
    return [{"id": user.pk, "name": str(user), "phone": user.phone} for user in users]


@router.get("/duty/now", response=list[DeskOut])
def duty_now(request: HttpRequest):
    """The leader on duty, the duty officer and the squads on shift of each district in the
    caller's scope, now."""
    districts = districts_for(request.user).order_by("code")
    return [{"district_code": desk.district.code, "district": desk.district.name,
             "leaders_on_duty": _people(desk.leaders), "duty_officers": _people(desk.officers),
             "squads_on_shift": [{"name": unit.name, "status": unit.status, "phone": unit.phone}
                                 for unit in desk.in_the_field]}
            for desk in desks_now(districts, timezone.now())]
