"""Duty rules: the roster, who is on duty at a moment, and alerts that reach them.

An alert goes to the leaders on duty of its district; a district with nobody on its roster
falls back to the city duty officer, and a city roster with nobody on it to the city
administrators, so that no alert is addressed to no one.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.duty.models import Alert, DutyRole, DutyShift, Severity, Topic
from songnuan.notify.phones import normalize_mobile
from songnuan.notify.services import send_sms
from songnuan.refusals import Refused
from songnuan.words import said_to_each

MAX_SHIFT_HOURS = 48
# A week view starts on Monday, as Chinese rosters do.
WEEK_DAYS = 7



# --------------------------------------------------------------------------- the roster


def belongs_to_scope(user: User, district) -> bool:
    """A district roster takes that district's staff; the city roster takes city-wide staff."""
    home = user.district_id or (user.site.district_id if user.site_id else None)
    if district is None:
        return home is None
    return home == district.pk


def check_shift(shift: DutyShift) -> None:
    """Refuse the shift when the shift breaks a roster rule."""
    if shift.ends_at <= shift.starts_at:
        raise Refused(_("The shift must end after it starts."), "ends_at")
    if shift.ends_at - shift.starts_at > datetime.timedelta(hours=MAX_SHIFT_HOURS):
        raise Refused(_("A shift lasts at most %(hours)s hours.") % {"hours": MAX_SHIFT_HOURS},
                      "ends_at")
    if not shift.user.is_active:
        raise Refused(_("This account is disabled."), "user")
    if not belongs_to_scope(shift.user, shift.district):
        raise Refused(
            _("%(user)s does not work for %(scope)s.")
            % {"user": shift.user, "scope": scope_name(shift.district)}, "user")
    overlapping = DutyShift.objects.filter(
        starts_at__lt=shift.ends_at, ends_at__gt=shift.starts_at).exclude(pk=shift.pk)
    same_post = overlapping.filter(role=shift.role, district=shift.district).first()
    if same_post is not None:
        raise Refused(
            _("%(user)s is already %(role)s for %(scope)s from %(start)s to %(end)s.") % {
                "user": same_post.user, "role": same_post.get_role_display(),
                "scope": scope_name(shift.district), "start": _local(same_post.starts_at),
                "end": _local(same_post.ends_at)}, "starts_at")
    if overlapping.filter(user=shift.user).exists():
        raise Refused(_("%(user)s already has a duty shift at that time.")
                      % {"user": shift.user}, "user")


@transaction.atomic
def save_shift(shift: DutyShift) -> DutyShift:
    # Lock the scope's shifts so two editors cannot both pass the overlap check.
    list(DutyShift.objects.select_for_update().filter(district=shift.district,
                                                      role=shift.role).values_list("pk"))
    check_shift(shift)
    shift.save()
    return shift


def scope_name(district) -> str:
    return str(district) if district is not None else _("the whole city")


def on_duty(role: str, district, at: datetime.datetime | None = None) -> list[User]:
    """The people on the roster for a role and scope at a moment (start inclusive, end not)."""
    at = at or timezone.now()
    shifts = (DutyShift.objects.filter(role=role, district=district, starts_at__lte=at,
                                       ends_at__gt=at, user__is_active=True)
              .select_related("user").order_by("starts_at"))
    return [shift.user for shift in shifts]


def city_duty_officers(at: datetime.datetime | None = None) -> list[User]:
    """The city duty officer on the roster; the city administrators when the roster is empty."""
    officers = on_duty(DutyRole.OFFICER, None, at)
    if officers:
        return officers
    return list(User.objects.filter(role=Role.CITY_ADMIN, is_active=True).order_by("pk"))


def leaders_on_duty(district, at: datetime.datetime | None = None) -> list[User]:
    """The district's leader on duty; the city duty officer when the district has nobody."""
    if district is not None:
        leaders = on_duty(DutyRole.LEADER, district, at)
        if leaders:
            return leaders
    return city_duty_officers(at)


@dataclass(frozen=True)
class RosterDay:
    day: datetime.date
    shifts: list[DutyShift]


def week_of(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=day.weekday())


def roster_week(shifts, monday: datetime.date) -> list[RosterDay]:
    """The week from `monday`, each shift on the day it starts (or the Monday, when it began
    the week before), as a paper roster lists a 24-hour shift under its handover day."""
    start = _local_midnight(monday)
    end = start + datetime.timedelta(days=WEEK_DAYS)
    rows = list(shifts.filter(starts_at__lt=end, ends_at__gt=start)
                .select_related("user", "district").order_by("starts_at", "role"))
    days = [RosterDay(monday + datetime.timedelta(days=n), []) for n in range(WEEK_DAYS)]
    for shift in rows:
        offset = max(0, (timezone.localtime(shift.starts_at).date() - monday).days)
        days[offset].shifts.append(shift)
    return days


def _local_midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))


def _local(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


# --------------------------------------------------------------------------- alerts


AlsoTold = Callable[[Any, datetime.datetime], Iterable[User]]
_also_told: dict[str, list[AlsoTold]] = {}


def register_also_told(topic: str, people: AlsoTold) -> None:
    """Besides the leaders on duty, tell `people(district, at)` of every alert on this topic.

    Apps above duty register here in their `AppConfig.ready()` (outreach: the members of the
    district's squads on shift hear of a protocol change), so duty imports none of them.
    """
    registered = _also_told.setdefault(topic, [])
    if people not in registered:
        registered.append(people)


def also_told(topic: str, district, at: datetime.datetime) -> list[User]:
    return [user for people in _also_told.get(topic, []) for user in people(district, at)]


def alert(district, *, topic: str, text: str | Promise, url: str = "", key: str,
          severity: str = Severity.WARNING, also: Iterable[User] = (),
          at: datetime.datetime | None = None) -> list[Alert]:
    """Tell the leaders on duty of `district` (and `also` these people) a fact, once.

    `district` None addresses the city duty officer. A key already alerted is not alerted
    again, whoever is on duty now; each recipient gets the alert in the inbox and, when their
    phone is a mobile number, a text message: in their own language when `text` is made with
    `words.said_to_each`.
    """
    at = at or timezone.now()
    if Alert.objects.filter(key=key).exists():
        return []
    people = {user.pk: user for user in [*leaders_on_duty(district, at), *also]
              if user.is_active}
    return deliver(people.values(), district=district, topic=topic, text=text, url=url,
                    key=key, severity=severity, at=at)


def deliver(people: Iterable[User], *, at: datetime.datetime, text: str | Promise,
            **fields: Any) -> list[Alert]:
    """Each person's alert, in their language when `text` is lazy (`words.said_to_each`)."""
    created = []
    for person in people:
        with translation.override(person.spoken_language):
            said = str(text)[:500]
        try:
            with transaction.atomic():
                item = Alert.objects.create(recipient=person, created_at=at, text=said,
                                            **fields)
        except IntegrityError:
            continue  # another worker told this person the same fact
        _text(item)
        created.append(item)
    return created


def _text(item: Alert) -> None:
    try:
        phone = normalize_mobile(item.recipient.phone)
    except ValidationError:
        return
    with translation.override(item.recipient.spoken_language):
        brand = _("Songnuan")
    send_sms(phone, f"【{brand}】{item.text}", purpose=f"duty:{item.topic}",
             reference=item.key)


def inbox(user: User):
    return Alert.objects.restrict(user, "view").filter(recipient=user).select_related(
        "district")


def unread_count(user: User) -> int:
    if not user.has_perm("duty.view_alert"):
        return 0
    return inbox(user).filter(read_at__isnull=True).count()


def mark_read(alerts: Iterable[Alert], now: datetime.datetime | None = None) -> int:
    ids = [item.pk for item in alerts if item.read_at is None]
    return Alert.objects.filter(pk__in=ids).update(read_at=now or timezone.now())


def acknowledge(item: Alert, *, by: User, now: datetime.datetime | None = None) -> Alert:
    if item.recipient_id != by.pk:
        raise Refused(_("Only the recipient can acknowledge an alert."))
    if item.acknowledged_at is None:
        now = now or timezone.now()
        item.acknowledged_at = now
        item.read_at = item.read_at or now
        item.save(update_fields=["acknowledged_at", "read_at"])
    return item


def escalate_unacknowledged(now: datetime.datetime | None = None) -> int:
    """Severe alerts left unacknowledged past the setting go to the city duty officer."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.DUTY_ESCALATE_AFTER_MINUTES)
    late = (Alert.objects.filter(severity=Severity.SEVERE, acknowledged_at__isnull=True,
                                 escalated_at__isnull=True, escalated_from__isnull=True,
                                 created_at__lte=cutoff)
            .select_related("recipient", "district"))
    count = 0
    for item in late:
        with transaction.atomic():
            claimed = Alert.objects.filter(pk=item.pk, escalated_at__isnull=True).update(
                escalated_at=now)
            if not claimed:
                continue  # another worker escalated it
            officers = [user for user in city_duty_officers(now) if user.pk != item.recipient_id]
            deliver(officers, at=now, district=item.district, topic=Topic.ESCALATION,
                    text=said_to_each(_not_acknowledged_text, item), url=item.url,
                    key=f"{item.key}:escalated:{item.pk}", severity=Severity.SEVERE,
                    escalated_from=item)
        count += 1
    return count


def _not_acknowledged_text(item: Alert) -> str:
    return _("Not acknowledged by %(user)s within %(minutes)s minutes: %(text)s") % {
        "user": item.recipient, "minutes": settings.DUTY_ESCALATE_AFTER_MINUTES,
        "text": item.text}


def on_duty_now(user: User, at: datetime.datetime | None = None) -> list[DutyShift]:
    at = at or timezone.now()
    return list(DutyShift.objects.filter(user=user, starts_at__lte=at, ends_at__gt=at)
                .select_related("district"))



@dataclass(frozen=True)
class InTheField:
    """A unit out on shift the desk can call (a squad), as the app that keeps it tells."""

    district_id: int
    name: str
    status: str  # shown as it is: "on duty", "on a break"
    phone: str

    def __str__(self) -> str:
        return f"{self.name} · {self.status}"


# Who else is on shift: apps above duty (outreach's squads) register how to list theirs.
_in_the_field: list[Callable[[list[int], datetime.datetime], list[InTheField]]] = []


def register_in_the_field(source: Callable[[list[int], datetime.datetime], list[InTheField]]
                          ) -> None:
    if source not in _in_the_field:
        _in_the_field.append(source)


@dataclass(frozen=True)
class Desk:
    """Who holds a district's two duty posts at a moment, and who is out on shift."""

    district: Any
    leaders: list[User]
    officers: list[User]
    in_the_field: list[InTheField]


def desks_now(districts: Iterable, at: datetime.datetime | None = None) -> list[Desk]:
    """Each district's leader on duty and duty officer now, as the roster says (no fallback),
    and the units the registered sources say are out on shift."""
    at = at or timezone.now()
    districts = list(districts)
    field: dict[int, list[InTheField]] = {}
    for source in _in_the_field:
        for unit in source([district.pk for district in districts], at):
            field.setdefault(unit.district_id, []).append(unit)
    found: dict[tuple[int, str], list[User]] = {}
    shifts = (DutyShift.objects.filter(district__in=districts, starts_at__lte=at, ends_at__gt=at,
                                       user__is_active=True)
              .select_related("user").order_by("starts_at", "pk"))
    for shift in shifts:
        holders = found.setdefault((shift.district_id, shift.role), [])
        if shift.user not in holders:  # two overlapping shifts of one person: one name
            holders.append(shift.user)
    return [Desk(district, found.get((district.pk, DutyRole.LEADER), []),
                 found.get((district.pk, DutyRole.OFFICER), []), field.get(district.pk, []))
            for district in districts]
