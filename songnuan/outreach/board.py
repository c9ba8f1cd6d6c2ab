"""The dispatch board's data (调度台): open leads in the order tonight's plan weighs them
(priority and time waited, several times over for someone in danger) with their age and
escalation, follow-ups coming due, squads with their status, position and load, and the cold-weather
protocol level with the escalation thresholds it puts in force in each district.

Built from a handful of flat queries (`values()`), so it stays fast with thousands of open
leads. Every waiting lead carries its squads ranked by ETA from tonight's city-wide plan
(`night_plan`), the squad the plan gives it, and whether to send that squad now; districts the
plan cannot cover in time carry a capacity alert with their reserve squads; squads with nothing
to do carry where they would better wait.
"""

from __future__ import annotations

import datetime
from collections import Counter
from typing import Any

from django.db.models import Count, OuterRef, Subquery
from django.utils import timezone
from django.utils.text import Truncator

from songnuan.leads import services as leads_services
from songnuan.leads import triage
from songnuan.leads.models import Flag, Lead, LeadPhoto, LeadStatus, Source
from songnuan.network.models import District, district_names
from songnuan.outreach import dispatch, help_nearby, night_plan, planning
from songnuan.outreach.escalation import OVERDUE_LABELS, overdue, thresholds_by_district
from songnuan.outreach.models import (
    ACTIVE_TASK_STATUSES,
    DutyStatus,
    FollowUp,
    Hotspot,
    Shift,
    Squad,
    Task,
)
from songnuan.outreach.squads import call_out_time

FOLLOW_UP_AHEAD = datetime.timedelta(hours=2)


def board_data(user, now: datetime.datetime | None = None) -> dict[str, Any]:
    now = now or timezone.now()
    squads = _squads(user, now)
    tonight = night_plan.current_plan(now)
    leads = _leads(user, now, squads, tonight)
    return {
        "now": now.isoformat(),
        "protocol": _thresholds_in_force(user, now, squads, leads),
        "plan": {"solver": tonight.plan.solver, "fell_back": tonight.plan.fell_back},
        "capacity_alerts": capacity_alerts(user, tonight, now),
        "standby": _standby(tonight, squads),
        "leads": leads,
        "follow_ups": _follow_ups(user, now),
        "squads": list(squads.values()),
    }


def _squads(user, now) -> dict[int, dict]:
    rows = list(Squad.objects.restrict(user, "view").filter(is_active=True)
                .select_related("district").order_by("district__code", "name"))
    on_shift = dispatch.squads_on_shift(rows, now)
    loads = dict(Task.objects.filter(squad__in=[s.pk for s in rows],
                                     status__in=ACTIVE_TASK_STATUSES)
                 .values_list("squad_id").annotate(n=Count("id")))
    result = {}
    for squad in rows:
        lat, lon = squad.position()
        load = loads.get(squad.pk, 0)
        result[squad.pk] = {
            "id": squad.pk, "name": squad.name, "district_id": squad.district_id,
            "district": str(squad.district), "vehicle": squad.vehicle,
            "on_shift": squad.pk in on_shift, "load": load, "capacity": squad.capacity,
            "lat": lat, "lon": lon,
            "seen_at": squad.last_seen_at.isoformat() if squad.last_seen_at else None,
            "status": _squad_status(squad.pk in on_shift, load, squad.capacity),
            "duty_status": squad.duty_status, "standby_place": squad.standby_place,
            "standby_for_the_night": squad.standby_for_the_night,
        }
    return result


def _thresholds_in_force(user, now, squads: dict[int, dict], leads: list[dict]) -> list[dict]:
    """Per district on the board: the protocol level and the escalation thresholds it sets."""
    if user.district_id:
        ids = {user.district_id}
    else:
        ids = {s["district_id"] for s in squads.values()} | {lead["district_id"] for lead in leads}
    districts = list(District.objects.filter(pk__in=ids - {None}).order_by("code"))
    by_district = thresholds_by_district([d.pk for d in districts], now)
    rows = []
    for district in districts:
        limits = by_district[district.pk]
        rows.append({
            "district_id": district.pk, "district": str(district), "level": int(limits.level),
            "level_label": limits.level.label, "tone": limits.level.tone,
            "assign_within_min": round(limits.assign_within.total_seconds() / 60),
            "arrive_within_min": round(limits.arrive_within.total_seconds() / 60),
        })
    return rows


def _squad_status(on_shift: bool, load: int, capacity: int) -> str:
    if not on_shift:
        return "off_shift"
    if load >= capacity:
        return "full"
    return "busy" if load else "available"


def capacity_alerts(user, tonight: night_plan.NightPlan, now: datetime.datetime) -> list[dict]:
    """The districts in the user's scope that the squads on shift cannot cover in time, with
    how many squads are missing and the reserve squads that could be called on."""
    shortfalls = [s for s in tonight.plan.shortfalls
                  if s.district_id is not None
                  and (not user.district_id or s.district_id == user.district_id)]
    if not shortfalls:
        return []
    districts = District.objects.in_bulk([s.district_id for s in shortfalls])
    reserves: dict[int, list[dict]] = {}
    for squad in (Squad.objects.restrict(user, "view")
                  .filter(is_active=True, duty_status=DutyStatus.RESERVE)
                  .values("id", "name", "district_id")):
        reserves.setdefault(squad["district_id"], []).append(
            {"id": squad["id"], "name": squad["name"]})
    gathering = _gathering([s.district_id for s in shortfalls], now)
    uncovered = [s.district_id for s in shortfalls if s.uncovered]
    spots = _riskiest_hotspots(uncovered)
    changeable = (set(Squad.objects.restrict(user, "change")
                      .filter(pk__in=list(tonight.squads)).values_list("pk", flat=True))
                  if uncovered else set())
    return [{
        "district_id": short.district_id, "district": str(districts[short.district_id]),
        "waiting": short.late, "squads_missing": short.squads_missing,
        "reserves": reserves.get(short.district_id, []),
        "gathering": gathering.get(short.district_id, []),
        "still_missing": max(0, short.squads_missing
                             - len(gathering.get(short.district_id, []))),
        "message": night_plan.shortfall_message(str(districts[short.district_id]), short),
        "nearest": (_nearest_squad(tonight, districts[short.district_id],
                                   spots.get(short.district_id), changeable)
                    if short.uncovered else None),
    } for short in shortfalls]


def _riskiest_hotspots(district_ids: list[int]) -> dict[int, dict]:
    """Each district's riskiest active hotspot (the first on a tie), where a squad lent for
    the night waits."""
    spots: dict[int, dict] = {}
    for spot in (Hotspot.objects.filter(district_id__in=district_ids, is_active=True)
                 .order_by("-risk_level", "pk").values("district_id", "lat", "lon", "name")):
        spots.setdefault(spot["district_id"], spot)
    return spots


def _nearest_squad(tonight: night_plan.NightPlan, district: District, spot: dict | None,
                   changeable: set[int]) -> dict | None:
    """For a district no squad on shift can reach in time: the squad on shift nearest its
    centre from where its tasks leave it, and how far, for a leader weighing whether to send it
    to wait there for the night (at the district's riskiest hotspot, else its centre). Not one
    already sent somewhere for the night; and the last of its own district is named but not
    offered: sending either would leave a district as bare."""
    states = sorted((state for state in tonight.squads.values()
                     if state.key not in tonight.for_the_night), key=lambda state: state.key)
    if not states:
        return None
    homes = Counter(state.district_id for state in states)
    drives = planning.drive_seconds(district.centre_lat, district.centre_lon, states)
    column = int(drives.argmin())  # the first of equals: the lower key
    key = states[column].key
    last_of_its_district = homes[states[column].district_id] == 1
    name, home = tonight.names[key]
    wait_at = spot or {"lat": district.centre_lat, "lon": district.centre_lon,
                       "name": str(district)}
    return {"id": key, "name": name, "district": home,
            "drive_min": round(float(drives[column]) / 60),
            "wait_lat": wait_at["lat"], "wait_lon": wait_at["lon"], "wait_place": wait_at["name"],
            "last_of_its_district": last_of_its_district,
            "may_send": not last_of_its_district and key in changeable}


def _standby(tonight: night_plan.NightPlan, squads: dict[int, dict]) -> list[dict]:
    """The squads in the user's scope with nothing to do that would be sooner on the scene of
    the next reports waiting elsewhere, and where; not those already told to wait there (the
    plan may be a few seconds older than the order)."""
    return [{"squad_id": move.squad, "squad": squads[move.squad]["name"],
             "district": squads[move.squad]["district"], "place": move.place,
             "lat": move.lat, "lon": move.lon, "drive_min": move.drive_min}
            for move in sorted(tonight.standby.values(),
                               key=lambda move: squads.get(move.squad, {}).get("name", ""))
            if move.squad in squads and squads[move.squad]["standby_place"] != move.place]


def _gathering(district_ids: list[int], now) -> dict[int, list[dict]]:
    """Squads called on whose crews are still gathering: they count against the squads
    missing, so the leader on duty does not call on more than the shortfall."""
    found: dict[int, list[dict]] = {}
    for shift in (Shift.objects.filter(
            squad__district_id__in=district_ids, squad__is_active=True,
            squad__duty_status=DutyStatus.ON_DUTY, starts_at__gt=now,
            starts_at__lte=now + call_out_time())
            .order_by("starts_at").values("squad_id", "squad__name", "squad__district_id",
                                          "starts_at")):
        found.setdefault(shift["squad__district_id"], []).append({
            "id": shift["squad_id"], "name": shift["squad__name"],
            "ready_at": timezone.localtime(shift["starts_at"]).strftime("%H:%M")})
    return found


def _leads(user, now, squads: dict[int, dict], tonight: night_plan.NightPlan) -> list[dict]:
    queue = Lead.objects.restrict(user, "view").open().exclude(status=LeadStatus.DUPLICATE)
    rows = list(queue.order_by("received_at")
                .values("id", "tracking_code", "status", "priority", "lat", "lon", "place",
                        "district_id", "people_count", "flags", "received_at",
                        "description", "source",
                        photo_id=Subquery(LeadPhoto.objects.filter(lead=OuterRef("pk"))
                                          .order_by("pk").values("pk")[:1])))
    # As tonight's plan weighs them (`triage.plan_weight`), the oldest first among equals.
    rows.sort(key=lambda row: -triage.plan_weight(row["priority"], row["flags"],
                                                  now - row["received_at"]))
    # A subquery, not a list of 2,000 ids: Django prepares every element of an IN list.
    tasks = {t["lead_id"]: t for t in Task.objects.filter(
        lead_id__in=queue.values("id"), status__in=ACTIVE_TASK_STATUSES,
    ).values("id", "lead_id", "squad_id", "status", "assigned_at", "arrived_at")}
    limits = thresholds_by_district({row["district_id"] for row in rows}, now)
    ids = [row["id"] for row in rows]
    merged, nearby = leads_services.merged_reports(ids), leads_services.nearby_leads(ids)
    labels = {value: str(label) for value, label in LeadStatus.choices}
    overdue_labels = {kind: str(label) for kind, label in OVERDUE_LABELS.items()}
    names = district_names()
    out = []
    for row in rows:
        district = row["district_id"]
        task = tasks.get(row["id"])
        late = overdue(reported_at=row["received_at"],
                       assigned_at=task["assigned_at"] if task else None,
                       arrived_at=task["arrived_at"] if task else None, now=now,
                       limits=limits[district])
        item = {
            "id": row["id"], "tracking_code": row["tracking_code"], "status": row["status"],
            "status_label": labels[row["status"]],
            "priority": row["priority"], "lat": row["lat"], "lon": row["lon"],
            "place": row["place"], "district_id": district, "people_count": row["people_count"],
            "flags": row["flags"], "received_at": row["received_at"].isoformat(),
            "flag_labels": [str(Flag(f).label) if f in Flag.values else f for f in row["flags"]],
            "in_danger": triage.in_danger(row["flags"]),
            "description": Truncator(row["description"]).chars(80),
            "source": row["source"], "source_label": str(Source(row["source"]).label),
            "district": names.get(district, ""), "photo_id": row["photo_id"],
            "age_min": int((now - row["received_at"]).total_seconds() // 60),
            "overdue": late[0].value if late else None,
            "overdue_label": overdue_labels[late[0]] if late else "",
            "overdue_min": int(late[1].total_seconds() // 60) if late else 0,
            "needs_location": row["lat"] is None,
            "merged": [_merged_json(report) for report in merged.get(row["id"], [])],
            "nearby": nearby.get(row["id"], []),
            "task": None, "suggestion": None, "suggestions": [], "assign_now": False,
        }
        if task:
            squad = squads.get(task["squad_id"])
            item["task"] = {"id": task["id"], "squad_id": task["squad_id"],
                            "squad": squad["name"] if squad else "", "status": task["status"]}
        elif district is not None:
            item["suggestions"] = tonight.suggestions(row["id"])
            planned = tonight.plan.planned.get(row["id"])
            if planned is not None:
                item["suggestion"] = tonight.option_json(planned)
                item["suggestion"]["reason"] = night_plan.option_reason(item["suggestion"])
                item["assign_now"] = tonight.assign_now(row["id"]) is not None
        out.append(item)
    _add_help_nearby(out, limits, now)
    return out


def _add_help_nearby(leads: list[dict], limits: dict, now: datetime.datetime) -> None:
    """Waiting leads no squad can reach within the on-scene limit get the open sites nearest
    them, to ask to look in meanwhile."""
    beyond = {lead["id"]: (lead["lat"], lead["lon"]) for lead in leads
              if lead["task"] is None and lead["lat"] is not None
              and lead["district_id"] is not None
              and _beyond_reach(lead, limits[lead["district_id"]])}
    helpers = help_nearby.nearest_open_sites(beyond, now)
    asked = help_nearby.asked_lately(list(helpers), now)
    for lead in leads:
        lead["help_nearby"] = [_help(site, asked.get(lead["id"], {}).get(site["site_id"]))
                               for site in helpers.get(lead["id"], [])]


def _help(site: dict, asked: dict | None) -> dict:
    """A site near a lead, with whether it was asked about this lead within the hour and what it
    answered; its unanswered requests are those about other people."""
    asked = dict(asked or {})
    mine = asked.pop("waiting", 0)
    shown = {"asked_at": None, "answered_at": None, "answer": "", "answer_label": "",
             "answer_note": ""} | asked
    return {**site, **shown, "unanswered": max(0, site["unanswered"] - mine)}


def _beyond_reach(lead: dict, limits) -> bool:
    soonest = min((option["eta_min"] for option in lead["suggestions"]), default=None)
    return soonest is None or soonest > limits.arrive_within.total_seconds() / 60


def _merged_json(report: dict) -> dict:
    """A report merged into a lead, as the board shows it: where and when it came from."""
    return {"tracking_code": report["tracking_code"], "place": report["place"],
            "lat": report["lat"], "lon": report["lon"],
            "received_at": report["received_at"].isoformat(),
            "time": timezone.localtime(report["received_at"]).strftime("%H:%M"),
            "people_count": report["people_count"]}


def _follow_ups(user, now) -> list[dict]:
    rows = dispatch.follow_ups_due(FollowUp.objects.restrict(user, "view"), now, FOLLOW_UP_AHEAD)
    return [{
        "id": f["id"], "place": f["place"], "lat": f["lat"], "lon": f["lon"],
        "due_at": f["due_at"].isoformat(), "is_due": f["due_at"] <= now,
        "person_id": f["person_id"], "district_id": f["district_id"],
    } for f in rows.order_by("due_at").values("id", "place", "lat", "lon", "due_at",
                                              "person_id", "district_id")[:200]]
