"""The gazetteer API: candidate places for a typed text (hotline apps, the dispatch board)."""

from __future__ import annotations

from dataclasses import asdict

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status

from songnuan.accounts.api_auth import staff_auth
from songnuan.places import resolver, services

router = Router(tags=["places"])
MAX_LIMIT = 20


class ResolveQuery(Schema):
    q: str = Field(max_length=200, description="What was typed or said about the place.")
    district_id: int | None = Field(None, description="Only candidates in this district.")
    limit: int = Field(resolver.DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class CandidateOut(Schema):
    name: str
    kind: str
    kind_label: str
    lat: float = Field(description="WGS-84")
    lon: float = Field(description="WGS-84")
    district_id: int | None
    district: str | None
    score: float = Field(description="0..1; 1 is the exact name or an alias")
    source: str = Field(description="gazetteer, site, hotspot or geocoder")
    key: str


class MessageOut(Schema):
    message: str
    errors: list[dict] = []


class ResolveOut(Schema):
    confident: bool = Field(description="The first candidate may be taken without asking.")
    results: list[CandidateOut]


@router.get("/places/resolve", auth=staff_auth, response={200: ResolveOut, 403: MessageOut})
def resolve(request: HttpRequest, params: Query[ResolveQuery]):
    """Candidate places for a typed text, best first: the gazetteer's names and aliases,
    relief sites and hotspots (and the online geocoder's guesses when one is configured)."""
    if not request.user.has_perm("places.view_place"):
        return Status(403, {"message": _("You may not look up places."), "errors": []})
    matches = services.candidates(params.q, district_id=params.district_id, limit=params.limit)
    return {"confident": resolver.is_confident(matches), "results": [
        {**asdict(match), "district": district or None, "kind_label": kind}
        for match, district, kind, _source in services.describe(matches)]}
