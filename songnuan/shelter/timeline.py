"""The shelter's part of the person file's timeline: arrivals, stays, daily logs, referrals,
support steps and relief-point visits."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.people.timeline import TimelineEvent
from songnuan.shelter.models import ArrivalStatus, LogKind
from songnuan.words import listed


def events(person) -> Iterator[TimelineEvent]:
    for arrival in person.arrivals.filter(status=ArrivalStatus.EXPECTED).select_related("site"):
        yield TimelineEvent(
            arrival.created_at, "arrival",
            _("Expected at %(site)s") % {"site": arrival.site},
            arrival.coming_from,
        )
    stays = person.stays.select_related("site", "bed__zone", "arrival").prefetch_related(
        "logs", "support_actions")
    for stay in stays:
        yield from _stay_events(stay)
    for referral in person.referrals.select_related("site"):
        yield TimelineEvent(
            referral.requested_at, "referral",
            _("Referred to %(org)s (%(kind)s)") % {"org": referral.organisation,
                                                  "kind": referral.get_kind_display()},
            f"{referral.get_status_display()} · {referral.reason}",
            url=referral.stay.get_absolute_url() if referral.stay_id else "",
        )
    for visit in person.relief_visits.select_related("site"):
        yield TimelineEvent(
            visit.arrived_at, "relief_visit",
            _("Warmed up at %(site)s") % {"site": visit.site}, visit.services,
        )


def _stay_events(stay) -> Iterator[TimelineEvent]:
    url = stay.get_absolute_url()
    came = stay.arrival.coming_from if stay.arrival_id and stay.arrival.coming_from else ""
    yield TimelineEvent(
        stay.admitted_at, "admission",
        _("Admitted to %(site)s, bed %(bed)s") % {"site": stay.site, "bed": stay.bed or "—"},
        " · ".join(part for part in (str(stay.get_route_display()), came) if part), url=url,
    )
    by_day = defaultdict(list)
    for log in stay.logs.all():
        by_day[timezone.localdate(log.at)].append(log)
    for day, logs in by_day.items():
        yield TimelineEvent(max(log.at for log in logs), "daily_log",
                            _("Daily log %(day)s") % {"day": day.strftime("%m-%d")},
                            _summary(logs), url=url)
        temperatures = [log for log in logs if log.temperature_c is not None]
        if temperatures:
            latest = max(temperatures, key=lambda log: log.at)
            yield TimelineEvent(latest.at, "health", _("Health check"),
                                f"{latest.temperature_c} °C", url=url, sensitive=True)
    for action in stay.support_actions.all():
        if action.done_at:
            from songnuan.shelter.admission import SUPPORT_ACTIONS

            yield TimelineEvent(action.done_at, "support", _("Support given"),
                                str(SUPPORT_ACTIONS.get(action.action, action.action)), url=url)
    if stay.discharged_at:
        yield TimelineEvent(
            stay.discharged_at, "discharge",
            _("Discharged: %(outcome)s") % {"outcome": stay.get_outcome_display()},
            " · ".join(part for part in (stay.destination, stay.get_travel_mode_display())
                       if part), url=url,
        )


def _summary(logs) -> str:
    parts = []
    calls = [log for log in logs if log.kind == LogKind.ROLL_CALL]
    if calls:
        present = sum(1 for log in calls if log.present)
        parts.append(_("present at %(n)s of %(total)s roll calls") % {
            "n": present, "total": len(calls)})
    meals = [str(log.get_meal_display()) for log in logs if log.kind == LogKind.MEAL]
    if meals:
        parts.append(_("meals: %(meals)s") % {"meals": listed(meals)})
    notes = [log.notes for log in logs if log.kind == LogKind.NOTE]
    parts.extend(notes)
    return " · ".join(parts)
