"""A small night played through the real services, and what it counts."""

from __future__ import annotations

import datetime

import pytest
import time_machine

from songnuan.drill import setup
from songnuan.drill.night import generate
from songnuan.drill.run import Drill, Figures, SquadPlay
from songnuan.leads import services as leads
from songnuan.leads.models import Lead, LeadStatus
from songnuan.outreach import dispatch, help_nearby
from songnuan.outreach.models import Encounter, EncounterOutcome, LookIn, Squad, Task
from tests.factories import SHINAN, district, make_site
from tests.leads.factories import make_hotspot, report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _quick_plans(settings):
    settings.DISPATCH_PLAN_TIME_LIMIT_S = 0.01

START = datetime.datetime(2027, 1, 15, 18, 0, tzinfo=datetime.UTC)
LAIXI = "370285"


def _night(reports: int = 16, hours: float = 2):
    """A night in 市南区 and 市北区 only: people at 青岛站 and at 台东, or scattered in the two."""
    make_hotspot("青岛站东广场地下通道", 36.0652, 120.3143)
    make_hotspot("台东步行街东口地下通道", 36.0835, 120.3560)  # 市北区
    hotspots, districts = setup.hotspots_and_districts()
    districts = [d for d in districts if d.name in ("市南区", "市北区")]
    return generate(hotspots=hotspots, districts=districts, start=START, hours=hours,
                    reports=reports, seed=3, district_of=setup.district_of)


def _play(generated, policy: str, foresight_s: float | None = None,
          ask_sites: bool = False, lend: bool = False) -> dict:
    end = START + datetime.timedelta(hours=2)
    dispatcher = setup.prepare(START, end, squads_per_district={district(SHINAN).pk: 2}, seed=1)
    return Drill(generated, policy=policy, dispatcher=dispatcher, foresight_s=foresight_s,
                 ask_sites=ask_sites, lend=lend).play().summary()


def _with_one_squad(generated) -> Drill:
    """The night under the plan with one squad in 市南区 on shift for two hours."""
    dispatcher = setup.prepare(START, START + datetime.timedelta(hours=2),
                               squads_per_district={district(SHINAN).pk: 1}, seed=1)
    return Drill(generated, policy="plan", dispatcher=dispatcher)


def test_a_night_is_played_through_intake_dispatch_and_encounters_and_leaves_nothing(cast):
    generated = _night()
    figures = _play(generated, "plan")
    assert 1 <= figures["reports"] <= 16 and figures["leads"] >= 1
    assert 0 <= figures["never_reached"] < 1
    assert figures["scene_p50"] is not None and figures["scene_p50"] >= 0
    assert figures["assign_p50"] is not None
    # Two squads: the busiest hour's least work is measured against their two squad-hours.
    assert figures["peak_load"] > 0
    assert START <= figures["peak_hour"] < START + datetime.timedelta(hours=2)
    # The plan sends squads from where they are and does not station them ahead of anyone: it
    # does not beat a squad free at the nearest base the moment of the first report.
    assert figures["bound_never_reached"] <= figures["never_reached"]
    assert figures["bound_within_30"] >= figures["within_30"]
    assert figures["bound_within_60"] >= figures["within_60"]
    assert figures["foresight_within_30"] is None  # not asked
    assert 0 < figures["high_risk_known"] <= 1  # the reporters ticked or described some signs
    # The night is rolled back: the copy of the data is as it was before it.
    assert not Lead.objects.exists() and not Task.objects.exists()


def test_the_high_risk_share_reached_in_time_counts_those_never_reached_as_late():
    figures = Figures("plan", people=10, high_risk=4, high_risk_to_scene_min=[12.0, 45.0, 70.0])
    assert (figures.high_risk_within(30), figures.high_risk_within(60)) == (0.25, 0.5)
    assert Figures("plan").high_risk_within(60) is None


def test_the_high_risk_are_set_beside_the_others_and_beside_what_the_board_knew():
    figures = Figures("plan", people=10, reached=6, high_risk=4, high_risk_reached=3,
                      high_risk_known=2).summary()
    assert figures["high_risk_never_reached"] == 0.25
    assert figures["others_never_reached"] == 0.5  # 3 of the 6 others reached
    assert figures["high_risk_known"] == 0.5
    nobody_else = Figures("plan", people=2, reached=1, high_risk=2, high_risk_reached=1)
    assert nobody_else.summary()["others_never_reached"] is None


def test_the_drill_says_what_a_dispatcher_knowing_the_night_in_advance_could_do(cast):
    figures = _play(_night(), "fcfs", foresight_s=0)
    assert 0 < figures["foresight_within_30"] <= figures["foresight_within_60"] <= 1


def test_under_the_plan_free_squads_go_and_wait_where_the_board_says(cast):
    generated = _night()
    moved = _play(generated, "plan")
    assert moved["standby_moves"] >= 1
    assert _play(generated, "plan-stay")["standby_moves"] == 0
    assert not Squad.objects.exclude(standby_lat=None).exists()  # rolled back


def test_nobody_reports_someone_a_squad_already_took_in(cast):
    generated = _night()
    drill = _with_one_squad(generated)
    report = generated.reports[0]
    drill.taken_away.add(report.person)
    drill._report(report.at, report)
    assert drill.figures.reports == 0 and not Lead.objects.exists()
    drill.taken_away.clear()
    drill._report(report.at, report)
    assert drill.figures.reports == 1 and Lead.objects.count() == 1


def test_the_plan_crosses_district_borders_where_first_come_first_served_cannot(cast):
    generated = _night()
    planned = _play(generated, "plan")
    first_come = _play(generated, "fcfs")
    # Only 市南区 has squads; people at 台东 (市北区) are reached only by mutual aid.
    assert planned["mutual_aid"] > 0 and first_come["mutual_aid"] == 0
    assert planned["never_reached"] < first_come["never_reached"]


def test_squads_are_spread_over_the_districts_by_their_hotspots(cast):
    make_hotspot("青岛站东广场地下通道", 36.0652, 120.3143)
    make_hotspot("栈桥", 36.0606, 120.3192)
    spread = setup.spread_squads(12)
    assert sum(spread.values()) == 12
    assert spread[district(SHINAN).pk] == max(spread.values())
    setup.prepare(START, START + datetime.timedelta(hours=12), squads_per_district=spread,
                  seed=1)
    assert Squad.objects.filter(is_active=True).count() == 12


def test_a_squad_on_the_scene_splits_off_a_report_about_someone_else(cast):
    generated = _night()
    drill = _with_one_squad(generated)
    root, other = report(36.0652, 120.3143), report(36.0680, 120.3180)
    leads.link_duplicate(other, root, by=drill.dispatcher)
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        task = dispatch.arrive(dispatch.assign_lead(root, Squad.objects.get(is_active=True),
                                                    by=drill.dispatcher), by=None)
    drill.lead_person.update({root.pk: 1, other.pk: 1})
    drill._someone_else_merged(task)  # the same person: the merge stands
    assert Lead.objects.get(pk=other.pk).status == LeadStatus.DUPLICATE
    drill.lead_person[other.pk] = 2
    drill._someone_else_merged(task)
    assert Lead.objects.get(pk=other.pk).status == LeadStatus.TRIAGED
    assert drill.figures.split_on_scene == 1


def test_a_squad_on_the_scene_merges_a_lead_nearby_about_its_person_and_calls_back_the_other(
        cast):
    dispatcher = setup.prepare(START, START + datetime.timedelta(hours=2),
                               squads_per_district={district(SHINAN).pk: 2}, seed=1)
    drill = Drill(_night(), policy="plan", dispatcher=dispatcher)
    here, there = Squad.objects.filter(is_active=True).order_by("pk")
    drill.squads = {squad.pk: SquadPlay(squad, *squad.position()) for squad in (here, there)}
    lead = report(36.0652, 120.3143, description="一个老大爷躺在通道口")
    nearby = report(36.0655, 120.3143, description="两个人在台阶上", people_count=2)
    stranger = report(36.0649, 120.3143, description="一个年轻女的，红羽绒服")
    drill.lead_person.update({lead.pk: 1, nearby.pk: 1, stranger.pk: 2})
    at = START + datetime.timedelta(minutes=5)
    with time_machine.travel(at, tick=False):
        elsewhere = dispatch.assign_lead(nearby, there, by=dispatcher)
        drill.squads[there.pk].task_id = elsewhere.pk
        task = dispatch.arrive(dispatch.assign_lead(lead, here, by=dispatcher), by=None)
        drill._same_person_nearby(task, at)
    assert Lead.objects.get(pk=nearby.pk).duplicate_of_id == lead.pk
    assert Lead.objects.get(pk=stranger.pk).duplicate_of_id is None
    assert Task.objects.get(pk=elsewhere.pk).status == "cancelled"
    assert drill.squads[there.pk].task_id is None  # called back, free again


def test_people_in_a_district_no_squad_can_reach_are_counted_apart(cast, monkeypatch):
    """Squads only in 市南区: 莱西市, 80 km off, is beyond the mutual-aid drive; nobody is sent
    there, and the drill says so instead of blaming the dispatching. It also says how many of
    those never reached had a site open near them (here: any site in the city counts as near)."""
    monkeypatch.setattr(help_nearby, "WITHIN_M", 200_000)
    hotspots, districts = setup.hotspots_and_districts()
    generated = generate(hotspots=[], districts=[d for d in districts
                                                 if d.name in ("市南区", "莱西市")],
                         start=START, hours=2, reports=16, seed=5, district_of=setup.district_of)
    figures = _play(generated, "plan")
    assert "莱西市" in figures["beyond_reach"] and "市南区" not in figures["beyond_reach"]
    assert "市北区" not in figures["beyond_reach"]  # next door to 市南区's squads
    never, people = figures["beyond_reach_never"]
    assert people >= 1 and never == people
    reported = figures["people"]
    assert reported > people  # some were in 市南区, within reach
    never_anywhere = round(figures["never_reached"] * reported)
    assert figures["within_reach_never_reached"] == pytest.approx(
        (never_anywhere - never) / (reported - people))
    assert figures["never_near_open_site"] == [never_anywhere, never_anywhere]


def test_a_site_asked_to_look_in_sends_staff_on_foot_and_is_counted_apart_from_squads(cast):
    """Squads only in 市南区, people in 莱西市 too, and a sub-station at 莱西市's centre: the
    dispatcher asks it to look in on those no squad can reach; its staff meet some of them, which
    counts as first help, not as a squad on the scene."""
    make_site("莱西市救助管理分站", district_code=LAIXI, phone="0532-88400000")
    hotspots, districts = setup.hotspots_and_districts()
    generated = generate(hotspots=[], districts=[d for d in districts
                                                 if d.name in ("市南区", "莱西市")],
                         start=START, hours=2, reports=16, seed=5, district_of=setup.district_of)
    without = _play(generated, "plan")
    figures = _play(generated, "plan", ask_sites=True)

    never, people = figures["beyond_reach_never"]
    assert people >= 1 and never == people  # no squad went to 莱西市 either way
    assert figures["look_ins"] >= 1 and 1 <= figures["met_by_site"] <= people
    assert figures["brought_in_by_site"] <= figures["met_by_site"]
    assert figures["never_helped"] < figures["never_reached"]
    assert figures["high_risk_never_helped"] <= figures["high_risk_never_reached"]
    assert without["look_ins"] == without["met_by_site"] == 0
    assert without["never_helped"] == pytest.approx(without["never_reached"])
    assert not LookIn.objects.exists()  # rolled back with the night


def test_the_leader_sends_one_squad_for_the_night_to_a_district_none_can_reach(cast):
    """Two squads in 市南区 and a hotspot in 莱西市: the board's alert names the nearer squad,
    the leader sends it to wait there for the night, and the alert is answered: the other
    squad is not sent after it."""
    make_hotspot("莱西汽车站", 36.8887, 120.5169)
    hotspots, districts = setup.hotspots_and_districts()
    generated = generate(hotspots=[], districts=[d for d in districts
                                                 if d.name in ("市南区", "莱西市")],
                         start=START, hours=2, reports=16, seed=5, district_of=setup.district_of)
    assert _play(generated, "plan")["squads_lent"] == 0
    assert _play(generated, "plan", lend=True)["squads_lent"] == 1
    assert not Squad.objects.filter(standby_for_the_night=True).exists()  # rolled back


def test_the_drill_says_when_the_board_first_warned_of_leads_it_cannot_reach_in_time(cast):
    """One squad for thirty reports in an hour: the board warns of waiting leads it cannot
    reach in time, and the drill keeps when it first did."""
    generated = _night(reports=30, hours=1)
    figures = _with_one_squad(generated).play().summary()
    assert figures["first_late_alert_at"] is not None
    assert START <= figures["first_capacity_alert_at"] <= figures["first_late_alert_at"]
    assert figures["first_late_alert_at"] < START + datetime.timedelta(hours=2)


def test_a_squad_arriving_for_someone_another_squad_took_in_finds_nobody(cast):
    generated = _night()
    drill = _with_one_squad(generated)
    person = generated.people[0]
    lead = report(person.lat, person.lon)
    drill.lead_person[lead.pk] = person.key
    drill.taken_away.add(person.key)
    squad = Squad.objects.get(is_active=True)
    with time_machine.travel(START + datetime.timedelta(minutes=5), tick=False):
        task = dispatch.assign_lead(lead, squad, by=drill.dispatcher)
        dispatch.accept(task, by=None)
        play = SquadPlay(squad, person.lat, person.lon, task_id=task.pk)
        arrived = START + datetime.timedelta(minutes=20)
        drill._arrive(arrived, (play, task.pk, (person.lat, person.lon)))
        at, _n, action, argument = drill.events[-1]
        action(at, argument)
    assert person.key not in drill.on_scene
    assert Encounter.objects.get(task=task).outcome == EncounterOutcome.NOT_FOUND
    assert Lead.objects.get(pk=lead.pk).status == LeadStatus.RESOLVED
    assert play.busy_until == at  # no escort: free again at once
