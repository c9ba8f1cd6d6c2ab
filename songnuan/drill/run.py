"""Playing a generated night through the real system (演练): reports come in through intake, a
dispatcher works the board, squads accept, drive, arrive and record what they found, and the
clock is moved from event to event.

The dispatcher follows a policy: `plan` sends what tonight's plan on the board says to send now,
and sends free squads to wait where the board says; `plan-stay` is the same, with free squads
left where their last task left them; `fcfs` is a spreadsheet dispatcher: the oldest waiting
lead with a position first, to the nearest squad of its district that has room, each queued
task counted as 20 minutes (as the board did before it planned). The squads play the same way
under all three. Each run is one transaction that is rolled back, so several policies can be
played on the same data.
"""

from __future__ import annotations

import datetime
import heapq
import itertools
import math
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

import time_machine
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from songnuan.drill import foresight
from songnuan.drill.night import Night, Person
from songnuan.leads import services as leads
from songnuan.leads import triage
from songnuan.leads.models import Lead, LeadStatus
from songnuan.network import services as network
from songnuan.network.models import District, Site
from songnuan.outreach import dispatch, help_nearby, planning, squads
from songnuan.outreach.board import board_data
from songnuan.outreach.escalation import thresholds_by_district
from songnuan.outreach.models import (
    ACTIVE_TASK_STATUSES,
    DutyStatus,
    EncounterOutcome,
    LookInAnswer,
    Squad,
    Task,
    TaskStatus,
)
from songnuan.outreach.routing import DEFAULT_SPEED_KMH, road_distance_m
from songnuan.refusals import Refused

TICK = datetime.timedelta(minutes=1)
OLD_LOAD_PENALTY_MIN = 20.0  # the board's flat cost of a queued task before it planned
SEARCH_MIN = 15.0  # finding someone known only by district
FASTEST_DRIVE, SLOWEST_DRIVE = 0.9, 1.25  # a drive takes this times the planned time
ON_SCENE_MIN = (10, 25)  # persuading, checking, handing over supplies
REFUSE_SHARE = 0.4  # of those met and not taken to hospital, who stay out
HOSPITAL_SHARE = 0.5  # of the injured or ill, who go to hospital
FORESIGHT_SEARCH_S = 20.0
# A site asked to look in sends one of its staff on foot, once someone can leave the desk.
LOOK_IN_KMH = 5.0
LOOK_IN_SET_OFF_MIN = 5.0


@dataclass
class Figures:
    """What a night came to under one policy."""

    policy: str
    people: int = 0
    reports: int = 0
    leads: int = 0
    reached: int = 0
    to_assignment_min: list[float] = field(default_factory=list)
    to_scene_min: list[float] = field(default_factory=list)
    high_risk: int = 0
    high_risk_reached: int = 0
    high_risk_to_scene_min: list[float] = field(default_factory=list)
    # High-risk people whose leads told the board so (a sign of danger ticked, described, or
    # seen by another reporter of the same person): the plan weighs only what it is told.
    high_risk_known: int = 0
    merges: int = 0
    wrong_merges: int = 0  # merges of different people still standing at dawn
    split_on_scene: int = 0  # wrong merges a squad on the scene split off
    wasted_trips: int = 0
    mutual_aid: int = 0
    first_overdue_at: datetime.datetime | None = None
    first_capacity_alert_at: datetime.datetime | None = None
    # The first alert about waiting leads the squads on shift cannot reach in time, apart from
    # the alerts about districts no squad can reach, which stand from dusk.
    first_late_alert_at: datetime.datetime | None = None
    squads_missing: dict[str, int] = field(default_factory=dict)
    plan_fell_back: int = 0
    standby_moves: int = 0
    reserves_called: int = 0
    squads_lent: int = 0
    squad_busy_min: float = 0.0
    squad_on_shift_min: float = 0.0
    # The busiest hour's least work (each person reported in it: the drive from the nearest
    # squad's base and the time on the scene) over what the squads on shift have in an hour;
    # above 1, no dispatcher who sends squads from their bases keeps up that hour.
    peak_load: float = 0.0
    peak_hour: datetime.datetime | None = None
    # The most a dispatcher could do whose squads wait at their bases (and the reserves, when
    # the leader may call them): each person met by a squad free at the nearest base the moment
    # they are first reported, on its fastest drive (no queue, no search). A dispatcher who
    # moves squads out to stand by where people will be can do better (see the foresight
    # figures below); one who keeps them at their bases cannot.
    bound_to_scene_min: list[float] = field(default_factory=list)
    bound_never: int = 0
    # What a dispatcher who knew the night in advance could have done with the squads on shift
    # at dusk, on expected times (`foresight`): how many it reaches within 30 and 60 minutes.
    foresight_reached: dict[float, int] = field(default_factory=dict)
    # Per district, minutes from report to the scene of everyone reported there; someone never
    # reached counts as never (infinity), so a district's p90 says how long 90% waited at most.
    by_district: dict[str, list[float]] = field(default_factory=dict)
    # The districts no squad on shift at dusk could reach within the mutual-aid drive (a county
    # with no squad of its own): no dispatching reaches their people in time, only moving or
    # calling squads on does. Their people, and how many of them were never reached.
    beyond_reach: list[str] = field(default_factory=list)
    beyond_reach_people: int = 0
    beyond_reach_never: int = 0
    # People never reached with an open site within 5 km when first reported.
    never_near_open_site: int = 0
    # With sites asked to look in (`ask_sites`): requests made, people a site's staff met
    # before any squad, and of them those brought in; minutes from report to the first help
    # on the scene, a squad or a site's staff, for everyone helped.
    look_ins: int = 0
    met_by_site: int = 0
    brought_in_by_site: int = 0
    to_help_min: list[float] = field(default_factory=list)
    high_risk_helped: int = 0

    @property
    def never_reached_share(self) -> float:
        return 1 - self.reached / self.people if self.people else 0.0

    def within(self, minutes: float, to_scene: list[float] | None = None) -> float:
        """The share of all the people reported who had a squad on the scene within `minutes`."""
        to_scene = self.to_scene_min if to_scene is None else to_scene
        quick = sum(1 for value in to_scene if value <= minutes)
        return quick / self.people if self.people else 0.0

    def high_risk_within(self, minutes: float) -> float | None:
        """The share of the high-risk people who had a squad on the scene within `minutes`."""
        if not self.high_risk:
            return None
        return sum(1 for value in self.high_risk_to_scene_min if value <= minutes) / self.high_risk

    def _share(self, count: int | None) -> float | None:
        return None if count is None or not self.people else count / self.people

    def percentile(self, values: list[float], share: float) -> float | None:
        if not values:
            return None
        ordered = sorted(values)
        return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]

    def summary(self) -> dict:
        high = self.high_risk_reached / self.high_risk if self.high_risk else None
        return {
            "policy": self.policy, "people": self.people, "reports": self.reports,
            "leads": self.leads,
            "assign_p50": self.percentile(self.to_assignment_min, 0.5),
            "assign_p90": self.percentile(self.to_assignment_min, 0.9),
            "scene_p50": self.percentile(self.to_scene_min, 0.5),
            "scene_p90": self.percentile(self.to_scene_min, 0.9),
            "never_reached": self.never_reached_share,
            "high_risk_never_reached": None if high is None else 1 - high,
            "others_never_reached": (
                1 - (self.reached - self.high_risk_reached) / (self.people - self.high_risk)
                if self.people > self.high_risk else None),
            "high_risk_known": self.high_risk_known / self.high_risk if self.high_risk else None,
            "high_risk_scene_p50": self.percentile(self.high_risk_to_scene_min, 0.5),
            "high_risk_within_30": self.high_risk_within(30),
            "high_risk_within_60": self.high_risk_within(60),
            "merges": self.merges, "wrong_merges": self.wrong_merges,
            "split_on_scene": self.split_on_scene,
            "wasted_trips": self.wasted_trips, "mutual_aid": self.mutual_aid,
            "first_overdue_at": self.first_overdue_at,
            "first_capacity_alert_at": self.first_capacity_alert_at,
            "first_late_alert_at": self.first_late_alert_at,
            "squads_missing": dict(self.squads_missing),
            "plan_fell_back": self.plan_fell_back,
            "reserves_called": self.reserves_called, "standby_moves": self.standby_moves,
            "squads_lent": self.squads_lent,
            "squads_busy": (self.squad_busy_min / self.squad_on_shift_min
                            if self.squad_on_shift_min else None),
            "peak_load": round(self.peak_load, 2), "peak_hour": self.peak_hour,
            "within_30": self.within(30), "within_60": self.within(60),
            "bound_within_30": self.within(30, self.bound_to_scene_min),
            "bound_within_60": self.within(60, self.bound_to_scene_min),
            "bound_never_reached": (self.bound_never / self.people if self.people else None),
            "foresight_within_30": self._share(self.foresight_reached.get(30)),
            "foresight_within_60": self._share(self.foresight_reached.get(60)),
            "district_scene_p90": {name: _finite(self.percentile(values, 0.9))
                                   for name, values in sorted(self.by_district.items())},
            "beyond_reach": list(self.beyond_reach),
            "beyond_reach_never": [self.beyond_reach_never, self.beyond_reach_people],
            "never_near_open_site": [self.never_near_open_site, self.people - self.reached],
            "look_ins": self.look_ins, "met_by_site": self.met_by_site,
            "brought_in_by_site": self.brought_in_by_site,
            "help_p50": self.percentile(self.to_help_min, 0.5),
            "help_p90": self.percentile(self.to_help_min, 0.9),
            "never_helped": (1 - len(self.to_help_min) / self.people if self.people else 0.0),
            "high_risk_never_helped": (1 - self.high_risk_helped / self.high_risk
                                       if self.high_risk else None),
            "within_reach_never_reached": (
                (self.people - self.reached - self.beyond_reach_never)
                / (self.people - self.beyond_reach_people)
                if self.people > self.beyond_reach_people else None),
            "district_never_reached": {
                name: [sum(1 for value in values if math.isinf(value)), len(values)]
                for name, values in sorted(self.by_district.items())},
        }


@dataclass
class SquadPlay:
    """A squad as the drill plays it: what it is doing and until when."""

    squad: Squad
    lat: float
    lon: float
    busy_until: datetime.datetime | None = None
    busy_since: datetime.datetime | None = None
    task_id: int | None = None
    leg: tuple[datetime.datetime, float, float, float, float] | None = None  # drive in progress


class Drill:
    def __init__(self, night: Night, *, policy: str, dispatcher, seed: int = 1,
                 call_reserves: bool = False, foresight_s: float | None = None,
                 ask_sites: bool = False, lend: bool = False) -> None:
        """`foresight_s`: the search time for what foresight could do (None: not asked).
        `ask_sites`: the dispatcher asks the nearest open site the board names to look in on
        someone no squad can reach in time, and the site's staff go. `lend`: the leader on duty
        sends the squad the board names to wait, for the night, in a district no squad can
        reach."""
        self.night, self.policy, self.dispatcher = night, policy, dispatcher
        self.call_reserves, self.foresight_s, self.lend = call_reserves, foresight_s, lend
        self.ask_sites = ask_sites
        self.site_free_at: dict[int, datetime.datetime] = {}  # site → its staff back
        self.met_by_site: dict[int, datetime.datetime] = {}  # person → a site's staff there
        self.rng = random.Random(seed)
        self.people = {person.key: person for person in night.people}
        self.figures = Figures(policy, people=len(night.people))
        self.lead_person: dict[int, int] = {}  # lead → the person its report is about
        self.assigned: dict[int, datetime.datetime] = {}  # person → first squad sent
        self.on_scene: dict[int, datetime.datetime] = {}  # person → first squad there
        self.first_report: dict[int, datetime.datetime] = {}
        self.taken_away: set[int] = set()  # people a squad took to a site or a hospital
        self.events: list = []
        self.sequence = itertools.count()
        self.squads: dict[int, SquadPlay] = {}
        self.districts = {d.pk: d for d in District.objects.all()}
        self.beyond: set[int] = set()  # districts beyond every squad's reach at dusk

    # ------------------------------------------------------------------ the event loop

    def play(self) -> Figures:
        with _clock(self.night.start) as clock, transaction.atomic():
            for squad in Squad.objects.filter(is_active=True, duty_status=DutyStatus.ON_DUTY):
                lat, lon = squad.position()
                self.squads[squad.pk] = SquadPlay(squad, lat, lon)
                self.figures.squad_on_shift_min += _minutes(self.night.end - self.night.start)
            self._note_peak_load()
            self._note_beyond_reach()
            self._note_bound()
            self._note_foresight()
            for report in self.night.reports:
                self._at(report.at, self._report, report)
            tick = self.night.start
            while tick <= self.night.end:
                self._at(tick, self._minute)
                tick += TICK
            while self.events:
                at, _n, action, argument = heapq.heappop(self.events)
                if at > self.night.end:
                    break
                clock.move_to(at)
                action(at, argument)
            for play in self.squads.values():  # still on the way when the night ended
                self._busy(play, self.night.end)
            self._count_merges()
            self._count_known_danger()
            self._count_help_near()
            transaction.set_rollback(True)
        return self.figures

    def _note_peak_load(self) -> None:
        if not self.squads:
            return
        work: dict[datetime.datetime, float] = {}
        on_scene = settings.DISPATCH_ON_SCENE_MIN
        for key, at in self._first_reports().items():
            person = self.people[key]
            drive = min(road_distance_m(play.squad.base_lat, play.squad.base_lon, person.lat,
                                        person.lon) for play in self.squads.values())
            hour = timezone.localtime(at).replace(minute=0, second=0, microsecond=0)
            work[hour] = work.get(hour, 0.0) + _drive_min(drive) + on_scene
        hour, minutes = max(work.items(), key=lambda item: item[1])
        self.figures.peak_load = minutes / (60 * len(self.squads))
        self.figures.peak_hour = hour

    def _note_beyond_reach(self) -> None:
        centres = {pk: (d.centre_lat, d.centre_lon) for pk, d in self.districts.items()}
        homes = [planning.SquadState(play.squad.pk, "", play.squad.district_id, 0.0,
                                     *centres[play.squad.district_id], load=0, capacity=1)
                 for play in self.squads.values()]
        self.beyond = {short.district_id for short in planning.uncovered(
            set(centres), homes, centres)}
        self.figures.beyond_reach = sorted(self.districts[pk].name for pk in self.beyond)

    def _first_reports(self) -> dict[int, datetime.datetime]:
        """Each person's first report in the generated night."""
        first: dict[int, datetime.datetime] = {}
        for report in self.night.reports:
            first.setdefault(report.person, report.at)
        return first

    def _note_bound(self) -> None:
        if not self.squads:
            return
        bases = [(play.squad.base_lat, play.squad.base_lon, self.night.start)
                 for play in self.squads.values()]
        if self.call_reserves:  # a reserve called at dusk is out once its crew has gathered
            ready = self.night.start + squads.call_out_time()
            bases += [(squad.base_lat, squad.base_lon, ready) for squad in Squad.objects.filter(
                is_active=True, duty_status=DutyStatus.RESERVE)]
        for key, at in self._first_reports().items():
            person = self.people[key]
            there = min(max(at, ready_at) + datetime.timedelta(minutes=_drive_min(
                road_distance_m(lat, lon, person.lat, person.lon)) * FASTEST_DRIVE)
                for lat, lon, ready_at in bases)
            if there < min(person.leaves_at, self.night.end):
                self.figures.bound_to_scene_min.append(_minutes(there - at))
            else:
                self.figures.bound_never += 1

    def _note_foresight(self) -> None:
        if self.foresight_s is None or not self.squads:
            return
        dusk = self.night.start
        people = tuple(foresight.Someone(
            key, self.people[key].lat, self.people[key].lon,
            round((at - dusk).total_seconds()),
            round((min(self.people[key].leaves_at, self.night.end) - dusk).total_seconds()),
            round(self._expected_service_min(self.people[key]) * 60))
            for key, at in sorted(self._first_reports().items()))
        bases = tuple((play.squad.base_lat, play.squad.base_lon)
                      for play in sorted(self.squads.values(), key=lambda play: play.squad.pk))
        speed = DEFAULT_SPEED_KMH / ((FASTEST_DRIVE + SLOWEST_DRIVE) / 2)
        self.figures.foresight_reached = foresight.reached_within(
            people, bases, (30, 60), speed_kmh=speed, time_limit_s=self.foresight_s)

    def _expected_service_min(self, person: Person) -> float:
        """The minutes a squad is held by `person` on average: on the scene, then the drive to
        the nearest open site and the hand-over, or the hospital (see `_outcome`)."""
        near = [n for n in network.nearest(person.lat, person.lon, open_only=True, limit=5)
                if n.site.beds]
        escort = (_drive_min(road_distance_m(person.lat, person.lon, near[0].site.lat,
                                             near[0].site.lon)) + settings.DISPATCH_HANDOVER_MIN
                  if near else 0.0)
        hospital = HOSPITAL_SHARE if "injured_ill" in person.flags else 0.0
        return (sum(ON_SCENE_MIN) / 2 + hospital * settings.DISPATCH_HOSPITAL_MIN
                + (1 - hospital) * (1 - REFUSE_SHARE) * escort)

    def _at(self, at: datetime.datetime, action: Callable, argument=None) -> None:
        heapq.heappush(self.events, (at, next(self.sequence), action, argument))

    # ------------------------------------------------------------------ reports

    def _report(self, at: datetime.datetime, report) -> None:
        if report.person in self.taken_away:
            return  # passers-by report whom they see: nobody sees someone already taken in
        data = leads.LeadInput(
            source=report.source, lat=report.lat, lon=report.lon, place=report.place,
            description=report.description, people_count=report.people_count,
            flags=report.flags, reporter_phone=report.phone,
            received_by=self.dispatcher if report.source == "hotline" else None,
            district_id=report.district_id,
            ip=None if report.source == "hotline" else f"10.{report.person % 250}.0.1")
        try:
            lead, _created = leads.submit_lead(data, now=at)
        except Refused:
            return
        self.lead_person[lead.pk] = report.person
        self.first_report.setdefault(report.person, at)
        self.figures.reports += 1

    # ------------------------------------------------------------------ each minute

    def _minute(self, at: datetime.datetime, _argument) -> None:
        for play in self.squads.values():
            self._drive_on(play, at)
            if play.task_id is None and (play.busy_until is None or play.busy_until <= at):
                self._next_task(play, at)
                self._go_and_wait(play, at)
        if self.policy in ("plan", "plan-stay"):
            self._follow_the_board(at)
        else:
            self._first_come_first_served(at)
        self._note_overdue(at)

    def _follow_the_board(self, at: datetime.datetime) -> None:
        # With nobody waiting, the dispatcher looks at the board every five minutes (for where
        # free squads should wait, and the alerts); the leader on duty who may call reserves on
        # reads the alerts every minute.
        if not self.call_reserves and not _waiting().exists() and at.minute % 5:
            return
        data = board_data(self.dispatcher, at)
        self.figures.plan_fell_back += data["plan"]["fell_back"]
        if data["capacity_alerts"] and self.figures.first_capacity_alert_at is None:
            self.figures.first_capacity_alert_at = at
        if self.figures.first_late_alert_at is None and any(
                alert["waiting"] for alert in data["capacity_alerts"]):
            self.figures.first_late_alert_at = at
        lent = set()
        for alert in data["capacity_alerts"]:
            name = alert["district"]
            self.figures.squads_missing[name] = max(self.figures.squads_missing.get(name, 0),
                                                    alert["squads_missing"])
            if self.call_reserves and alert["reserves"] and alert["still_missing"]:
                self._call_on(alert["reserves"][0]["id"])
            if self.lend and alert["nearest"] and alert["nearest"]["may_send"]:
                lent.add(self._lend(alert["nearest"]))
        for move in data["standby"] if self.policy == "plan" else []:
            if move["squad_id"] not in lent:  # the board read before the leader sent it
                self._send_to_wait(move)
        for item in data["leads"]:
            if self.ask_sites and item["help_nearby"] and not any(
                    site["asked_at"] for site in item["help_nearby"]):
                # The nearest, unless the other has fewer people to look in on already.
                site = min(item["help_nearby"], key=lambda site: site["unanswered"])
                self._ask_to_look_in(item["id"], site["site_id"], at)
            if item["task"] or not item["assign_now"] or not item["suggestion"]:
                continue
            option = item["suggestion"]
            self._assign(item["id"], option["squad_id"], option["reason"], option["eta_min"], at)

    def _send_to_wait(self, move: dict) -> None:
        """The dispatcher tells a free squad where to wait, as the board suggests."""
        play = self.squads.get(move["squad_id"])
        if play is None:
            return
        try:
            squads.send_to_standby(play.squad, move["lat"], move["lon"], move["place"],
                                   by=self.dispatcher)
        except Refused:
            return
        self.figures.standby_moves += 1

    def _go_and_wait(self, play: SquadPlay, at: datetime.datetime) -> None:
        """A squad with nothing to do drives to where it was told to wait."""
        if play.task_id is not None:
            return
        point = Squad.objects.get(pk=play.squad.pk).standby
        if point is None or (play.lat, play.lon) == point:
            return
        if play.leg is None or play.leg[3:] != point:
            play.leg = (at, play.lat, play.lon, *point)

    def _lend(self, nearest: dict) -> int | None:
        """The leader on duty sends the squad the alert names to wait there for the night."""
        try:
            squads.send_to_standby(Squad(pk=nearest["id"]), nearest["wait_lat"],
                                   nearest["wait_lon"], nearest["wait_place"],
                                   by=self.dispatcher, for_the_night=True)
        except Refused:
            return None
        self.figures.squads_lent += 1
        return nearest["id"]

    def _call_on(self, squad_id: int) -> None:
        """The leader on duty answers the capacity alert with a reserve squad."""
        squad = squads.call_on_reserve(Squad(pk=squad_id), by=self.dispatcher)
        lat, lon = squad.position()
        self.squads[squad.pk] = SquadPlay(squad, lat, lon)
        self.figures.reserves_called += 1
        self.figures.squad_on_shift_min += _minutes(self.night.end - timezone.now())

    # ------------------------------------------------------------------ sites looking in

    def _ask_to_look_in(self, lead_id: int, site_id: int, at: datetime.datetime) -> None:
        """The dispatcher phones the nearest open site the board names; one of its staff sets
        off on foot once the last one sent is back."""
        site = Site.objects.get(pk=site_id)
        try:
            asked = help_nearby.ask_to_look_in(Lead(pk=lead_id), site, by=self.dispatcher)
        except Refused:
            return
        self.figures.look_ins += 1
        person = self.people.get(self.lead_person.get(lead_id, -1))
        target = (person.lat, person.lon) if person is not None else (site.lat, site.lon)
        walk = datetime.timedelta(minutes=_walk_min(site, *target))
        there = max(at + datetime.timedelta(minutes=LOOK_IN_SET_OFF_MIN),
                    self.site_free_at.get(site_id, at)) + walk
        self.site_free_at[site_id] = there + datetime.timedelta(
            minutes=sum(ON_SCENE_MIN) / 2) + walk
        self._at(there, self._look_in, (asked, person))

    def _look_in(self, at: datetime.datetime, argument) -> None:
        """The site's staff are at the place: they meet the person if they are still there,
        bring them in unless they refuse, and answer the dispatcher."""
        asked, person = argument
        lead_id = Lead.objects.get(pk=asked.lead_id).incident.pk  # merged since, perhaps
        if Task.objects.filter(lead_id=lead_id, status=TaskStatus.ARRIVED).exists():
            return  # a squad is with them: the staff leave it to the squad
        present = (person is not None and person.leaves_at > at
                   and person.key not in self.taken_away)
        if not present:
            help_nearby.answer_look_in(asked, LookInAnswer.NOT_THERE, by=self.dispatcher)
            return
        self.met_by_site.setdefault(person.key, at)
        if self.rng.random() < REFUSE_SHARE:
            help_nearby.answer_look_in(asked, LookInAnswer.STAYS_OUT, by=self.dispatcher)
            return
        on_their_way = list(Task.objects.filter(lead_id=lead_id, status__in=ACTIVE_TASK_STATUSES)
                            .values_list("pk", flat=True))
        help_nearby.answer_look_in(asked, LookInAnswer.BROUGHT_IN, by=self.dispatcher)
        for task_id in on_their_way:  # the lead is resolved: the squad is called back
            self._called_back(task_id, at)
        self.taken_away.add(person.key)
        self.figures.brought_in_by_site += 1

    def _first_come_first_served(self, at: datetime.datetime) -> None:
        waiting = _waiting().filter(lat__isnull=False).order_by("received_at", "id")
        on_shift = dispatch.squads_on_shift(
            [play.squad for play in self.squads.values()], at)
        loads = dispatch.squad_loads(on_shift)
        for lead in waiting:
            best = None
            for pk in on_shift:
                play = self.squads[pk]
                load = loads.get(pk, 0)
                if play.squad.district_id != lead.district_id or load >= play.squad.capacity:
                    continue
                minutes = (_drive_min(road_distance_m(lead.lat, lead.lon, play.lat, play.lon))
                           + OLD_LOAD_PENALTY_MIN * load)
                if best is None or minutes < best[0]:
                    best = (minutes, pk)
            if best is not None and self._assign(lead.pk, best[1], "", round(best[0]), at):
                loads[best[1]] = loads.get(best[1], 0) + 1

    def _assign(self, lead_id: int, squad_id: int, reason: str, eta_min: int | None,
                at: datetime.datetime) -> bool:
        try:
            task = dispatch.assign_lead(Lead(pk=lead_id), self.squads[squad_id].squad,
                                        by=self.dispatcher, reason=reason, eta_min=eta_min)
        except Refused:
            return False
        self.figures.mutual_aid += task.is_mutual_aid
        for person in self._people_of(lead_id):
            self.assigned.setdefault(person, at)
        return True

    def _note_overdue(self, at: datetime.datetime) -> None:
        """The first moment a lead still without a squad is past the time by which a squad
        should have been on the scene: the night's first shortfall."""
        if self.figures.first_overdue_at is not None:
            return
        limits = thresholds_by_district(self.districts, at)
        soonest = min(limit.assign_within + limit.arrive_within for limit in limits.values())
        if Lead.objects.open().filter(status=LeadStatus.TRIAGED,
                                      received_at__lte=at - soonest).exists():
            self.figures.first_overdue_at = at

    # ------------------------------------------------------------------ the squads

    def _next_task(self, play: SquadPlay, at: datetime.datetime) -> None:
        task = (Task.objects.filter(squad=play.squad, status__in=ACTIVE_TASK_STATUSES)
                .select_related("lead").order_by("assigned_at", "id").first())
        if task is None:
            play.busy_until, play.task_id = None, None
            return
        dispatch.accept(task, by=None)
        person = self.people.get(self.lead_person.get(task.lead_id, -1))
        target = ((person.lat, person.lon) if person is not None
                  else (task.lat, task.lon) if task.lat is not None
                  else (self.districts[task.district_id].centre_lat,
                        self.districts[task.district_id].centre_lon))
        drive_min = (_drive_min(road_distance_m(play.lat, play.lon, *target))
                     * self.rng.uniform(FASTEST_DRIVE, SLOWEST_DRIVE))
        if task.lat is None:
            drive_min += SEARCH_MIN
        arrive = at + datetime.timedelta(minutes=drive_min)
        play.leg = (at, play.lat, play.lon, *target)
        play.task_id, play.busy_since = task.pk, at
        self._at(arrive, self._arrive, (play, task.pk, target))

    def _drive_on(self, play: SquadPlay, at: datetime.datetime) -> None:
        """The squad's phone sends its position on the way."""
        if play.leg is None:
            return
        started, lat0, lon0, lat1, lon1 = play.leg
        total = road_distance_m(lat0, lon0, lat1, lon1) / (DEFAULT_SPEED_KMH / 3.6)
        share = min(1.0, (at - started).total_seconds() / total) if total else 1.0
        play.lat, play.lon = lat0 + (lat1 - lat0) * share, lon0 + (lon1 - lon0) * share
        dispatch.report_position(play.squad, play.lat, play.lon)

    def _arrive(self, at: datetime.datetime, argument) -> None:
        play, task_id, target = argument
        if play.task_id != task_id:  # called back on the way
            return
        play.leg, (play.lat, play.lon) = None, target
        dispatch.report_position(play.squad, *target)
        task = Task.objects.select_related("lead").get(pk=task_id)
        if task.status not in ACTIVE_TASK_STATUSES:
            play.busy_until, play.task_id = at, None
            self._busy(play, at)
            return
        if task.lat is None:
            dispatch.set_task_place(task, *target, by=None)
            task.refresh_from_db()
        task = dispatch.arrive(task, by=None)
        self._same_person_nearby(task, at)
        self._someone_else_merged(task)
        # Someone another squad took to a site or a hospital is not there any more.
        present = [key for key in self._people_of(task.lead_id)
                   if self.people[key].leaves_at > at and key not in self.taken_away]
        wasted = all(key in self.on_scene for key in self._people_of(task.lead_id))
        self.figures.wasted_trips += wasted and bool(self._people_of(task.lead_id))
        for key in present:
            self.on_scene.setdefault(key, at)
        minutes = self.rng.uniform(*ON_SCENE_MIN)
        self._at(at + datetime.timedelta(minutes=minutes), self._close,
                 (play, task_id, present[0] if present else None))

    def _same_person_nearby(self, task: Task, at: datetime.datetime) -> None:
        """On the scene the squad sees that a lead its phone shows nearby is about the person in
        front of them, and says so: the lead is merged into theirs, and a squad already on its
        way there is called back, so a missed merge costs no second trip."""
        person = self.lead_person.get(task.lead_id)
        for other in leads.nearby_leads([task.lead_id]).get(task.lead_id, []):
            if self.lead_person.get(other) != person:
                continue
            on_its_way = list(Task.objects.filter(lead_id=other, status__in=ACTIVE_TASK_STATUSES)
                              .values_list("pk", flat=True))
            with suppress(Refused):  # that squad is there too by now
                dispatch.same_people(task, Lead(pk=other), by=None)
                for task_id in on_its_way:
                    self._called_back(task_id, at)

    def _someone_else_merged(self, task: Task) -> None:
        """On the scene the squad reads the reports merged into its lead and splits off those
        that describe someone other than the person in front of it."""
        person = self.lead_person.get(task.lead_id)
        for report in Lead.objects.filter(duplicate_of_id=task.lead_id,
                                          status=LeadStatus.DUPLICATE):
            if self.lead_person.get(report.pk) not in (None, person):
                with suppress(Refused):
                    dispatch.someone_else(task, report, by=None)
                    self.figures.split_on_scene += 1

    def _called_back(self, task_id: int, at: datetime.datetime) -> None:
        """The squad on its way to a cancelled task stops where it is and is free again."""
        for play in self.squads.values():
            if play.task_id == task_id:
                play.leg, play.task_id, play.busy_until = None, None, at
                self._busy(play, at)

    def _close(self, at: datetime.datetime, argument) -> None:
        play, task_id, person_key = argument
        if play.task_id != task_id:  # called back on the scene
            return
        task = Task.objects.select_related("lead").get(pk=task_id)
        person = self.people.get(person_key) if person_key else None
        outcome, site = self._outcome(task, person)
        met = [dispatch.PersonMet(sex=person.sex, age_estimate=_age(person))] if person else []
        try:
            dispatch.record_encounter(task, dispatch.EncounterInput(
                client_request_id=f"drill-{task_id}", outcome=outcome, people=met,
                site_id=site.pk if site else None), by=None)
        except Refused:
            # The site filled up on the way: they stay out, with supplies, and are revisited.
            outcome, site = EncounterOutcome.REFUSED, None
            dispatch.record_encounter(task, dispatch.EncounterInput(
                client_request_id=f"drill-{task_id}", outcome=outcome, people=met), by=None)
        if person is not None and outcome in (EncounterOutcome.ESCORTED,
                                              EncounterOutcome.HOSPITAL):
            self.taken_away.add(person.key)
        extra = 0.0
        if site is not None:
            extra = (_drive_min(road_distance_m(task.lat, task.lon, site.lat, site.lon))
                     + settings.DISPATCH_HANDOVER_MIN)
            play.lat, play.lon = site.lat, site.lon
        elif outcome == EncounterOutcome.HOSPITAL:
            extra = settings.DISPATCH_HOSPITAL_MIN
        play.busy_until = at + datetime.timedelta(minutes=extra)
        play.task_id = None
        self._busy(play, play.busy_until)

    def _busy(self, play: SquadPlay, until: datetime.datetime) -> None:
        """Count the squad's time from accepting a task until it is free again."""
        until = min(until, self.night.end)
        if play.busy_since is not None and until > play.busy_since:
            self.figures.squad_busy_min += _minutes(until - play.busy_since)
        play.busy_since = None

    def _outcome(self, task: Task, person: Person | None):
        if person is None:
            return EncounterOutcome.NOT_FOUND, None
        if "injured_ill" in person.flags and self.rng.random() < HOSPITAL_SHARE:
            return EncounterOutcome.HOSPITAL, None
        if self.rng.random() < REFUSE_SHARE:
            return EncounterOutcome.REFUSED, None
        for near in network.nearest(task.lat, task.lon, open_only=True, limit=5):
            if near.site.beds and network.shown_status(
                    near.site, network.loads([near.site])[near.site.pk]) != "full":
                return EncounterOutcome.ESCORTED, near.site
        return EncounterOutcome.REFUSED, None

    # ------------------------------------------------------------------ figures

    def _people_of(self, lead_id: int) -> list[int]:
        person = self.lead_person.get(lead_id)
        return [person] if person is not None else []

    def _count_merges(self) -> None:
        figures = self.figures
        figures.leads = Lead.objects.exclude(status=LeadStatus.DUPLICATE).filter(
            pk__in=self.lead_person).count()
        for lead_id, root_id in Lead.objects.filter(
                pk__in=self.lead_person, duplicate_of__isnull=False).values_list(
                "pk", "duplicate_of_id"):
            figures.merges += 1
            if root_id in self.lead_person and \
                    self.lead_person[root_id] != self.lead_person[lead_id]:
                figures.wrong_merges += 1
        for key, person in self.people.items():
            reported = self.first_report.get(key)
            if reported is None:
                figures.people -= 1
                continue
            high = person.is_high_risk
            figures.high_risk += high
            if person.district_id in self.beyond:
                figures.beyond_reach_people += 1
                figures.beyond_reach_never += key not in self.on_scene
            district = self.districts[person.district_id].name
            waited = (_minutes(self.on_scene[key] - reported) if key in self.on_scene
                      else math.inf)
            figures.by_district.setdefault(district, []).append(waited)
            helped = [at for at in (self.on_scene.get(key), self.met_by_site.get(key)) if at]
            if helped:
                figures.to_help_min.append(_minutes(min(helped) - reported))
                figures.high_risk_helped += high
            if key in self.met_by_site and self.met_by_site[key] < self.on_scene.get(
                    key, self.night.end):
                figures.met_by_site += 1
            if key in self.assigned:
                figures.to_assignment_min.append(_minutes(self.assigned[key] - reported))
            if key in self.on_scene:
                minutes = _minutes(self.on_scene[key] - reported)
                figures.reached += 1
                figures.to_scene_min.append(minutes)
                if high:
                    figures.high_risk_reached += 1
                    figures.high_risk_to_scene_min.append(minutes)


    def _count_known_danger(self) -> None:
        """Of the high-risk people, those the board was told were in danger: a lead of theirs,
        or the incident it was merged into, with a sign of danger by the end of the night."""
        flags = dict(Lead.objects.filter(pk__in=self.lead_person).values_list("pk", "flags"))
        roots = dict(Lead.objects.filter(pk__in=self.lead_person, duplicate_of__isnull=False)
                     .values_list("pk", "duplicate_of__flags"))
        known = {person for lead_id, person in self.lead_person.items()
                 if triage.in_danger(flags.get(lead_id, [])) or
                 triage.in_danger(roots.get(lead_id) or [])}
        self.figures.high_risk_known = sum(
            1 for key, person in self.people.items()
            if key in self.first_report and person.is_high_risk and key in known)

    def _count_help_near(self) -> None:
        """Of the people never reached, those with a site open within reach on foot when first
        reported: the board named it to ask to look in. Not counted as reached: whether the
        site's staff could go is the bureau's to arrange, not the drill's to assume."""
        for key, reported in self.first_report.items():
            if key in self.on_scene:
                continue
            person = self.people[key]
            near = help_nearby.nearest_open_sites({key: (person.lat, person.lon)}, reported)
            self.figures.never_near_open_site += bool(near[key])


def _waiting():
    """Open leads no squad has been sent to."""
    return (Lead.objects.open().exclude(status=LeadStatus.DUPLICATE)
            .exclude(tasks__status__in=ACTIVE_TASK_STATUSES))


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isinf(value) else value


def _walk_min(site: Site, lat: float, lon: float) -> float:
    return road_distance_m(site.lat, site.lon, lat, lon) / 1000 / LOOK_IN_KMH * 60


def _drive_min(metres: float) -> float:
    """Minutes a squad takes to drive `metres` of road at the planned speed."""
    return metres / 1000 / DEFAULT_SPEED_KMH * 60


def _minutes(delta: datetime.timedelta) -> float:
    return round(delta.total_seconds() / 60, 1)


def _age(person: Person) -> int:
    return {"elderly": 70, "middle": 48, "young": 25, "child": 10}[person.age]


@contextmanager
def _clock(start: datetime.datetime) -> Iterator[time_machine.Coordinates]:
    """The drill's clock: every `timezone.now()` in the system reads the night's time."""
    with time_machine.travel(start, tick=False) as clock:
        yield clock

