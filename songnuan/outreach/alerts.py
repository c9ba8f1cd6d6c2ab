"""Overdue leads reach the leader on duty (超时升级): once per lead and stage, in the background;
and so does a district whose squads on shift cannot reach its waiting leads in time (警力不足),
once an hour while it lasts, with how many squads are missing and the reserves to call on.

The dispatch board shows the same timers; this makes sure somebody is told when nobody is
looking at the board. Thresholds come from `escalation.thresholds_by_district`, stricter
under the cold-weather protocol.
"""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.duty.models import Severity, Topic
from songnuan.duty.services import alert
from songnuan.leads.models import Lead, LeadStatus
from songnuan.network.models import District
from songnuan.outreach import night_plan
from songnuan.outreach.escalation import Overdue, Thresholds, overdue, thresholds_by_district
from songnuan.outreach.models import ACTIVE_TASK_STATUSES, DutyStatus, Squad, Task
from songnuan.words import listed


def alert_overdue_leads(now: datetime.datetime | None = None) -> int:
    """Alert the district leader on duty about each lead newly overdue; return how many."""
    now = now or timezone.now()
    limits, queue = _may_be_late(now)
    leads = list(queue.select_related("district"))
    # A subquery, not a list of every open lead's id, as on the board.
    tasks = {task.lead_id: task for task in Task.objects.filter(
        lead_id__in=queue.values("id"), status__in=ACTIVE_TASK_STATUSES).select_related("squad")}
    sent = 0
    for lead in leads:
        task = tasks.get(lead.pk)
        late = overdue(reported_at=lead.received_at,
                       assigned_at=task.assigned_at if task else None,
                       arrived_at=task.arrived_at if task else None, now=now,
                       limits=limits[lead.district_id])
        if late is None:
            continue
        stage, by = late
        created = alert(lead.district, topic=Topic.LEAD_OVERDUE,
                        text=_overdue_text(lead, task, stage, by),
                        url=reverse("leads:lead_detail", args=[lead.pk]),
                        key=f"lead:{lead.pk}:{stage.value}", severity=Severity.SEVERE, at=now)
        sent += bool(created)
    return sent


def overdue_counts(now: datetime.datetime | None = None) -> dict[Overdue, int]:
    """How many open leads are overdue now, at each stage: the board's timers, counted."""
    now = now or timezone.now()
    limits, queue = _may_be_late(now)
    tasks = {lead_id: (assigned_at, arrived_at) for lead_id, assigned_at, arrived_at in
             Task.objects.filter(lead_id__in=queue.values("id"),
                                 status__in=ACTIVE_TASK_STATUSES)
             .values_list("lead_id", "assigned_at", "arrived_at")}
    counts = dict.fromkeys(Overdue, 0)
    for lead_id, district_id, received_at in queue.values_list("id", "district_id",
                                                               "received_at"):
        assigned_at, arrived_at = tasks.get(lead_id, (None, None))
        late = overdue(reported_at=received_at, assigned_at=assigned_at, arrived_at=arrived_at,
                       now=now, limits=limits[district_id])
        if late is not None:
            counts[late[0]] += 1
    return counts


def _may_be_late(now: datetime.datetime) -> tuple[dict[int | None, Thresholds], QuerySet[Lead]]:
    """Every district's limits, and the open leads old enough to be past one of them."""
    limits = thresholds_by_district(District.objects.values_list("pk", flat=True), now)
    # No lead can be late before the shortest limit has passed since it came in (it is
    # assigned after it came in): in a surge that leaves out the thousands just reported.
    soonest = min(min(limit.assign_within, limit.arrive_within) for limit in limits.values())
    return limits, (Lead.objects.open().exclude(status=LeadStatus.DUPLICATE)
                    .filter(received_at__lte=now - soonest))


def _overdue_text(lead: Lead, task: Task | None, stage: Overdue, by: datetime.timedelta) -> str:
    values = {"code": lead.tracking_code, "place": lead.place or _("(no place given)"),
              "minutes": max(1, int(by.total_seconds() // 60))}
    if stage is Overdue.ASSIGNMENT:
        return _("Lead %(code)s at %(place)s has waited for a squad %(minutes)s minutes past "
                 "the limit.") % values
    values["squad"] = task.squad.name if task else ""
    return _("%(squad)s has not arrived at lead %(code)s (%(place)s), %(minutes)s minutes past "
             "the limit.") % values


def alert_squads_short(now: datetime.datetime | None = None) -> int:
    """Tell each district's leader on duty that its squads on shift cannot reach its waiting
    leads in time: how many leads, how many squads are missing, which reserves could go."""
    now = now or timezone.now()
    shortfalls = [s for s in night_plan.current_plan(now).plan.shortfalls
                  if s.district_id is not None]
    if not shortfalls:
        return 0
    districts = District.objects.in_bulk([s.district_id for s in shortfalls])
    sent = 0
    for short in shortfalls:
        district = districts[short.district_id]
        reserves = list(Squad.objects.filter(district=district, is_active=True,
                                             duty_status=DutyStatus.RESERVE)
                        .values_list("name", flat=True))
        text = night_plan.shortfall_message(str(district), short)
        if reserves:
            text += " " + _("Reserve squads that could be called on: %(names)s.") % {
                "names": listed(reserves)}
        hour = timezone.localtime(now).strftime("%Y%m%d%H")
        created = alert(district, topic=Topic.SQUADS_SHORT, text=text[:500],
                        url=reverse("outreach:board"), severity=Severity.SEVERE,
                        key=f"squads-short:{district.pk}:{hour}", at=now)
        sent += bool(created)
    return sent
