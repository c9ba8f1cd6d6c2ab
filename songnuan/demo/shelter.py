"""Demo station life: zones and beds in every station, and a season of stays, daily logs,
referrals, returns home and relief-point visits for the demo people."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.utils import timezone

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.people.models import Category, Status
from songnuan.people.services import move_person
from songnuan.refusals import Refused
from songnuan.shelter import admission, daily, discharge, stays
from songnuan.shelter.beds import create_zone
from songnuan.shelter.models import AgeGroup, Condition, Meal, Outcome, Zone

# (name, sex, age group, condition, share of the beds)
LAYOUT = (
    ("男宾一区", "M", AgeGroup.ADULT, Condition.GENERAL, 10),
    ("女宾区", "F", AgeGroup.ADULT, Condition.GENERAL, 5),
    ("老年照护区", "", AgeGroup.ELDERLY, Condition.GENERAL, 5),
    ("未成年人区", "", AgeGroup.MINOR, Condition.GENERAL, 2),
    ("医疗观察区", "", AgeGroup.ADULT, Condition.MEDICAL, 3),
    ("精神观察区", "", AgeGroup.ADULT, Condition.MENTAL, 2),
    ("隔离观察区", "", AgeGroup.ADULT, Condition.ISOLATION, 2),
)
HOMES = ("河南省周口市川汇区", "山东省临沂市兰山区", "安徽省阜阳市颍州区", "黑龙江省齐齐哈尔市龙沙区",
         "四川省南充市顺庆区", "甘肃省天水市秦州区", "山东省菏泽市牡丹区", "河北省邯郸市丛台区")
SQUADS = ("巡查一组", "巡查二组", "联合巡查队（公安、城管、卫健）", "夜间救助分队")


def populate(ctx) -> None:
    rng = ctx.rng
    stations = [ctx.shared["central_station"], *ctx.shared["sub_stations"].values()]
    layout_beds = sum(row[-1] for row in LAYOUT)
    for station in stations:
        # Zones share out the beds the network declares for the station.
        scale = (getattr(station, "beds", 0) or layout_beds) / layout_beds
        for name, sex, age, condition, beds in LAYOUT:
            create_zone(station, name=name, sex=sex, age_group=age,
                                 condition=condition, beds=max(1, round(beds * scale)))
    staff = {user.site_id: user for user in User.objects.filter(role=Role.STATION_STAFF)}
    now = ctx.now
    for person, met in ctx.shared.get("people", []):
        local = [s for s in stations if s.district_id == person.district_id] or stations
        station = rng.choice(local)
        user = staff.get(station.pk)
        met_at = timezone.make_aware(datetime.datetime.combine(
            met, datetime.time(rng.choice((21, 22, 23, 1, 5, 6)), rng.randint(0, 59))))
        roll = rng.random()
        if roll < 0.15:
            _relief_visits(ctx, person, met_at)
            continue
        if met_at > now - datetime.timedelta(hours=3):
            admission.expect_arrival(station, person=person, coming_from=rng.choice(SQUADS),
                                    expected_at=now + datetime.timedelta(minutes=40),
                                    source=f"demo:{person.pk}")
            continue
        _stay(ctx, person, station, user, met_at, roll)
    for station in stations:
        for zone in Zone.objects.filter(site=station):
            if rng.random() < 0.8:  # most zones are disinfected today; some are not yet
                daily.record_disinfection(zone, by=staff.get(station.pk),
                                             agent="含氯消毒液 500mg/L",
                                             at=now - datetime.timedelta(hours=rng.randint(1, 6)))


def _stay(ctx, person, station, user, admitted_at, roll) -> None:
    rng = ctx.rng
    now = ctx.now
    fever = rng.random() < 0.05
    data = admission.AdmissionInput(
        route="escorted" if rng.random() < 0.7 else "walk_in",
        items_held=rng.choice(("手机、充电器", "编织袋一个（衣物）", "身份证复印件、现金120元", "")),
        dangerous_items=rng.choice(("", "", "", "水果刀（已代管）")),
        temperature_c=Decimal("38.1") if fever else Decimal(f"36.{rng.randint(2, 9)}"),
        frostbite="frostbite" in person.flags, infectious_symptoms=fever,
        mental_illness_signs=Category.MENTAL_ILLNESS in person.categories,
        intoxicated="intoxicated" in person.flags,
    )
    arrival = None
    if data.route == "escorted":
        arrival = admission.expect_arrival(station, person=person, coming_from=rng.choice(SQUADS),
                                          expected_at=admitted_at, source=f"demo:{person.pk}")
    try:
        stay = admission.admit(person, station, data, by=user, arrival=arrival, now=admitted_at)
    except Refused:
        return  # the station was full that night: the person stays a street contact
    days_here = (now - admitted_at).total_seconds() / 86400
    length = rng.choice((1, 2, 3, 4, 6, 8, 9, 12))
    _daily_logs(ctx, stay, user, admitted_at, min(length, days_here))
    if Category.CRITICALLY_ILL in person.categories or fever:
        referral = stays.refer(stay, kind="hospital", organisation=rng.choice(ctx.city.hospitals),
                                  reason="发热待查" if fever else "病情危重，需住院治疗",
                                  with_health=True, with_police=not fever, by=user,
                                  now=admitted_at + datetime.timedelta(hours=2))
        stays.update_referral(referral, status="accepted", note="已接收入院")
    if Category.MENTAL_ILLNESS in person.categories:
        stays.refer(stay, kind="psychiatric", organisation=ctx.city.psychiatric,
                       reason="疑似精神障碍，需专业评估", with_police=True, with_health=True,
                       by=user, now=admitted_at + datetime.timedelta(hours=3))
    for action in stay.support_actions.all()[:1]:
        if rng.random() < 0.6:
            stays.complete_action(action, by=user, now=min(
                now, admitted_at + datetime.timedelta(hours=rng.randint(4, 30))))
    if days_here < length:
        return  # still here
    leave_at = admitted_at + datetime.timedelta(days=length, hours=rng.randint(0, 5))
    _discharge(ctx, stay, user, leave_at)


def _daily_logs(ctx, stay, user, start, days: float) -> None:
    rng = ctx.rng
    for day in range(int(days) + 1):
        at = start.replace(hour=8, minute=0) + datetime.timedelta(days=day + 1)
        if at > ctx.now:
            break
        daily.record_roll_call(stay.site, [daily.RollCallEntry(
            stay, rng.random() > 0.03, Decimal(f"36.{rng.randint(2, 9)}"))], by=user, at=at)
        for meal, hour in ((Meal.BREAKFAST, 7), (Meal.LUNCH, 12), (Meal.DINNER, 18)):
            meal_at = at.replace(hour=hour)
            if meal_at <= ctx.now:
                daily.record_meal(stay.site, meal, [stay], by=user, at=meal_at)


def _discharge(ctx, stay, user, at) -> None:
    rng = ctx.rng
    person = stay.person
    if Category.CRITICALLY_ILL in person.categories:
        data = discharge.DischargeInput(outcome=Outcome.HOSPITAL,
                                       destination=rng.choice(ctx.city.hospitals))
    elif rng.random() < 0.6 and person.native_place:
        mode = rng.choice(("ticket", "ticket", "family", "escort"))
        data = discharge.DischargeInput(
            outcome=Outcome.RETURNED_HOME, destination=person.native_place or rng.choice(HOMES),
            travel_mode=mode, family_contact="家属" if mode != "ticket" else "",
            family_phone=f"13{rng.randint(100000000, 999999999)}" if mode != "ticket" else "",
            notes="已购买火车票并通知家属" if mode == "ticket" else "")
    elif rng.random() < 0.5:
        data = discharge.DischargeInput(outcome=Outcome.LEFT, notes="早饭后自行离站，已告知求助热线")
    else:
        data = discharge.DischargeInput(outcome=Outcome.TRANSFERRED, destination=ctx.city.central_station[0])
    # Someone records every departure: where the station has no staff of its own in the demo,
    # the city's administrator does (a departure without a discharge is reported as an incident).
    by = user or User.objects.filter(role=Role.CITY_ADMIN).order_by("pk").first()
    discharge.discharge(stay, data, by=by, now=at)


def _relief_visits(ctx, person, met_at) -> None:
    rng = ctx.rng
    points = [p for p in ctx.shared["relief_points"].values()
              if p.district_id == person.district_id] or list(ctx.shared["relief_points"].values())
    point = rng.choice(points)
    for _night in range(rng.randint(1, 4)):
        visit = daily.record_visit(point, by=None, person=person, services="热水、姜汤、棉大衣")
        arrived = met_at + datetime.timedelta(days=rng.randint(0, 10), hours=rng.randint(0, 3))
        if arrived > ctx.now:
            arrived = ctx.now - datetime.timedelta(hours=1)
        visit.arrived_at = arrived
        visit.save()
        daily.end_visit(visit, at=arrived + datetime.timedelta(hours=rng.randint(1, 6)))
    move_person(person, Status.ON_STREET, district_id=point.district_id)
    for _anon in range(rng.randint(0, 2)):
        anonymous = daily.record_visit(point, by=None, description="男，约50岁，灰色棉服")
        anonymous.arrived_at = met_at
        anonymous.save()
        daily.end_visit(anonymous, at=met_at + datetime.timedelta(hours=2))
