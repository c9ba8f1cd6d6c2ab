"""Duty handovers (交接班): at each change of shift the desk officer writes what the next shift
must know, and someone of the next shift reads and acknowledges it.

The notice asks for 24-hour duty (四(四)); a handover is written by someone on the roster of its
scope (a district, or the city) and acknowledged by someone else on duty there afterwards.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.models import User
from songnuan.duty.models import SECTIONS, DutyShift, Handover
from songnuan.refusals import Conflict, Refused

# A desk officer may write the handover up to this long after their shift ended.
WRITE_GRACE = datetime.timedelta(hours=1)


def _on_roster(user: User, district, start: datetime.datetime,
               end: datetime.datetime) -> bool:
    return DutyShift.objects.filter(user=user, district=district, starts_at__lte=end,
                                    ends_at__gt=start).exists()


def write(district, *, by: User, now: datetime.datetime | None = None,
          **sections: str) -> Handover:
    """Record the handover of `district` (None: the city) written by someone on its roster."""
    now = now or timezone.now()
    texts = {name: (sections.get(name) or "").strip() for name in SECTIONS}
    if not any(texts.values()):
        raise Refused(_("Write at least one part of the handover."), "open_leads")
    if not _on_roster(by, district, now - WRITE_GRACE, now):
        raise Refused(_("Only someone on this duty roster now or within the last hour writes "
                        "its handover."))
    return Handover.objects.create(district=district, written_by=by, written_at=now, **texts)


@transaction.atomic
def acknowledge(handover: Handover, *, by: User,
                now: datetime.datetime | None = None) -> Handover:
    """The next shift has read it: someone else on duty for the scope after it was written."""
    now = now or timezone.now()
    if by.pk == handover.written_by_id:
        raise Refused(_("The next shift acknowledges a handover, not its writer."))
    if not _on_roster(by, handover.district, now, now):
        raise Refused(_("Only someone on this duty roster now acknowledges its handover."))
    if not Handover.objects.filter(pk=handover.pk, acknowledged_at__isnull=True).update(
            acknowledged_by=by, acknowledged_at=now):
        raise Conflict(_("This handover has already been acknowledged."))
    handover.refresh_from_db()
    return handover
