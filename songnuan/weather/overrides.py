"""Manual protocol levels (人工调整): an override for a district until it expires, its end, and
the notices of both."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from songnuan.refusals import Conflict, Refused
from songnuan.weather.alerts import local_text, recipients_for
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import NoticeKind, ProtocolDecision, ProtocolNotice
from songnuan.weather.protocol import LevelChange, now_or, protocol_level, publish
from songnuan.words import for_the_record, said_to_each

MAX_OVERRIDE_HOURS = 72


@transaction.atomic
def set_override(district, level: int, reason: str, expires_at: datetime.datetime, *, by,
                 now: datetime.datetime | None = None):
    """A manual level for a district until it expires; any earlier override ends now."""
    now = now_or(now)
    reason = (reason or "").strip()
    if len(reason) < 4:
        raise Refused(_("Give the reason for the override."), "reason")
    if expires_at <= now:
        raise Refused(_("The override must expire in the future."), "expires_at")
    if expires_at - now > datetime.timedelta(hours=MAX_OVERRIDE_HOURS):
        raise Refused(_("An override lasts at most %(h)d hours; renew it if needed.")
                      % {"h": MAX_OVERRIDE_HOURS}, "expires_at")
    level = ProtocolLevel(int(level))
    for active in ProtocolDecision.objects.select_for_update().filter(
            district=district, is_override=True, starts_at__lte=now, ends_at__gt=now):
        _end(active, now)
    data = {"reason": reason, "by": by.get_username() if by else ""}
    decision = ProtocolDecision.objects.create(
        district=district, level=int(level), starts_at=now, ends_at=expires_at, rule="manual",
        reason=reason[:300], data=data, is_override=True, decided_by=by, decided_at=now,
    )
    with for_the_record():
        ProtocolNotice.objects.create(
            district=district, kind=NoticeKind.OVERRIDE, decision=decision,
            recipients=recipients_for(district), created_at=now,
            message=override_text(decision, by)[:500],
        )
    publish(LevelChange(decision, level, said_to_each(override_text, decision, by)))
    return decision


def override_text(decision, by) -> str:
    """An override's news in the language being spoken; its reason as the user typed it."""
    return _("%(district)s: cold-weather protocol set to %(level)s by %(user)s until "
             "%(until)s: %(reason)s") % {
        "district": decision.district, "level": ProtocolLevel(decision.level).label,
        "user": by, "until": local_text(decision.ends_at), "reason": decision.reason}


def _end(decision, now: datetime.datetime) -> None:
    decision.ends_at = max(now, decision.starts_at + datetime.timedelta(seconds=1))
    decision.expiry_noticed = True
    decision.save(update_fields=["ends_at", "expiry_noticed"])


@transaction.atomic
def end_override(decision, *, by, now: datetime.datetime | None = None):
    now = now_or(now)
    if not decision.is_override or decision.ends_at <= now:
        raise Conflict(_("This override is no longer in force."))
    _end(decision, now)
    with for_the_record():
        ProtocolNotice.objects.create(
            district=decision.district, kind=NoticeKind.OVERRIDE_ENDED, decision=decision,
            recipients=recipients_for(decision.district), created_at=now,
            message=(_("%(district)s: override ended by %(user)s; the automatic level "
                       "%(level)s applies again.") % {
                "district": decision.district, "user": by,
                "level": protocol_level(decision.district_id, now).label})[:500],
        )


def notice_expired_overrides(now: datetime.datetime | None = None) -> int:
    now = now_or(now)
    count = 0
    for decision in ProtocolDecision.objects.filter(
            is_override=True, ends_at__lte=now, expiry_noticed=False).select_related("district"):
        decision.expiry_noticed = True
        decision.save(update_fields=["expiry_noticed"])
        ProtocolNotice.objects.create(
            district=decision.district, kind=NoticeKind.OVERRIDE_ENDED, decision=decision,
            recipients=recipients_for(decision.district), created_at=now,
            message=(_("%(district)s: the override expired; the automatic level %(level)s "
                       "applies again.") % {
                "district": decision.district,
                "level": protocol_level(decision.district_id, now).label})[:500],
        )
        count += 1
    return count
