"""Demo street outreach: squads in every district working nightly shifts since the campaign
began, a season of dispatched leads with encounters and follow-ups, tonight's open queue and
tonight's patrol plans. Runs after the leads, people and shelter steps (see `songnuan.demo`)."""

from __future__ import annotations

import datetime
from typing import Any

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.geo.distance import haversine_m
from songnuan.leads.models import Lead, LeadStatus, LeadStatusChange, Source, new_tracking_code
from songnuan.network.geography import district_for_point
from songnuan.network.models import District, Site, SiteStatus
from songnuan.outreach import help_nearby, patrols
from songnuan.outreach.dispatch import LEAD_OUTCOMES, note_refusal
from songnuan.outreach.escalation import follow_up_due
from songnuan.outreach.models import (
    ACTIVE_TASK_STATUSES,
    Agency,
    DutyStatus,
    Encounter,
    EncounterOutcome,
    EncounterPerson,
    FollowUp,
    FollowUpStatus,
    Hotspot,
    LookIn,
    Shift,
    Squad,
    SquadMember,
    Task,
    TaskKind,
    TaskStatus,
)
from songnuan.people.models import Person, Sex, Status
from songnuan.people.services import save_person

CAMPAIGN_START = datetime.date(2026, 11, 4)
SQUAD_NAMES = ("救助一队", "救助二队", "联合巡查队")
VEHICLES = ("鲁B·J{:04d}", "鲁B·Z{:04d}", "鲁B·G{:04d}")
AGENCY_MIX = (Agency.CIVIL_AFFAIRS, Agency.POLICE, Agency.URBAN_MANAGEMENT, Agency.HEALTH,
              Agency.VOLUNTEER)
SELF_NAMES = ("老王", "老李", "张师傅", "老刘", "陈大爷", "小赵", "老孙", "周大姐", "吴师傅",
              "老郑", "不愿透露", "")
PLACES_SUFFIX = ("附近", "桥下", "通道口", "门口", "旁边")
LOOKED_IN_WITHIN = datetime.timedelta(hours=3)
MET_AGAIN_SHARE = 0.4  # of the people met at a hotspot where someone refused before
OUTCOME_WEIGHTS = ((EncounterOutcome.ESCORTED, 40), (EncounterOutcome.REFUSED, 25),
                   (EncounterOutcome.HOSPITAL, 8), (EncounterOutcome.NOT_FOUND, 20),
                   (EncounterOutcome.FALSE_REPORT, 7))


def populate(ctx) -> None:
    districts = list(District.objects.order_by("code"))
    patrollers = _patrollers()
    squads = {d.pk: _squads(ctx, d, patrollers.get(d.pk, [])) for d in districts}
    tonight = patrols.night_of(ctx.now)
    for district in districts:
        _shifts(ctx, squads[district.pk], tonight)
    sites = {d.pk: list(Site.objects.filter(district=d, status=SiteStatus.OPEN)[:4])
             for d in districts}
    hotspots = {d.pk: list(Hotspot.objects.filter(district=d, is_active=True))
                for d in districts}
    for district in districts:
        _season(ctx, district, squads[district.pk], sites[district.pk], hotspots[district.pk])
        _tonight(ctx, district, squads[district.pk], hotspots[district.pk])
    _tasks_for_leads_in_progress(squads)
    _asked_to_look_in(ctx)
    for district in districts:
        if hotspots[district.pk]:
            patrols.make_plan(district, tonight, by=None, time_limit_s=0)


def _patrollers() -> dict[int, list[User]]:
    found: dict[int, list[User]] = {}
    for user in User.objects.filter(role="patroller").order_by("username"):
        found.setdefault(user.district_id, []).append(user)
    return found


def _squads(ctx, district: District, patrollers: list[User]) -> list[Squad]:
    made = []
    busiest = list(ctx.city.team_districts)[:2]
    for number, name in enumerate(SQUAD_NAMES[:2 + (district.code in busiest)]):
        lat = district.centre_lat + ctx.rng.uniform(-0.01, 0.01)
        lon = district.centre_lon + ctx.rng.uniform(-0.01, 0.01)
        squad = Squad.objects.create(
            name=f"{district.name}{name}", district=district,
            phone=f"{ctx.city.area_code or '139'}-8" + f"{ctx.rng.randrange(10**6):06d}"[:7],
            vehicle=VEHICLES[number].replace("鲁B", ctx.city.plate).format(
                ctx.rng.randrange(10000)), base_lat=lat, base_lon=lon,
            duty_status=DutyStatus.ON_DUTY,
            last_lat=lat + ctx.rng.uniform(-0.01, 0.01),
            last_lon=lon + ctx.rng.uniform(-0.01, 0.01), last_seen_at=ctx.now)
        if number < len(patrollers):
            SquadMember.objects.create(squad=squad, user=patrollers[number],
                                       agency=Agency.CIVIL_AFFAIRS, is_leader=True)
        made.append(squad)
    return made


def _shifts(ctx, squads: list[Squad], tonight: datetime.date) -> None:
    rows = []
    day = CAMPAIGN_START
    while day <= tonight:
        start, _end = patrols.night_bounds(day)
        for number, squad in enumerate(squads):
            begins = start + datetime.timedelta(hours=number * 2)
            rows.append(Shift(squad=squad, starts_at=begins,
                              ends_at=begins + datetime.timedelta(hours=12)))
        day += datetime.timedelta(days=1)
    Shift.objects.bulk_create(rows)


def _pick_outcome(ctx) -> str:
    total = sum(weight for _o, weight in OUTCOME_WEIGHTS)
    roll = ctx.rng.uniform(0, total)
    for outcome, weight in OUTCOME_WEIGHTS:
        roll -= weight
        if roll <= 0:
            return outcome
    return EncounterOutcome.NOT_FOUND


def _place(ctx, district: District, hotspots: list[Hotspot]) -> tuple[float, float, str, Any]:
    if hotspots and ctx.rng.random() < 0.7:
        spot = ctx.rng.choice(hotspots)
        return (spot.lat + ctx.rng.uniform(-0.0008, 0.0008),
                spot.lon + ctx.rng.uniform(-0.0008, 0.0008),
                spot.name + ctx.rng.choice(PLACES_SUFFIX), spot)
    return (district.centre_lat + ctx.rng.uniform(-0.015, 0.015),
            district.centre_lon + ctx.rng.uniform(-0.015, 0.015),
            f"{district.name}街头", None)


def _season(ctx, district, squads, sites, hotspots) -> None:
    day = CAMPAIGN_START
    last = patrols.night_of(ctx.now) - datetime.timedelta(days=1)
    while day <= last:
        start, _end = patrols.night_bounds(day)
        for _n in range(ctx.rng.randint(0, ctx.count(3))):
            received = start + datetime.timedelta(minutes=ctx.rng.randrange(0, 12 * 60))
            _closed_lead(ctx, district, squads, sites, hotspots, received)
        day += datetime.timedelta(days=1)


def _closed_lead(ctx, district, squads, sites, hotspots, received) -> None:
    lat, lon, place, spot = _place(ctx, district, hotspots)
    outcome = _pick_outcome(ctx)
    if outcome == EncounterOutcome.ESCORTED and not sites:
        outcome = EncounterOutcome.REFUSED
    assigned = received + datetime.timedelta(minutes=ctx.rng.randint(2, 25))
    arrived = assigned + datetime.timedelta(minutes=ctx.rng.randint(8, 50))
    lead = Lead.objects.create(
        tracking_code=new_tracking_code(ctx.rng),
        source=ctx.rng.choice([Source.PUBLIC_WEB, Source.HOTLINE, Source.PUBLIC_API,
                               Source.PATROL]),
        status=LeadStatus.RESOLVED, outcome=LEAD_OUTCOMES[outcome], lat=lat, lon=lon,
        coord_system="wgs84", place=place, district=district, hotspot=spot,
        people_count=1, priority=ctx.rng.randint(0, 6), description="有人在寒风中过夜",
        received_at=received, resolved_at=arrived)
    squad = ctx.rng.choice(squads)
    task = Task.objects.create(
        kind=TaskKind.LEAD, lead=lead, squad=squad, district=district, lat=lat, lon=lon,
        place=place, status=TaskStatus.DONE, assigned_at=assigned, accepted_at=assigned,
        arrived_at=arrived, closed_at=arrived)
    _encounter(ctx, task, outcome, arrived, sites)


def _encounter(ctx, task: Task, outcome: str, at, sites) -> Encounter:
    encounter = Encounter.objects.create(
        client_request_id=f"demo-{task.pk}", task=task, squad=task.squad,
        district=task.district, lat=task.lat, lon=task.lon, place=task.place, at=at,
        recorded_at=at, outcome=outcome,
        site=ctx.rng.choice(sites) if outcome == EncounterOutcome.ESCORTED else None,
        hospital=ctx.city.hospitals[0] if outcome == EncounterOutcome.HOSPITAL else "",
        contact_card_left=outcome == EncounterOutcome.REFUSED)
    if outcome in (EncounterOutcome.ESCORTED, EncounterOutcome.HOSPITAL,
                   EncounterOutcome.REFUSED):
        person = _met_again(ctx, task, at) or _new_person(ctx, task, at)
        person.status = (Status.IN_HOSPITAL if outcome == EncounterOutcome.HOSPITAL
                         else Status.ON_STREET)
        save_person(person, day=at.date())
        EncounterPerson.objects.create(encounter=encounter, person=person, outcome=outcome)
        if outcome == EncounterOutcome.REFUSED:
            ctx.shared.setdefault("refused_at", {}).setdefault(
                task.lead.hotspot_id, []).append(person)
            if note_refusal(person):
                save_person(person, day=at.date())
            due = follow_up_due(at, task.district_id)
            FollowUp.objects.create(
                person=person, encounter=encounter, district=task.district,
                lat=task.lat, lon=task.lon, place=task.place, due_at=due,
                status=FollowUpStatus.DUE if due > ctx.now - datetime.timedelta(days=2)
                else FollowUpStatus.DONE, done_at=None if due > ctx.now else due)
    return encounter


def _met_again(ctx, task: Task, at: datetime.datetime) -> Person | None:
    """Over a winter many are met again where they turned a squad away before (a night's
    leads are made out of order, so only someone first met by this date)."""
    if task.lead.hotspot_id is None or ctx.rng.random() >= MET_AGAIN_SHARE:
        return None
    before = [person for person in ctx.shared.get("refused_at", {}).get(task.lead.hotspot_id, [])
              if person.age_estimated_on <= at.date()]
    return ctx.rng.choice(before) if before else None


def _new_person(ctx, task: Task, at: datetime.datetime) -> Person:
    return Person(self_name=ctx.rng.choice(SELF_NAMES),
                  sex=ctx.rng.choice([Sex.MALE] * 4 + [Sex.FEMALE]),
                  age_estimate=ctx.rng.randint(30, 80), age_estimated_on=at.date(),
                  district=task.district)


def _tonight(ctx, district, squads, hotspots) -> None:
    """A live queue: a few leads, the first already with a squad; at least one waits, so the
    board has someone to send a squad to and a site to ask to look in."""
    leads = max(2, ctx.rng.randint(1, ctx.count(4)))
    for number in range(leads):
        lat, lon, place, spot = _place(ctx, district, hotspots)
        received = ctx.now - datetime.timedelta(minutes=ctx.rng.randint(1, 50))
        lead = _waiting_report(
            ctx, lat=lat, lon=lon, place=place, district=district, hotspot=spot,
            people_count=ctx.rng.randint(1, 2), priority=ctx.rng.randint(0, 8),
            flags=ctx.rng.sample(["lying_down", "underdressed", "elderly"], 1),
            description="路人反映有人在此过夜", received_at=received)
        if number == 0 and squads:
            Task.objects.create(kind=TaskKind.LEAD, lead=lead, squad=squads[0],
                                district=district, lat=lat, lon=lon, place=place,
                                assigned_at=received + datetime.timedelta(minutes=3),
                                reason="演示：距离最近")
            Lead.objects.filter(pk=lead.pk).update(status=LeadStatus.ASSIGNED)


def _asked_to_look_in(ctx) -> None:
    """Each district's first relief point was phoned to look in on the nearest lead of the
    district still waiting for a squad, within the walk the board asks a site for, so its
    operator's page has a request to answer."""
    for point in ctx.shared["relief_points"].values():
        if not point.phone:
            continue
        waiting = (Lead.objects.filter(district_id=point.district_id, status=LeadStatus.TRIAGED,
                                       received_at__range=(ctx.now - LOOKED_IN_WITHIN, ctx.now),
                                       lat__isnull=False)
                   .exclude(tasks__status__in=ACTIVE_TASK_STATUSES))
        near = sorted((haversine_m(lead.lat, lead.lon, point.lat, point.lon), lead.pk, lead)
                      for lead in waiting)
        lead = (near[0][2] if near and near[0][0] <= help_nearby.WITHIN_M
                else _reported_near(ctx, point))
        dispatchers = User.objects.filter(role=Role.DISPATCHER)
        dispatcher = (dispatchers.filter(district_id=point.district_id).first()
                      or dispatchers.filter(district__isnull=True).first())  # the city's
        asked_at = min(ctx.now, lead.received_at + datetime.timedelta(minutes=4))
        LookIn.objects.create(lead=lead, site=point, asked_at=asked_at, asked_by=dispatcher)
        LeadStatusChange.objects.create(
            lead=lead, from_status=lead.status, to_status=lead.status, by=dispatcher,
            at=asked_at, note=f"已请{point.name}（{point.phone}）前往查看")


def _reported_near(ctx, point: Site) -> Lead:
    """A passer-by's report a few hundred metres from the point (in a large district none of
    the night's waiting leads may be within a walk of it)."""
    for _attempt in range(20):  # on land in the point's district, not in the sea
        lat = point.lat + ctx.rng.choice((-1, 1)) * ctx.rng.uniform(0.002, 0.006)
        lon = point.lon + ctx.rng.uniform(-0.006, 0.006)
        found = district_for_point(lat, lon)
        if found is not None and found.pk == point.district_id:
            break
    else:
        lat, lon = point.lat, point.lon
    return _waiting_report(
        ctx, lat=round(lat, 6), lon=round(lon, 6), place=f"{point.name}附近路边",
        district_id=point.district_id, people_count=1, priority=ctx.rng.randint(3, 7),
        flags=["elderly"], description="路人反映有位老人坐在路边",
        received_at=ctx.now - datetime.timedelta(minutes=ctx.rng.randint(10, 40)))


def _waiting_report(ctx, **fields) -> Lead:
    """A passer-by's report from the public page tonight, triaged and waiting for a squad."""
    return Lead.objects.create(tracking_code=new_tracking_code(ctx.rng), source=Source.PUBLIC_WEB,
                               status=LeadStatus.TRIAGED, coord_system="wgs84", **fields)


IN_PROGRESS = {LeadStatus.ASSIGNED: TaskStatus.ASSIGNED, LeadStatus.EN_ROUTE: TaskStatus.ACCEPTED,
               LeadStatus.ON_SCENE: TaskStatus.ARRIVED}


def _tasks_for_leads_in_progress(squads: dict[int, list[Squad]]) -> None:
    """The leads step moves some recent leads to assigned, en route or on scene without a squad
    (it runs before squads exist): give each the live task its status says it has, timed by its
    history, with the least loaded squad of its district."""
    loads = {squad.pk: 0 for district in squads.values() for squad in district}
    for task in Task.objects.filter(status__in=IN_PROGRESS.values()):
        loads[task.squad_id] = loads.get(task.squad_id, 0) + 1
    orphans = (Lead.objects.filter(status__in=IN_PROGRESS, district__isnull=False)
               .exclude(tasks__status__in=IN_PROGRESS.values()).order_by("received_at"))
    for lead in orphans:
        if not squads.get(lead.district_id):
            continue
        squad = min(squads[lead.district_id], key=lambda s: (loads[s.pk], s.name))
        loads[squad.pk] += 1
        moved = dict(lead.history.values_list("to_status", "at"))
        assigned = moved.get(LeadStatus.ASSIGNED, lead.received_at)
        Task.objects.create(
            kind=TaskKind.LEAD, lead=lead, squad=squad, district_id=lead.district_id,
            lat=lead.lat, lon=lead.lon, place=lead.place, status=IN_PROGRESS[lead.status],
            assigned_at=assigned, accepted_at=moved.get(LeadStatus.EN_ROUTE),
            arrived_at=moved.get(LeadStatus.ON_SCENE), reason="演示：辖区负荷最轻")
