"""Dispatch (派单) and what squads do with a task: assign, reassign, accept, arrive, encounter,
and taking a task back: cancel, unassign, decline.

Every action is one transaction. A lead's status changes only through the leads app's
`set_status`, so its history and the reporter's notifications stay in one place. Concurrent
assignment is settled by locking the lead row and, underneath, by a unique constraint that
allows one live task per lead: one dispatcher wins, the other gets a `Conflict`.

A squad's phone may queue its taps while offline and replay them later: each action takes the
phone's own time (`client_at`), kept beside the server's, within a bounded clock skew.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from songnuan.actors import Actor, recorded
from songnuan.duty import services as duty
from songnuan.duty.models import Severity, Topic
from songnuan.leads import services as leads
from songnuan.leads.models import Lead, LeadStatus, Outcome
from songnuan.network import services as network
from songnuan.network.geography import bounding_box, district_for_point, haversine_m
from songnuan.network.models import Site, SiteStatus
from songnuan.outreach import paging
from songnuan.outreach.escalation import follow_up_due
from songnuan.outreach.models import (
    ACTIVE_TASK_STATUSES,
    DutyStatus,
    Encounter,
    EncounterOutcome,
    EncounterPerson,
    FollowUp,
    FollowUpStatus,
    Shift,
    Squad,
    Task,
    TaskKind,
    TaskStatus,
)
from songnuan.people import services as people
from songnuan.people.models import Flag, Person, PersonPhoto, Status
from songnuan.refusals import Conflict, Refused
from songnuan.shelter import admission
from songnuan.supplies import services as supplies
from songnuan.supplies.models import SupplyItem
from songnuan.words import for_the_record, said_to_each

LEAD_OUTCOMES = {
    EncounterOutcome.ESCORTED: Outcome.HELPED_TO_SITE,
    EncounterOutcome.HOSPITAL: Outcome.HOSPITAL,
    EncounterOutcome.REFUSED: Outcome.REFUSED_HELP,
    EncounterOutcome.NOT_FOUND: Outcome.NOT_FOUND,
    EncounterOutcome.FALSE_REPORT: Outcome.INVALID,
}
OUTCOMES_WITH_PEOPLE = (EncounterOutcome.ESCORTED, EncounterOutcome.HOSPITAL,
                        EncounterOutcome.REFUSED)
# When people met end differently, the encounter (and its lead) takes the weightiest outcome.
OUTCOME_WEIGHT = [EncounterOutcome.ESCORTED, EncounterOutcome.HOSPITAL, EncounterOutcome.REFUSED]
MAX_ITEMS_PER_PERSON = 20  # of one item: more than anyone carries away
REPEATED_REFUSALS = 2  # a person who refused this often is flagged as refusing help


class SiteUnavailable(Refused):
    """The site chosen for someone escorted is full or closed; `suggestion` is the nearest
    open site with room, for the phone page to offer."""

    def __init__(self, message: str, suggestion: Site | None = None) -> None:
        super().__init__(message, "site", "site_unavailable")
        self.suggestion = suggestion


# ------------------------------------------------------------------ who can go

def squads_on_shift(squads, at: datetime.datetime) -> set[int]:
    ids = [squad.pk for squad in squads if squad.is_on_duty and squad.is_active]
    return set(Shift.objects.filter(squad_id__in=ids, starts_at__lte=at, ends_at__gt=at)
               .values_list("squad_id", flat=True))


def squads_in_the_field(district_ids: list[int], at: datetime.datetime
                        ) -> list[duty.InTheField]:
    """The districts' squads on shift at `at`, for the duty desk's "who is on duty now"."""
    squads = list(Squad.objects.filter(district_id__in=district_ids, is_active=True)
                  .order_by("name", "pk"))
    on_shift = squads_on_shift(squads, at)
    return [duty.InTheField(squad.district_id, squad.name, squad.get_duty_status_display(),
                       squad.phone) for squad in squads if squad.pk in on_shift]


def squad_loads(squad_ids) -> dict[int, int]:
    rows = (Task.objects.filter(squad_id__in=list(squad_ids), status__in=ACTIVE_TASK_STATUSES)
            .values("squad_id").annotate(n=Count("id")))
    return {row["squad_id"]: row["n"] for row in rows}


def is_on_shift(squad: Squad, at: datetime.datetime | None = None) -> bool:
    return squad.pk in squads_on_shift([squad], at or timezone.now())


# ------------------------------------------------------------------ assignment

def assign_lead(lead: Lead, squad: Squad, *, by: Actor, reason: str = "",
                eta_min: int | None = None) -> Task:
    """Send a squad to a lead; refused when the lead is closed or taken, or the squad can't go.

    A lead known only by its district can be sent: the squad sets the place on arrival. A squad
    of another district goes as mutual aid, and its own district's leader on duty is told.
    """
    try:
        with transaction.atomic():
            lead = Lead.objects.select_for_update().get(pk=lead.pk)
            if not lead.is_open or lead.status == LeadStatus.DUPLICATE:
                raise Conflict(_("This lead is closed: it cannot be assigned."), "lead")
            taken = lead.tasks.filter(status__in=ACTIVE_TASK_STATUSES).select_related("squad")
            if taken:
                raise Conflict(_("Already assigned to %(squad)s by someone else.") % {
                    "squad": taken[0].squad.name}, "lead")
            if lead.district_id is None:
                raise Conflict(_("The lead has no location yet: set its place or its "
                                      "district first."), "lead")
            squad = _taking_a_task(squad)
            task = Task.objects.create(
                kind=TaskKind.LEAD, lead=lead, squad=squad, district_id=lead.district_id,
                lat=lead.lat, lon=lead.lon, place=lead.place, reason=reason[:200],
                eta_min=eta_min, is_mutual_aid=squad.district_id != lead.district_id,
                assigned_by=recorded(by))
            with for_the_record():
                note = _("Assigned to %(squad)s") % {"squad": squad.name}
            leads.set_status(lead, LeadStatus.ASSIGNED, by=recorded(by), note=note)
            if task.is_mutual_aid:
                _tell_home_district(task)
            paging.page_squad(task)
            return task
    except IntegrityError:
        raise Conflict(_("Another dispatcher assigned this lead just now."), "lead") from None
    except OperationalError as error:
        # SQLite has no row locks: a concurrent writer makes the table "locked" instead.
        if "locked" not in str(error):
            raise
        raise Conflict(_("Another dispatcher is assigning this lead right now."),
                            "lead") from None


def reassign(task: Task, squad: Squad, *, by: Actor, reason: str = "",
             eta_min: int | None = None) -> Task:
    """Move a live task to another squad; the first squad's task is cancelled."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        if task.status not in (TaskStatus.ASSIGNED, TaskStatus.ACCEPTED):
            raise Conflict(_("Only a task the squad has not reached yet can be moved."))
        if task.squad_id == squad.pk:
            raise Conflict(_("The task is already with this squad."), "squad")
        squad = _taking_a_task(squad)
        task.status, task.closed_at = TaskStatus.CANCELLED, timezone.now()
        task.save()
        new = Task.objects.create(
            kind=task.kind, lead=task.lead, follow_up=task.follow_up, squad=squad,
            district_id=task.district_id, lat=task.lat, lon=task.lon, place=task.place,
            reason=reason[:200], eta_min=eta_min,
            is_mutual_aid=squad.district_id != task.district_id, assigned_by=recorded(by))
        if new.is_mutual_aid:
            _tell_home_district(new)
        if task.lead_id and task.lead.status == LeadStatus.EN_ROUTE:
            with for_the_record():
                note = _("Reassigned to %(squad)s") % {"squad": squad.name}
            leads.set_status(task.lead, LeadStatus.ASSIGNED, by=recorded(by), note=note)
        paging.call_back(task, said_to_each(_moved_to, squad.name))
        paging.page_squad(new)
        return new


def _moved_to(squad: str) -> str:
    return _("moved to %(squad)s") % {"squad": squad}


def assign_follow_up(follow_up: FollowUp, squad: Squad, *, by: Actor, reason: str = "",
                     eta_min: int | None = None) -> Task:
    try:
        with transaction.atomic():
            follow_up = FollowUp.objects.select_for_update().get(pk=follow_up.pk)
            if follow_up.status != FollowUpStatus.DUE:
                raise Conflict(_("This follow-up is closed."), "follow_up")
            if follow_up.tasks.filter(status__in=ACTIVE_TASK_STATUSES).exists():
                raise Conflict(_("This follow-up is already assigned."), "follow_up")
            squad = _taking_a_task(squad)
            task = Task.objects.create(
                kind=TaskKind.FOLLOW_UP, follow_up=follow_up, squad=squad,
                district_id=follow_up.district_id, lat=follow_up.lat, lon=follow_up.lon,
                place=follow_up.place, reason=reason[:200], eta_min=eta_min,
                is_mutual_aid=squad.district_id != follow_up.district_id,
                assigned_by=recorded(by))
            paging.page_squad(task)
            return task
    except IntegrityError:
        raise Conflict(_("Another dispatcher assigned this follow-up just now."),
                            "follow_up") from None


def _tell_home_district(task: Task) -> None:
    """Mutual aid (跨区支援): the squad's own district learns where its squad went."""
    duty.alert(task.squad.district, topic=Topic.MUTUAL_AID, severity=Severity.INFO,
               text=said_to_each(_sent_as_mutual_aid, task), key=f"mutual-aid:{task.pk}",
               at=task.assigned_at)


def _sent_as_mutual_aid(task: Task) -> str:
    return _("%(squad)s was sent to %(district)s as mutual aid (%(place)s).") % {
        "squad": task.squad.name, "district": task.district,
        "place": task.place or task.district}


def _taking_a_task(squad: Squad) -> Squad:
    """The squad, locked, about to take a task: on shift and with room for it. The task ends
    its wait where it was told to stand by, and once done it is told anew where to wait;
    unless it was sent there for the night, where it goes back."""
    squad = Squad.objects.select_for_update().get(pk=squad.pk)
    if not is_on_shift(squad):
        raise Conflict(_("%(squad)s is not on shift.") % {"squad": squad.name}, "squad")
    load = squad.tasks.filter(status__in=ACTIVE_TASK_STATUSES).count()
    if load >= squad.capacity:
        raise Conflict(_("%(squad)s already has %(n)d open tasks.") % {
            "squad": squad.name, "n": load}, "squad")
    if squad.standby is not None and not squad.standby_for_the_night:
        squad.forget_standby()
        squad.save()
    return squad


# ------------------------------------------------------------------ on the street

def client_time(client_at: datetime.datetime | None,
                now: datetime.datetime | None = None) -> datetime.datetime | None:
    """The phone's time of an action, refused when the clocks are too far apart to believe it.

    A time without a zone is read in the deployment's zone (a phone's local clock).
    """
    if client_at is None:
        return None
    now = now or timezone.now()
    if timezone.is_naive(client_at):
        client_at = timezone.make_aware(client_at)
    ahead = datetime.timedelta(minutes=settings.OUTREACH_CLIENT_AHEAD_MAX_MIN)
    behind = datetime.timedelta(hours=settings.OUTREACH_CLIENT_BEHIND_MAX_HOURS)
    if client_at > now + ahead:
        raise Refused(_("This time is ahead of the server's clock: check the phone's "
                             "date and time."), "client_at")
    if client_at < now - behind:
        raise Refused(_("This action is more than %(hours)d hours old: it is not taken.")
                           % {"hours": round(behind.total_seconds() / 3600)}, "client_at")
    return client_at


def accept(task: Task, *, by: Actor, client_at: datetime.datetime | None = None) -> Task:
    return _advance(task, TaskStatus.ACCEPTED, LeadStatus.EN_ROUTE, by, client_at)


def arrive(task: Task, *, by: Actor, client_at: datetime.datetime | None = None) -> Task:
    return _advance(task, TaskStatus.ARRIVED, LeadStatus.ON_SCENE, by, client_at)


def someone_else(task: Task, report: Lead, *, by: Actor) -> Lead:
    """On the scene the squad sees that a report merged into its lead describes someone other
    than the people in front of it: the report is split off into a lead of its own, so a squad
    is sent to that person and its reporter is not told the wrong outcome."""
    if task.lead_id is None or report.duplicate_of_id != task.lead_id:
        raise Conflict(_("That report is no longer merged into this task's lead."), "report")
    _require_on_the_scene(task)
    with for_the_record():
        note = _("The squad on the scene: not the people it found there")
    return leads.split_duplicate(report, by=by, note=note)


def same_people(task: Task, other: Lead, *, by: Actor) -> Lead:
    """On the scene the squad sees that an open lead nearby is about the people in front of it:
    a squad on its way there is called back, and the lead is merged into the task's, so its
    reporter is told what this squad finds. Saying it twice changes nothing."""
    if task.lead_id is None:
        raise Conflict(_("This task is closed."), "status")
    _require_on_the_scene(task)
    other = Lead.objects.get(pk=other.pk)
    if other.status == LeadStatus.DUPLICATE and other.duplicate_of_id == task.lead_id:
        return other
    if other.pk not in {lead.pk for lead in leads.nearby_of(task.lead)} or not other.is_open:
        raise Conflict(_("That lead is no longer open near this one."), "lead")
    reason = _("Same people as %(code)s, with %(squad)s on the scene") % {
        "code": task.lead.tracking_code, "squad": task.squad.name}
    with transaction.atomic():
        for elsewhere in Task.objects.filter(lead=other, status__in=ACTIVE_TASK_STATUSES):
            if elsewhere.status == TaskStatus.ARRIVED:
                raise Conflict(_("%(squad)s is on the scene of %(code)s: agree with them who "
                                 "records it.") % {"squad": elsewhere.squad.name,
                                                   "code": other.tracking_code}, "lead")
            cancel_task(elsewhere, by=by, reason=reason)
        return leads.link_duplicate(other, task.lead, by=recorded(by), note=reason)


def _require_on_the_scene(task: Task) -> None:
    """Who is in front of the squad is known only there: on the way, a tap would move a report
    or call back another squad on a guess."""
    status = Task.objects.values_list("status", flat=True).get(pk=task.pk)
    if status not in ACTIVE_TASK_STATUSES:
        raise Conflict(_("This task is closed."), "status")
    if status != TaskStatus.ARRIVED:
        raise Conflict(_("Only on the scene: tap “Arrived” first."), "status")


_ORDER = [TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.ARRIVED, TaskStatus.DONE]


def _advance(task: Task, status: str, lead_status: str, by,
             client_at: datetime.datetime | None) -> Task:
    """Idempotent: a retried tap finds the task already there and changes nothing."""
    client_at = client_time(client_at)
    with transaction.atomic():
        task = (Task.objects.select_for_update(of=("self",)).select_related("lead")
                .get(pk=task.pk))
        if task.status in (TaskStatus.CANCELLED, TaskStatus.DECLINED):
            raise Conflict(closed_message(task))
        if _ORDER.index(task.status) >= _ORDER.index(status):
            return task
        now = timezone.now()
        if task.accepted_at is None:
            task.accepted_at = now
            task.accepted_client_at = _not_before(client_at, task.assigned_at)
        if status == TaskStatus.ARRIVED:
            task.arrived_at = now
            task.arrived_client_at = _not_before(
                client_at, task.accepted_client_at or task.assigned_at)
        task.status = status
        task.save()
        if task.lead_id and task.lead.status != lead_status and task.lead.is_open:
            leads.set_status(task.lead, lead_status, by=recorded(by))
        return task


def _not_before(client_at: datetime.datetime | None, earlier: datetime.datetime | None
                ) -> datetime.datetime | None:
    """A phone's clock a little behind the server's must not put a step before the one it
    follows, or the minutes to the scene come out negative."""
    if client_at is None or earlier is None:
        return client_at
    return max(client_at, earlier)


def closed_message(task: Task) -> str:
    if task.status == TaskStatus.CANCELLED and not task.closed_reason:
        return _("This task was moved to another squad.")
    return _("This task is closed: %(reason)s") % {"reason": task.closed_reason}


def set_task_place(task: Task, lat: float, lon: float, *, by: Actor) -> Task:
    """The squad found the place of a lead known only by its district: the task and the lead
    take the point (WGS-84), which must lie in the task's district's city, and the lead is
    linked to the open leads around it (the squad may be looking at one of their people)."""
    if district_for_point(lat, lon) is None:
        raise Refused(_("This point is not in the city."), "lat")
    with transaction.atomic():
        task = Task.objects.select_for_update(of=("self",)).get(pk=task.pk)
        task.lat, task.lon = lat, lon
        task.save()
        if task.lead_id and Lead.objects.filter(pk=task.lead_id, lat__isnull=True).update(
                lat=lat, lon=lon, location_source="patrol"):
            leads.link_nearby(Lead.objects.get(pk=task.lead_id))
        return task


def open_leads_nearby(lead: Lead) -> list[Lead]:
    """The open leads linked to `lead` as nearby, nearest first, each with its `distance_m`,
    the `probability` that they are the same people, the `squad_name` of the squad on it
    (empty while none is) and whether that squad `is_there` yet."""
    nearby = [other for other in leads.nearby_of(lead) if other.is_open]
    on_it = {lead_id: (name, status) for lead_id, name, status in Task.objects.filter(
        lead__in=nearby, status__in=ACTIVE_TASK_STATUSES).order_by("assigned_at").values_list(
        "lead_id", "squad__name", "status")}
    for other in nearby:
        other.squad_name, status = on_it.get(other.pk, ("", ""))
        other.is_there = status == TaskStatus.ARRIVED
    return nearby


MET_HERE_RADIUS_M = 300
MET_HERE_WITHIN = datetime.timedelta(hours=12)


def met_here_recently(task: Task, limit: int = 5) -> list[Encounter]:
    """What squads found around the task's place in the last twelve hours, latest first, each
    with its `distance_m` and `people_count`: a squad arriving where another met someone an
    hour ago (who refused to come in, or was taken to a site) knows it before it searches.
    Only what any squad may know is read here: when, which squad, what became of them and how
    many, never who they are."""
    if task.lat is None or task.lon is None:
        return []
    since = timezone.now() - MET_HERE_WITHIN
    south, north, west, east = bounding_box(task.lat, task.lon, MET_HERE_RADIUS_M)
    found = []
    for encounter in (Encounter.objects.filter(at__gte=since, lat__gte=south, lat__lte=north,
                                               lon__gte=west, lon__lte=east)
                      .exclude(task=task).select_related("squad", "site")
                      .annotate(people_count=Count("people")).order_by("-at")):
        encounter.distance_m = round(haversine_m(task.lat, task.lon, encounter.lat,
                                                 encounter.lon))
        if encounter.distance_m <= MET_HERE_RADIUS_M:
            found.append(encounter)
    return found[:limit]


def report_position(squad: Squad, lat: float, lon: float,
                    client_at: datetime.datetime | None = None) -> bool:
    """Keep the squad's last known position; a position older than the one kept (an offline
    queue replayed late) is dropped. True when it was kept."""
    seen = client_time(client_at) or timezone.now()
    newer = Q(last_seen_at__isnull=True) | Q(last_seen_at__lte=seen)
    return bool(Squad.objects.filter(newer, pk=squad.pk).update(
        last_lat=lat, last_lon=lon, last_seen_at=seen, updated_at=timezone.now()))


@dataclass
class PersonMet:
    """One person met: an existing file, or the minimum to start one."""

    person_id: int | None = None
    sex: str = ""
    age_estimate: int | None = None
    self_name: str = ""
    photo: UploadedFile | None = None
    outcome: str = ""  # empty: the encounter's outcome
    supplies: dict[int, int] = field(default_factory=dict)  # item id -> how many handed over


@dataclass
class EncounterInput:
    client_request_id: str
    outcome: str
    people: list[PersonMet] = field(default_factory=list)
    site_id: int | None = None
    hospital: str = ""
    contact_card_left: bool = False
    note: str = ""
    client_at: datetime.datetime | None = None  # when it happened, by the phone's clock


def record_encounter(task: Task, data: EncounterInput, *, by: Actor) -> Encounter:
    """Close a task with what the squad found; a retried submission returns the first record.

    Supplies handed to the people met come out of the squad's stock. A short stock does not stop
    the record: what could not be given is on `encounter.shortfalls` for the patroller to see.
    """
    known = Encounter.objects.filter(client_request_id=data.client_request_id).first()
    if known is not None:
        known.shortfalls = []
        return known
    outcome = _check_outcome(data)
    wanted = _check_supplies(data)
    client_at = client_time(data.client_at)
    try:
        with transaction.atomic():
            task = (Task.objects.select_for_update(of=("self",))
                    .select_related("lead", "follow_up").get(pk=task.pk))
            if task.status in (TaskStatus.DONE, TaskStatus.CANCELLED, TaskStatus.DECLINED):
                raise Conflict(_("This task is already closed."))
            escorting = any(_outcome_of(p, data) == EncounterOutcome.ESCORTED
                            for p in data.people)
            site = _check_site(data.site_id, task) if escorting else None
            now = timezone.now()
            at = _not_before(client_at, task.arrived_client_at or task.assigned_at) or now
            encounter = Encounter.objects.create(
                client_request_id=data.client_request_id, task=task, squad=task.squad,
                district_id=task.district_id, lat=task.lat, lon=task.lon, place=task.place,
                at=at, recorded_at=now, outcome=outcome, site=site,
                hospital=data.hospital.strip()[:100], contact_card_left=data.contact_card_left,
                note=data.note.strip()[:1000], recorded_by=recorded(by))
            encounter.shortfalls = []
            for met, items in zip(data.people, wanted, strict=True):
                person = _person(met, task, by)
                if EncounterPerson.objects.filter(encounter=encounter, person=person).exists():
                    raise Refused(_("The same person file is added twice."), "people")
                own = _outcome_of(met, data)
                EncounterPerson.objects.create(encounter=encounter, person=person, outcome=own)
                _after(encounter, person, own, by)
                if items:
                    issued = supplies.issue(task.squad, items, by=recorded(by), person=person,
                                            encounter=encounter, at=at)
                    encounter.shortfalls.extend(issued.shortfalls)
            task.status, task.closed_at = TaskStatus.DONE, now
            task.arrived_at = task.arrived_at or now
            if client_at is not None:
                task.arrived_client_at = task.arrived_client_at or at
                task.closed_client_at = at
            task.save()
            _close_source(task, encounter, by)
            return encounter
    except IntegrityError:
        known = Encounter.objects.filter(client_request_id=data.client_request_id).first()
        if known is None:
            raise
        return known


def _check_outcome(data: EncounterInput) -> str:
    """The encounter's outcome: the weightiest of the people's own, or the one chosen."""
    if data.people:
        own = [_outcome_of(met, data) for met in data.people]
        if any(outcome not in OUTCOMES_WITH_PEOPLE for outcome in own):
            raise Refused(_("Choose what happened to each person met."), "outcome")
        outcome = min(own, key=OUTCOME_WEIGHT.index)
    elif data.outcome not in EncounterOutcome.values:
        raise Refused(_("Choose what happened."), "outcome")
    elif data.outcome in OUTCOMES_WITH_PEOPLE:
        raise Refused(_("Add the person you met."), "people")
    else:
        outcome = data.outcome
    if outcome == EncounterOutcome.ESCORTED and not data.site_id:
        raise Refused(_("Choose the site you are taking them to."), "site")
    return outcome


def _outcome_of(met: PersonMet, data: EncounterInput) -> str:
    return met.outcome or data.outcome


def _check_supplies(data: EncounterInput) -> list[dict[SupplyItem, int]]:
    """Per person met, the items to hand over; unknown items or odd quantities are refused."""
    ids = {item_id for met in data.people for item_id in met.supplies}
    items = SupplyItem.objects.in_bulk(ids)
    wanted = []
    for met in data.people:
        chosen = {}
        for item_id, quantity in met.supplies.items():
            if item_id not in items:
                raise Refused(_("Unknown supply item."), "supplies")
            if not 0 <= quantity <= MAX_ITEMS_PER_PERSON:
                raise Refused(_("Hand over between 0 and %(n)d of one item.") % {
                    "n": MAX_ITEMS_PER_PERSON}, "supplies")
            if quantity:
                chosen[items[item_id]] = quantity
        wanted.append(chosen)
    return wanted


def _check_site(site_id: int | None, task: Task) -> Site:
    site = Site.objects.filter(pk=site_id).first()
    if site is None:
        raise Refused(_("Unknown site."), "site")
    load = network.loads([site])[site.pk]
    shown = network.shown_status(site, load)
    if site.status == SiteStatus.OPEN and shown != "full" and network.open_now(site):
        return site
    others = [n for n in network.nearest(task.lat, task.lon, open_only=True, limit=10)
              if n.site.pk != site.pk
              and network.shown_status(n.site, network.loads([n.site])[n.site.pk]) != "full"]
    state = _("full") if shown == "full" else _("closed")
    message = _("%(site)s is %(state)s now.") % {"site": site.name, "state": state}
    if others:
        message += " " + _("Nearest open: %(site)s (%(km).1f km).") % {
            "site": others[0].site.name, "km": others[0].distance_m / 1000}
    raise SiteUnavailable(message, others[0].site if others else None)


def _person(met: PersonMet, task: Task, by) -> Person:
    if met.person_id:
        person = Person.objects.filter(pk=met.person_id, merged_into__isnull=True).first()
        if person is None:
            raise Refused(_("That person file no longer exists."), "people")
        return person
    person = Person(sex=met.sex, self_name=met.self_name.strip()[:50],
                    age_estimate=met.age_estimate, district_id=task.district_id)
    if met.age_estimate is not None:
        person.age_estimated_on = timezone.localdate()
    people.save_person(person, by=recorded(by))
    if met.photo is not None:
        PersonPhoto.objects.create(person=person, image=met.photo, taken_by=recorded(by),
                                   caption=_("Met on the street"))
    return person


def note_refusal(person: Person) -> bool:
    """Someone who has turned a squad away more than once is flagged as refusing help, so the
    portrait weighs it and the district's ledger keeps them in sight. True when the flag is
    new (the caller saves)."""
    refused = EncounterPerson.objects.filter(person=person,
                                             outcome=EncounterOutcome.REFUSED).count()
    if refused < REPEATED_REFUSALS or Flag.REFUSES_HELP in person.flags:
        return False
    person.flags = [*person.flags, Flag.REFUSES_HELP]
    return True


def _after(encounter: Encounter, person: Person, outcome: str, by) -> None:
    if outcome == EncounterOutcome.ESCORTED:
        admission.expect_arrival(
            encounter.site, person=person, coming_from=encounter.place,
            description=_("Escorted by %(squad)s") % {"squad": encounter.squad.name},
            source=f"outreach:{encounter.pk}:{person.pk}", by=recorded(by))
    elif outcome == EncounterOutcome.HOSPITAL:
        people.move_person(person, Status.IN_HOSPITAL, district_id=encounter.district_id)
    elif outcome == EncounterOutcome.REFUSED:
        note_refusal(person)
        people.move_person(person, Status.ON_STREET, district_id=encounter.district_id)
        schedule_follow_up(encounter, person)


def schedule_follow_up(encounter: Encounter, person: Person | None) -> FollowUp:
    """A revisit at the place they were met: sooner while the cold-weather protocol is on."""
    source = encounter.task.follow_up if encounter.task_id else None
    return FollowUp.objects.create(
        person=person, encounter=encounter, district_id=encounter.district_id,
        hotspot=getattr(source, "hotspot", None) or _lead_hotspot(encounter),
        lat=encounter.lat, lon=encounter.lon, place=encounter.place,
        due_at=follow_up_due(encounter.at, encounter.district_id))


def _lead_hotspot(encounter: Encounter):
    lead = encounter.task.lead if encounter.task_id else None
    return lead.hotspot if lead is not None else None


def _close_source(task: Task, encounter: Encounter, by) -> None:
    if task.lead_id:
        lead = task.lead
        if lead.is_open:
            with for_the_record():
                note = encounter.get_outcome_display()
            leads.set_status(lead, LeadStatus.RESOLVED, by=recorded(by),
                             outcome=LEAD_OUTCOMES[encounter.outcome], note=note)
    if task.follow_up_id:
        FollowUp.objects.filter(pk=task.follow_up_id).update(
            status=FollowUpStatus.DONE, done_at=encounter.at)


def follow_ups_due(queryset, at: datetime.datetime, ahead: datetime.timedelta):
    """Scheduled follow-ups due by `at + ahead` and not yet with a squad (for the board)."""
    return (queryset.filter(status=FollowUpStatus.DUE, due_at__lte=at + ahead)
            .exclude(Q(tasks__status__in=ACTIVE_TASK_STATUSES)))


# ------------------------------------------------------------------ taking a task back

def cancel_task(task: Task, *, by: Actor, reason: str) -> Task:
    """The place no longer needs a squad (a false report found by phone, the person came in on
    their own): the task is cancelled, a follow-up with it, and a lead still open goes back to
    the waiting queue."""
    return _take_back(task, TaskStatus.CANCELLED, by, reason,
                      note=gettext_noop("Task of %(squad)s cancelled: %(reason)s"),
                      follow_up_done=True)


def unassign(task: Task, *, by: Actor, reason: str) -> Task:
    """The dispatcher takes the task back from the squad; the lead or follow-up waits again."""
    return _take_back(task, TaskStatus.CANCELLED, by, reason,
                      note=gettext_noop("Taken back from %(squad)s: %(reason)s"))


def decline(task: Task, *, by: Actor, reason: str,
            client_at: datetime.datetime | None = None) -> Task:
    """The squad refuses the task (a breakdown, someone already on board); the lead goes back to
    the queue with the squad's reason on its history."""
    return _take_back(task, TaskStatus.DECLINED, by, reason,
                      note=gettext_noop("Declined by %(squad)s: %(reason)s"),
                      client_at=client_at)


def _take_back(task: Task, status: str, by, reason: str, *, note: str,
               follow_up_done: bool = False,
               client_at: datetime.datetime | None = None) -> Task:
    reason = reason.strip()
    if not reason:
        raise Refused(_("Say why."), "reason")
    client_at = client_time(client_at)
    with transaction.atomic():
        task = (Task.objects.select_for_update(of=("self",))
                .select_related("lead", "squad", "follow_up").get(pk=task.pk))
        if task.status == TaskStatus.ARRIVED:
            raise Conflict(_("The squad is on the scene: record what they found instead."))
        if not task.is_active:
            raise Conflict(_("This task is already closed."))
        task.status, task.closed_at = status, timezone.now()
        task.closed_client_at = client_at
        task.closed_reason = reason[:200]
        task.save()
        if status == TaskStatus.CANCELLED:  # taken from the squad, not refused by it
            paging.call_back(task, task.closed_reason)
        else:  # a text message about it would send the squad after all
            paging.withdraw(task)
        if follow_up_done and task.follow_up_id:
            FollowUp.objects.filter(pk=task.follow_up_id, status=FollowUpStatus.DUE).update(
                status=FollowUpStatus.CANCELLED, done_at=task.closed_at)
        if task.lead_id:
            with for_the_record():
                said = _(note) % {"squad": task.squad.name, "reason": reason}
            _back_to_queue(task.lead, by, said)
        return task


def _back_to_queue(lead: Lead, by, note: str) -> None:
    """An open lead whose squad is gone waits again, triaged, for another one."""
    if lead.status == LeadStatus.EN_ROUTE:
        # A lead's steps go from en route only back to assigned, and from there to the queue;
        # the why goes on the last step, so the history says it once.
        lead = leads.set_status(lead, LeadStatus.ASSIGNED, by=recorded(by))
    if lead.status == LeadStatus.ASSIGNED:
        leads.set_status(lead, LeadStatus.TRIAGED, by=recorded(by), note=note)


def close_tasks_of_resolved_lead(lead: Lead, previous: str, by: Actor) -> None:
    """Listener of lead status changes: a lead resolved without its squad's encounter (marked
    invalid, resolved by a dispatcher) closes its live task, so the squad stops going."""
    if lead.status != LeadStatus.RESOLVED:
        return
    with for_the_record():
        reason = _lead_resolved(lead)
    for task in Task.objects.select_for_update(of=("self",)).filter(
            lead=lead, status__in=ACTIVE_TASK_STATUSES):
        task.status, task.closed_at, task.closed_reason = (
            TaskStatus.CANCELLED, timezone.now(), reason[:200])
        task.save()
        paging.call_back(task, said_to_each(_lead_resolved, lead))


def _lead_resolved(lead: Lead) -> str:
    return _("The lead was resolved: %(outcome)s") % {"outcome": lead.get_outcome_display()}


# ------------------------------------------------------------------ squads' duty

def set_duty_status(squad: Squad, duty_status: str) -> Squad:
    """Put a squad on duty, on a break, in reserve or out of service. A squad with open tasks
    cannot go out of service: its tasks would wait for nobody. A squad that goes off duty
    forgets where it was told to wait."""
    if duty_status not in DutyStatus.values:
        raise Refused(_("Choose a duty status."), "duty_status")
    with transaction.atomic():
        squad = Squad.objects.select_for_update().get(pk=squad.pk)
        load = squad.tasks.filter(status__in=ACTIVE_TASK_STATUSES).count()
        if duty_status == DutyStatus.OUT_OF_SERVICE and load:
            raise Conflict(_("%(squad)s still has %(n)d open tasks: move them first.") % {
                "squad": squad.name, "n": load}, "duty_status")
        squad.duty_status = duty_status
        if duty_status != DutyStatus.ON_DUTY:
            squad.forget_standby()
        squad.save()
        return squad
