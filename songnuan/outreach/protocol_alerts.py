"""Who in the field hears of a protocol change: the members of a district's squads on shift.

Registered with duty in `OutreachConfig.ready()`, so duty's alert of a new protocol level
reaches them beside the district's leader on duty, while neither weather nor duty imports
outreach.
"""

from __future__ import annotations

import datetime

from songnuan.accounts.models import User
from songnuan.outreach.dispatch import squads_on_shift
from songnuan.outreach.models import Squad, SquadMember


def squad_members_on_shift(district, at: datetime.datetime) -> list[User]:
    squads = squads_on_shift(Squad.objects.filter(district=district, is_active=True), at)
    members = SquadMember.objects.filter(squad_id__in=squads).select_related("user")
    return [member.user for member in members]
