"""Squads, their members and shift schedule (救助分队与排班): the rules the management pages keep.

A squad's shifts never overlap one another, and nobody works two squads' shifts at once: the
joint patrols of the notice (三(三)) lend an officer to one team per night, not two.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from songnuan.actors import Actor
from songnuan.network.geography import district_for_point
from songnuan.outreach.models import DutyStatus, Shift, Squad, SquadMember
from songnuan.refusals import Conflict, Refused

MAX_SHIFT = datetime.timedelta(hours=16)
RESERVE_SHIFT = datetime.timedelta(hours=8)


def _when(at: datetime.datetime) -> str:
    return date_format(timezone.localtime(at), "SHORT_DATETIME_FORMAT")


def add_shift(squad: Squad, starts_at: datetime.datetime, ends_at: datetime.datetime) -> Shift:
    """Schedule a shift; refused when it overlaps the squad's own or a member's other shift."""
    if ends_at <= starts_at:
        raise Refused(_("A shift must end after it starts."), "ends_at")
    if ends_at - starts_at > MAX_SHIFT:
        raise Refused(_("A shift lasts at most %(hours)d hours.") % {
            "hours": MAX_SHIFT.total_seconds() // 3600}, "ends_at")
    with transaction.atomic():
        squad = Squad.objects.select_for_update().get(pk=squad.pk)
        own = Shift.objects.filter(squad=squad, starts_at__lt=ends_at,
                                   ends_at__gt=starts_at).first()
        if own is not None:
            raise Conflict(_("%(squad)s already works %(start)s – %(end)s.") % {
                "squad": squad.name, "start": _when(own.starts_at), "end": _when(own.ends_at)},
                "starts_at")
        _refuse_double_booking(squad.members.select_related("user"), squad, starts_at, ends_at)
        return Shift.objects.create(squad=squad, starts_at=starts_at, ends_at=ends_at)


def call_on_reserve(squad: Squad, *, by: Actor, hours: float | None = None) -> Squad:
    """The leader on duty calls a reserve squad on (启用备勤): it is on duty from now, and on
    shift once its crew has gathered (`RESERVE_CALL_OUT_MIN`), so the plan counts on it only
    from then; a shift that already covers the moment stands."""
    now = timezone.now()
    with transaction.atomic():
        squad = Squad.objects.select_for_update().get(pk=squad.pk)
        if squad.duty_status != DutyStatus.RESERVE or not squad.is_active:
            raise Conflict(_("%(squad)s is not in reserve.") % {"squad": squad.name},
                                "squad")
        squad.duty_status = DutyStatus.ON_DUTY
        squad.save()
        if not squad.shifts.filter(starts_at__lte=now, ends_at__gt=now).exists():
            ready = now + call_out_time()
            later = squad.shifts.filter(starts_at__gt=now).order_by("starts_at").first()
            ends = ready + (datetime.timedelta(hours=hours) if hours else RESERVE_SHIFT)
            if later is not None:
                ends = min(ends, later.starts_at)
            if ends > ready:
                Shift.objects.create(squad=squad, starts_at=ready, ends_at=ends)
        return squad


def send_to_standby(squad: Squad, lat: float, lon: float, place: str, *, by: Actor,
                    for_the_night: bool = False) -> Squad:
    """Tell a squad on duty where to wait (待命点): where it goes once its tasks are done, until
    its next task or another order. Sent there `for_the_night` (to a district no squad can
    reach), its tasks do not end the order: it goes back there after each."""
    place = place.strip()
    if not place:
        raise Refused(_("Name the place."), "place")
    if len(place) > Squad._meta.get_field("standby_place").max_length:
        raise Refused(_("The place's name is too long."), "place")
    if district_for_point(lat, lon) is None:
        raise Refused(_("This point is not in the city."), "lat")
    with transaction.atomic():
        squad = Squad.objects.select_for_update().get(pk=squad.pk)
        if not squad.is_active or squad.duty_status != DutyStatus.ON_DUTY:
            raise Conflict(_("%(squad)s is not on duty.") % {"squad": squad.name}, "squad")
        squad.standby_lat, squad.standby_lon, squad.standby_place = lat, lon, place
        squad.standby_since = timezone.now()
        squad.standby_for_the_night = for_the_night
        squad.save()
        return squad


def call_out_time() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.RESERVE_CALL_OUT_MIN)


def add_member(squad: Squad, user, agency: str, is_leader: bool = False) -> SquadMember:
    """Put a member of staff on a squad, unless they already work another squad's shifts then."""
    with transaction.atomic():
        squad = Squad.objects.select_for_update().get(pk=squad.pk)
        if squad.members.filter(user=user).exists():
            raise Conflict(_("%(user)s is already on this squad.") % {
                "user": user.get_full_name() or user.username}, "user")
        member = SquadMember(squad=squad, user=user, agency=agency, is_leader=is_leader)
        for shift in squad.shifts.filter(ends_at__gt=timezone.now()):
            _refuse_double_booking([member], squad, shift.starts_at, shift.ends_at)
        member.save()
        return member


def _refuse_double_booking(members, squad: Squad, starts_at: datetime.datetime,
                           ends_at: datetime.datetime) -> None:
    for member in members:
        clash = (Shift.objects.filter(squad__members__user=member.user, starts_at__lt=ends_at,
                                      ends_at__gt=starts_at)
                 .exclude(squad=squad).select_related("squad").first())
        if clash is not None:
            raise Conflict(_(
                "%(user)s works %(squad)s's shift %(start)s – %(end)s at that time.") % {
                "user": member.user.get_full_name() or member.user.username,
                "squad": clash.squad.name, "start": _when(clash.starts_at),
                "end": _when(clash.ends_at)}, "user" if member.pk is None else "starts_at")


def week_of(day: datetime.date) -> list[datetime.date]:
    """The Monday-to-Sunday week holding a day."""
    monday = day - datetime.timedelta(days=day.weekday())
    return [monday + datetime.timedelta(days=n) for n in range(7)]


def week_schedule(squad: Squad, days: list[datetime.date]) -> list[tuple[datetime.date, list]]:
    """Each day of the week with the squad's shifts that start on it (local time)."""
    start = timezone.make_aware(datetime.datetime.combine(days[0], datetime.time()))
    end = start + datetime.timedelta(days=len(days))
    shifts = list(squad.shifts.filter(starts_at__lt=end, ends_at__gt=start))
    return [(day, [s for s in shifts if timezone.localtime(s.starts_at).date() == day])
            for day in days]
