"""The leads API: the public's report and status (the mini program calls these) and staff work."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from ninja import Header, Router, Status

from songnuan.accounts.api_auth import staff_auth
from songnuan.accounts.client_address import client_address
from songnuan.api.responses import ErrorOut
from songnuan.leads import feedback, rewards, services, triage
from songnuan.leads.models import OPEN_STATUSES, Lead, Source
from songnuan.leads.schemas import (
    InvalidIn,
    LeadAck,
    LeadIn,
    LeadPatch,
    LeadPublicOut,
    LeadStaffOut,
    LocationIn,
    StatusIn,
)

router = Router(tags=["leads"])
STAFF_LIST_LIMIT = 500


@router.post("/leads", auth=None, response={200: LeadAck, 201: LeadAck, 422: ErrorOut,
                                             429: ErrorOut})
def submit(request: HttpRequest, payload: LeadIn,
           x_reporter_key: str | None = Header(None, alias="X-Reporter-Key")):
    """Report someone who may need help. Resending the same `client_request_id` returns the
    first report (200) and never stores a second one."""
    trusted = services.trusted_reporter_for_key(x_reporter_key)
    data = services.LeadInput(
        source=Source.PARTNER if trusted else Source.PUBLIC_API,
        lat=payload.lat, lon=payload.lon, coord=payload.coord, place=payload.place,
        description=payload.description, people_count=payload.people_count,
        flags=[str(flag) for flag in payload.flags],
        reporter_phone=payload.reporter_phone or "", client_request_id=payload.client_request_id,
        ip=client_address(request), trusted_reporter=trusted,
    )
    lead, created = services.submit_lead(data)
    return Status(201 if created else 200, {
        "tracking_code": lead.tracking_code, "status": feedback.public_stage(lead),
        "status_url": reverse("leads:public_status", args=[lead.tracking_code]),
    })


def public_view(lead: Lead) -> dict:
    stage = feedback.public_stage(lead)
    headline, detail, _tone = feedback.stage_text(stage)
    return {
        "tracking_code": lead.tracking_code, "status": stage, "status_label": headline,
        "status_detail": detail, "received_at": lead.received_at,
        "updated_at": max(lead.updated_at, lead.incident.updated_at),
        "people_count": lead.people_count, "place": lead.place,
        "district": lead.district.name if lead.district_id else None,
        "linked_to_earlier_report": lead.duplicate_of_id is not None,
        "reward_available": rewards.why_not_eligible(lead) is None,
    }


@router.get("/leads/{tracking_code}", auth=None, response=LeadPublicOut)
def public_status(request: HttpRequest, tracking_code: str):
    """What the reporter may see about their report: its plain-language stage."""
    leads = Lead.objects.select_related("district", "duplicate_of")
    return public_view(get_object_or_404(leads, tracking_code=tracking_code.strip().upper()))


def staff_view(lead: Lead, now=None) -> dict:
    reasons = triage.current_reasons(lead, now)
    return {
        "id": lead.pk, "tracking_code": lead.tracking_code, "source": lead.source,
        "status": lead.status, "outcome": lead.outcome, "lat": lead.lat, "lon": lead.lon,
        "place": lead.place, "district_id": lead.district_id, "hotspot_id": lead.hotspot_id,
        "people_count": lead.people_count, "flags": lead.flags,
        "in_danger": triage.in_danger(lead.flags),
        "description": lead.description, "organisation_id": lead.organisation_id,
        "priority": triage.score(reasons),
        "priority_reasons": [{"code": r["code"], "points": r["points"],
                              "text": triage.explain(r)} for r in reasons],
        "duplicate_of": lead.duplicate_of.tracking_code if lead.duplicate_of_id else None,
        "duplicates": [dup.tracking_code for dup in lead.duplicates.all()],
        "received_at": lead.received_at, "updated_at": lead.updated_at,
    }


def _staff_lead(request, code: str, action: str = "view") -> Lead:
    return get_object_or_404(
        Lead.objects.restrict(request.user, action).select_related("duplicate_of", "hotspot"),
        tracking_code=code.strip().upper(),
    )


@router.get("/staff/leads", auth=staff_auth, response=list[LeadStaffOut])
def staff_list(request: HttpRequest, status: str = "open", district_id: int | None = None):
    """Leads in the caller's scope; `status=open` (default) gives the queue, most urgent first."""
    leads = Lead.objects.restrict(request.user, "view").select_related("duplicate_of")
    leads = leads.prefetch_related("duplicates")
    if district_id:
        leads = leads.filter(district_id=district_id)
    now = timezone.now()
    if status == "open":
        ranked = services.queue(leads.filter(status__in=OPEN_STATUSES), now)
    else:
        ranked = list(leads.filter(status=status)[:STAFF_LIST_LIMIT])
    return [staff_view(lead, now) for lead in ranked[:STAFF_LIST_LIMIT]]


@router.get("/staff/leads/{tracking_code}", auth=staff_auth, response=LeadStaffOut)
def staff_detail(request: HttpRequest, tracking_code: str):
    return staff_view(_staff_lead(request, tracking_code))


@router.patch("/staff/leads/{tracking_code}", auth=staff_auth,
              response={200: LeadStaffOut, 422: ErrorOut})
def staff_patch(request: HttpRequest, tracking_code: str, payload: LeadPatch):
    lead = _staff_lead(request, tracking_code, "change")
    changes = {key: value for key, value in payload.dict(exclude_unset=True).items()
               if value is not None}
    if "flags" in changes:
        changes["flags"] = [str(flag) for flag in changes["flags"]]
    lead = services.update_details(lead, by=request.user, **changes)
    return Status(200, staff_view(lead))


@router.post("/staff/leads/{tracking_code}/status", auth=staff_auth,
             response={200: LeadStaffOut, 409: ErrorOut, 422: ErrorOut})
def staff_set_status(request: HttpRequest, tracking_code: str, payload: StatusIn):
    lead = _staff_lead(request, tracking_code, "change")
    lead = services.set_status(lead, payload.status, by=request.user, note=payload.note,
                               outcome=str(payload.outcome or ""))
    return Status(200, staff_view(lead))


@router.post("/staff/leads/{tracking_code}/invalid", auth=staff_auth,
             response={200: LeadStaffOut, 409: ErrorOut, 422: ErrorOut})
def staff_mark_invalid(request: HttpRequest, tracking_code: str, payload: InvalidIn):
    lead = _staff_lead(request, tracking_code, "change")
    lead = services.mark_invalid(lead, reason=payload.reason, prank=payload.prank,
                                 by=request.user)
    return Status(200, staff_view(lead))


@router.post("/leads/{tracking_code}/location", auth=staff_auth,
             response={200: LeadStaffOut, 409: ErrorOut, 422: ErrorOut})
def staff_set_location(request: HttpRequest, tracking_code: str, payload: LocationIn):
    """Put a lead at a point (WGS-84, GCJ-02 or BD-09); its district, hotspot and priority
    follow. A point outside the city is refused with a field error."""
    lead = _staff_lead(request, tracking_code, "change")
    lead = services.set_location(lead, payload.lat, payload.lon, by=request.user,
                                 source=payload.source, coord=payload.coord)
    return Status(200, staff_view(lead))
