"""Staff API: the protocol level per district, warnings, the campaign, and weather import."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Router, Status
from ninja.errors import HttpError

from songnuan.accounts.api_auth import staff_auth
from songnuan.accounts.schemas import Message
from songnuan.network.services import districts_for
from songnuan.weather.alerts import describe
from songnuan.weather.importing import parse_document
from songnuan.weather.intake import BatchRefused, apply_batch, check_scope
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import Source, WeatherWarning
from songnuan.weather.protocol import (
    current_campaign,
    current_decisions,
    protocol_level,
    temperature_c,
)
from songnuan.weather.schemas import (
    CampaignOut,
    ImportIn,
    ImportOut,
    ProtocolOut,
    WarningOut,
)

router = Router(tags=["weather"], auth=staff_auth)


def _require(request: HttpRequest, perm: str) -> None:
    if not request.user.has_perm(perm):
        raise HttpError(403, _("You may not do this."))


def _protocol_rows(request: HttpRequest, districts, at: datetime.datetime) -> list[dict]:
    decisions = current_decisions([d.pk for d in districts], at)
    rows = []
    for district in districts:
        decision = decisions.get(district.pk)
        level = ProtocolLevel(decision.level) if decision else protocol_level(None, at)
        rows.append({
            "district_code": district.code, "district": district.name, "level": int(level),
            "level_label": level.label, "rule": decision.rule if decision else "",
            "reason": describe(decision.rule, decision.data) if decision else "",
            "since": decision.starts_at if decision else None,
            "until": decision.until if decision else None,
            "is_override": bool(decision and decision.is_override),
            "temperature_c": temperature_c(district.pk, at),
        })
    return rows


def _moment(at: datetime.datetime | None) -> datetime.datetime:
    """The asked time in UTC (PostgreSQL refuses offsets past 15:59, which ISO 8601 allows)."""
    if at is None:
        return timezone.now()
    return at.astimezone(datetime.UTC) if timezone.is_aware(at) else timezone.make_aware(at)


@router.get("/weather/protocol", response=list[ProtocolOut])
def protocol(request: HttpRequest, at: datetime.datetime | None = None):
    """The cold-weather protocol level in each district the caller works in."""
    _require(request, "weather.view_protocoldecision")
    return _protocol_rows(request, list(districts_for(request.user)), _moment(at))


@router.get("/weather/protocol/{code}", response=ProtocolOut)
def protocol_for(request: HttpRequest, code: str, at: datetime.datetime | None = None):
    _require(request, "weather.view_protocoldecision")
    district = get_object_or_404(districts_for(request.user), code=code)
    return _protocol_rows(request, [district], _moment(at))[0]


@router.get("/weather/warnings", response=list[WarningOut])
def warnings(request: HttpRequest, active: bool = True):
    rows = WeatherWarning.objects.restrict(request.user).select_related("district")
    if active:
        rows = rows.filter(valid_until__gt=timezone.now(), cancelled_at__isnull=True)
    return rows[:500]


@router.post("/weather/import", response={201: ImportOut, 403: Message})
def import_weather(request: HttpRequest, payload: ImportIn):
    """Forecasts and warnings in the import format; all or nothing."""
    _require(request, "weather.add_forecast")
    batch = parse_document(payload.dict())
    check_scope(batch, by=request.user)
    try:
        result = apply_batch(batch, Source.FILE, by=request.user)
    except BatchRefused as error:
        return Status(422, {"message": str(error.message),
                            "errors": [_field_error(text) for text in error.problems]})
    return Status(201, {"forecasts": result.forecasts, "warnings": result.warnings,
                        "changed_districts": result.changed_districts})


def _field_error(text: str) -> dict:
    """A batch's "where: what" as the API's field error."""
    where, _sep, what = text.partition(": ")
    return {"field": where, "message": what} if what else {"field": "", "message": text}


@router.get("/weather/campaign", response={200: CampaignOut, 404: Message})
def campaign(request: HttpRequest):
    _require(request, "weather.view_campaign")
    current = current_campaign()
    if current is None:
        return Status(404, {"message": _("No campaign has been set up.")})
    return {"id": current.pk, "name": current.name, "starts_on": current.starts_on,
            "planned_end_on": current.planned_end_on, "ends_on": current.ends_on}
