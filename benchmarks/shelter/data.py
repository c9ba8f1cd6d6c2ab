"""Data for the shelter benchmark: a central station with BEDS beds, most of them taken, and one
person whose file has EVENTS timeline events (stays, daily logs, referrals, visits)."""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

BEDS_PER_ZONE = 50
OCCUPANCY = 0.8


@dataclass
class World:
    user: object
    person_id: int
    open_stays: int
    timeline_events: int


def build(beds: int, events: int) -> World:
    from songnuan.accounts.roles import Role
    from songnuan.network.models import SiteLevel
    from songnuan.people.models import Person
    from songnuan.people.timeline import timeline_for
    from songnuan.shelter.models import AgeGroup, Bed, Condition, Stay, Zone
    from tests.factories import ensure_districts, make_site, make_user

    rng = random.Random(2026)
    ensure_districts()
    station = make_site("青岛市救助管理站", level=SiteLevel.CENTRAL_STATION, district_code="370213")
    user = make_user("bench.station", role=Role.STATION_STAFF, site=station)
    zones = []
    for number in range(max(1, beds // BEDS_PER_ZONE)):
        sex = "MF"[number % 2]
        zones.append(Zone.objects.create(site=station, name=f"{'男女'[number % 2]}宾{number:02d}区",
                                         sex=sex, age_group=AgeGroup.ADULT,
                                         condition=Condition.GENERAL))
    Bed.objects.bulk_create([Bed(zone=zone, label=f"{n:02d}") for zone in zones
                             for n in range(1, BEDS_PER_ZONE + 1)])
    now = timezone.now()
    taken = [bed for bed in Bed.objects.select_related("zone") if rng.random() < OCCUPANCY]
    people = Person.objects.bulk_create([
        Person(name=f"测试{n}", sex=bed.zone.sex, age_estimate=rng.randint(20, 70),
               age_estimated_on=now.date(), status="in_station", current_site=station,
               district=station.district) for n, bed in enumerate(taken)])
    Stay.objects.bulk_create([
        Stay(person=person, site=station, zone=bed.zone, bed=bed, limit_days=10,
             admitted_at=now - datetime.timedelta(days=rng.randint(0, 12)))
        for person, bed in zip(people, taken, strict=True)])
    person = _person_with_history(station, user, events, now)
    return World(user=user, person_id=person.pk, open_stays=len(taken),
                 timeline_events=len(timeline_for(person)))


def _person_with_history(station, user, events: int, now):
    from songnuan.people.models import Person
    from songnuan.people.services import save_person
    from songnuan.shelter import admission, daily, discharge, stays
    from songnuan.shelter.admission import AdmissionInput
    from songnuan.shelter.daily import RollCallEntry
    from songnuan.shelter.discharge import DischargeInput
    from songnuan.shelter.models import Bed, Zone

    spare = Zone.objects.create(site=station, name="基准测试区", sex="M")
    Bed.objects.create(zone=spare, label="01")
    person = save_person(Person(name="基准测试人", sex="M", age_estimate=52), by=user)
    made = 1  # the file itself
    start = now - datetime.timedelta(days=100)
    while made < events:
        admitted = start
        stay = admission.admit(person, station, AdmissionInput(bed=spare.beds.get()), by=user,
                              now=admitted)
        made += 1
        for day in range(1, 4):
            if made >= events - 1:
                break
            at = admitted + datetime.timedelta(days=day)
            daily.record_roll_call(station, [RollCallEntry(stay, True, Decimal("36.6"))],
                                      by=user, at=at)
            made += 2  # a daily log and a health check
        stays.refer(stay, kind="hospital", organisation="青岛市市立医院", reason="复查",
                       by=user)
        made += 1
        discharge.discharge(stay, DischargeInput(outcome="left", notes="自行离站"), by=user,
                           now=admitted + datetime.timedelta(days=4))
        made += 1
        start += datetime.timedelta(days=6)
    return person
