"""Squads hold stock (a squad's coats and hot drinks): what the supplies ledger, below dispatch,
needs to know of them, registered from `OutreachConfig.ready()`."""

from __future__ import annotations

from songnuan.outreach.models import Squad, SquadMember
from songnuan.supplies.holders import HolderKind

SQUADS = HolderKind(
    field="squad",
    visible=lambda user: Squad.objects.restrict(user, "view").filter(is_active=True)
    .select_related("district"),
    in_districts=lambda district_ids: Squad.objects.filter(
        district_id__in=district_ids, is_active=True).select_related("district"),
    member_of=lambda user: SquadMember.objects.filter(user=user).values("squad_id"),
)
