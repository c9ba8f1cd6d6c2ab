"""The campaign period (救助专项行动): extensions proposed when the protocol runs close to its
end, and decided by the city."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.network.city import campaign_season
from songnuan.network.models import District, district_names
from songnuan.refusals import Conflict, Refused
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import (
    CampaignExtension,
    ExtensionStatus,
    NoticeKind,
    ProtocolNotice,
)
from songnuan.weather.protocol import current_campaign, now_or, protocol_levels
from songnuan.words import for_the_record, listed


@transaction.atomic
def propose_extension_if_needed(now: datetime.datetime | None = None):
    """Propose extending the campaign when the protocol is active close to its end."""
    now = now_or(now)
    today = timezone.localtime(now).date()
    campaign = current_campaign(now)
    if campaign is None or not campaign.covers(today):
        return None
    end = campaign.ends_on
    if (end - today).days > settings.CAMPAIGN_EXTENSION_WINDOW_DAYS:
        return None
    if campaign.extensions.filter(status=ExtensionStatus.PROPOSED).exists():
        return None
    levels = protocol_levels(District.objects.values_list("pk", flat=True), now)
    active = [pk for pk, level in levels.items() if level > ProtocolLevel.NORMAL]
    if not active:
        return None
    new_end = end + datetime.timedelta(days=campaign_season(campaign.starts_on.year)[2])
    with for_the_record():
        names = listed(district_names(active).values())
        extension = CampaignExtension.objects.create(
            campaign=campaign, new_end_on=new_end, proposed_automatically=True, proposed_at=now,
            reason=(_("Cold-weather protocol active in %(districts)s %(days)d days before the "
                      "planned end.") % {"districts": names, "days": (end - today).days})[:300],
        )
        ProtocolNotice.objects.create(
            kind=NoticeKind.EXTENSION, recipients=_("City civil-affairs bureau"), created_at=now,
            message=(_("Proposed: extend %(campaign)s to %(end)s. %(reason)s") % {
                "campaign": campaign.name, "end": new_end.isoformat(),
                "reason": extension.reason})[:500],
        )
    return extension


@transaction.atomic
def propose_extension(campaign, new_end_on: datetime.date, reason: str, *, by,
                      now: datetime.datetime | None = None):
    reason = (reason or "").strip()
    if not reason:
        raise Refused(_("Give the reason for the extension."), "reason")
    if new_end_on <= campaign.ends_on:
        raise Refused(_("The new end must be after the current end (%(end)s).")
                      % {"end": campaign.ends_on.isoformat()}, "new_end_on")
    return CampaignExtension.objects.create(
        campaign=campaign, new_end_on=new_end_on, reason=reason[:300], proposed_at=now_or(now))


@transaction.atomic
def decide_extension(extension, approve: bool, *, by, decided_on: datetime.date | None = None):
    if extension.status != ExtensionStatus.PROPOSED:
        raise Conflict(_("This extension has already been decided."))
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REJECTED
    extension.decided_on = decided_on or timezone.localdate()
    extension.decided_by = by
    extension.save()
    return extension


def new_campaign_initial(today: datetime.date) -> dict:
    """A new campaign's form, filled in for the coming (or current) winter's usual season."""
    year = today.year if today.month >= 7 else today.year - 1
    start, end, _days = campaign_season(year)
    return {"name": _("%(first)d–%(second)d winter relief campaign")
            % {"first": year, "second": year + 1},
            "starts_on": start, "planned_end_on": end}
