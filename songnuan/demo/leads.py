"""Demo leads: a winter of reports from the public, the hotline and partners, mostly in the
evening and at night, more during cold snaps, clustered at the hotspots, with their outcomes,
linked duplicates, reward claims and payouts."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from django.utils import timezone

from songnuan.accounts.models import Organisation, OrganisationKind, User
from songnuan.accounts.roles import Role
from songnuan.geo.distance import METRES_PER_DEGREE_LAT, haversine_m
from songnuan.geo.districts import random_point_in
from songnuan.leads import triage
from songnuan.leads.models import (
    ClaimStatus,
    Flag,
    Lead,
    LeadStatus,
    LeadStatusChange,
    Outcome,
    Payout,
    RewardClaim,
    RewardRule,
    Source,
    TrustedReporter,
    new_tracking_code,
)
from songnuan.leads.services import issue_reporter_key
from songnuan.network.geography import district_for_point
from songnuan.network.models import District

SEASON_START = datetime.date(2026, 11, 4)
LEADS_PER_DAY = 24
# Cold snaps of the demo winter (CMA cold-wave days): reports more than double.
COLD_SNAPS = [(datetime.date(2026, 11, 12), datetime.date(2026, 11, 14)),
              (datetime.date(2026, 11, 24), datetime.date(2026, 11, 27))]
# Relative number of reports per hour of the day: evenings and nights.
HOURLY = [6, 5, 5, 4, 3, 3, 4, 5, 3, 2, 2, 2, 2, 2, 2, 2, 3, 4, 6, 7, 8, 8, 8, 7]
SOURCES = [(Source.PUBLIC_WEB, 34), (Source.PUBLIC_API, 24), (Source.HOTLINE, 22),
           (Source.PARTNER, 15), (Source.PATROL, 5)]
OUTCOMES = [(Outcome.HELPED_TO_SITE, 36), (Outcome.REFUSED_HELP, 20), (Outcome.HOSPITAL, 7),
            (Outcome.NOT_FOUND, 25), (Outcome.INVALID, 8), (Outcome.PRANK, 4)]
# Where reports come from when not at a known hotspot (urban districts weigh more).
DISTRICT_WEIGHTS = {"370202": 16, "370203": 16, "370211": 12, "370212": 9, "370213": 12,
                    "370214": 10, "370215": 7, "370281": 6, "370283": 6, "370285": 6}
FLAG_WEIGHTS = {Flag.LYING_DOWN: 30, Flag.UNDERDRESSED: 35, Flag.ELDERLY: 28, Flag.CHILD: 3,
                Flag.INJURED_ILL: 10, Flag.CONFUSED: 14, Flag.INTOXICATED: 12}
DESCRIPTIONS = [
    "一名男子蜷缩在通道角落，身上只盖着纸板。", "老人坐在台阶上发抖，说不清家在哪里。",
    "桥洞下有人睡觉，旁边有几个编织袋。", "一位大爷在公交站长椅上躺了很久，叫了没反应。",
    "有个人穿着单衣在路边徘徊，嘴里自言自语。", "自助银行里有人过夜，地上有酒瓶。",
    "两个人在工地围挡边生火取暖。", "一名中年妇女带着行李坐在车站出口，说没钱买票回家。",
    "有人躺在地上，脚上没有鞋。", "看起来像外地来打工的，晚上一直在候车厅门口。",
    "", "", "",
]
PARTNER_KINDS = {"青岛环卫集团": TrustedReporter.Kind.SANITATION,
                 "青岛交运出租车公司": TrustedReporter.Kind.TAXI,
                 "青岛公交集团": TrustedReporter.Kind.BUS, "青岛市慈善总会": TrustedReporter.Kind.CHARITY,
                 "岛城志愿者协会": TrustedReporter.Kind.VOLUNTEER}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "建国师傅海涛明华秀英志强桂兰春生"


def weighted(rng, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def in_cold_snap(day: datetime.date) -> bool:
    return any(start <= day <= end for start, end in COLD_SNAPS)


def populate(ctx) -> None:
    now = ctx.now
    districts = {d.code: d for d in District.objects.all()}
    hotspots = list(ctx.shared.get("hotspots", []))
    dispatchers = {u.district_id: u for u in User.objects.filter(role=Role.DISPATCHER)}
    centre = User.objects.filter(role=Role.DISPATCHER, district=None).first()
    reporters = _trusted_reporters(ctx, districts)
    _reward_rules()

    leads: list[Lead] = []
    steps: list[tuple[Lead, list[tuple]]] = []
    day = max(SEASON_START, (now - datetime.timedelta(days=120)).date())
    today = timezone.localtime(now).date()
    while day <= today:
        count = ctx.count(LEADS_PER_DAY * (2.4 if in_cold_snap(day) else 1.0))
        for _ in range(ctx.rng.randint(int(count * 0.8), int(count * 1.2) + 1)):
            hour = ctx.rng.choices(range(24), weights=HOURLY)[0]
            at = timezone.make_aware(datetime.datetime.combine(day, datetime.time(
                hour, ctx.rng.randrange(60), ctx.rng.randrange(60))))
            if at >= now:
                continue
            lead, history = _lead(ctx, at, now, districts, hotspots, reporters, dispatchers,
                                  centre)
            leads.append(lead)
            steps.append((lead, history))
            if ctx.rng.random() < 0.12:
                leads.append(_duplicate_placeholder(ctx, lead, now))
                steps.append((leads[-1], []))
        day += datetime.timedelta(days=1)
    for _ in range(ctx.count(8)):  # the queue the dispatchers face right now
        at = now - datetime.timedelta(minutes=ctx.rng.randint(4, 200))
        lead, history = _lead(ctx, at, now, districts, hotspots, reporters, dispatchers, centre)
        leads.append(lead)
        steps.append((lead, history))

    roots = [lead for lead in leads if lead.status != LeadStatus.DUPLICATE]
    Lead.objects.bulk_create(roots)
    for lead in leads:
        if lead.status == LeadStatus.DUPLICATE:
            lead.duplicate_of = lead._root
    Lead.objects.bulk_create([lead for lead in leads if lead.status == LeadStatus.DUPLICATE])
    history = []
    for lead, moves in steps:
        history.append(LeadStatusChange(lead=lead, at=lead.received_at,
                                        to_status=LeadStatus.RECEIVED, by=lead.received_by))
        if lead.status == LeadStatus.DUPLICATE:
            history.append(LeadStatusChange(
                lead=lead, at=lead.received_at, from_status=LeadStatus.RECEIVED,
                to_status=LeadStatus.DUPLICATE,
                note=f"重复报告：已关联到 {lead.duplicate_of.tracking_code}"))
        previous = LeadStatus.RECEIVED
        for at, status, outcome, by, note in moves:
            history.append(LeadStatusChange(lead=lead, at=at, from_status=previous,
                                            to_status=status, outcome=outcome, by=by, note=note))
            previous = status
    LeadStatusChange.objects.bulk_create(history, batch_size=1000)
    _claims(ctx, leads, now)
    ctx.shared["leads"] = leads


def _trusted_reporters(ctx, districts) -> list[TrustedReporter]:
    made = []
    for org in Organisation.objects.filter(kind=OrganisationKind.PARTNER):
        kind = ctx.city.partners.get(org.name, TrustedReporter.Kind.VOLUNTEER)
        for index in range(ctx.count(3)):
            code = ctx.rng.choice(list(ctx.city.district_weights))
            reporter = TrustedReporter(
                name=f"{ctx.rng.choice(SURNAMES)}{ctx.rng.choice(GIVEN)}{index or ''}"[:50],
                phone=f"137{ctx.rng.randint(10000000, 99999999)}", kind=kind, organisation=org,
                district=districts.get(code),
            )
            issue_reporter_key(reporter)
            made.append(reporter)
    return made


def _reward_rules() -> None:
    for outcome, amount in ((Outcome.HELPED_TO_SITE, 50), (Outcome.HOSPITAL, 100),
                            (Outcome.REFUSED_HELP, 20)):
        RewardRule.objects.create(outcome=outcome, amount_yuan=Decimal(amount))


def _place(ctx, districts, hotspots):
    if hotspots and ctx.rng.random() < 0.65:
        spot = ctx.rng.choice(hotspots)
        jitter = 120 / METRES_PER_DEGREE_LAT
        lat = spot.lat + ctx.rng.uniform(-jitter, jitter)
        lon = spot.lon + ctx.rng.uniform(-jitter, jitter)
        return lat, lon, spot, districts_by_pk(districts)[spot.district_id], spot.address
    weights = ctx.city.district_weights
    code = ctx.rng.choices(list(weights), weights=list(weights.values()))[0]
    lat, lon = random_point_in(code, ctx.rng)
    return lat, lon, None, district_for_point(lat, lon) or districts[code], ""


def districts_by_pk(districts):
    return {d.pk: d for d in districts.values()}


def _lead(ctx, at, now, districts, hotspots, reporters, dispatchers, centre):
    rng = ctx.rng
    lat, lon, spot, district, address = _place(ctx, districts, hotspots)
    source = weighted(rng, SOURCES)
    flags = [flag for flag, weight in FLAG_WEIGHTS.items() if rng.random() < weight / 100]
    trusted = rng.choice(reporters) if source == Source.PARTNER and reporters else None
    operator = dispatchers.get(district.pk, centre) if source == Source.HOTLINE else None
    phone = ""
    if source == Source.HOTLINE or (source in (Source.PUBLIC_WEB, Source.PUBLIC_API)
                                    and rng.random() < 0.45):
        phone = f"1{rng.choice('3589')}{rng.randint(100000000, 999999999)}"
    lead = Lead(
        tracking_code=new_tracking_code(rng), source=source, client_request_id=uuid.UUID(int=rng.getrandbits(128)).hex
        if source in (Source.PUBLIC_WEB, Source.PUBLIC_API) else None,
        lat=lat, lon=lon, coord_system="wgs84", location_source="given",
        place=address or (spot.name if spot else ""), district=district, hotspot=spot,
        people_count=rng.choices([1, 2, 3], weights=[85, 12, 3])[0], flags=flags,
        description=rng.choice(DESCRIPTIONS), reporter_phone=phone, received_at=at,
        trusted_reporter=trusted, organisation=trusted.organisation if trusted else None,
        received_by=operator, status=LeadStatus.TRIAGED,
    )
    if spot:
        lead.hotspot_distance_m = round(haversine_m(lat, lon, spot.lat, spot.lon), 1)
    lead.priority_reasons = [r.as_json() for r in triage.base_reasons(lead)]
    lead.priority = triage.score(lead.priority_reasons)
    moves = [(at, LeadStatus.TRIAGED, "", None, "接报时自动研判优先级")]
    dispatcher = dispatchers.get(district.pk, centre)
    age = now - at
    minutes = datetime.timedelta(minutes=1)
    t = at + rng.randint(3, 20) * minutes
    stages = [(LeadStatus.ASSIGNED, "已派发给巡查一队"), (LeadStatus.EN_ROUTE, ""),
              (LeadStatus.ON_SCENE, "")]
    for status, note in stages:
        if t >= now or (age < datetime.timedelta(hours=4) and rng.random() < 0.6):
            break
        moves.append((t, status, "", dispatcher, note))
        lead.status = status
        t += rng.randint(5, 35) * minutes
    if lead.status == LeadStatus.ON_SCENE and t < now and age > datetime.timedelta(hours=2):
        outcome = weighted(rng, OUTCOMES)
        note = {Outcome.REFUSED_HELP: "本人拒绝入站，已发放棉被和食品",
                Outcome.INVALID: "现场核实为正常休息的务工人员", Outcome.PRANK: "回拨号码为空号，现场无人",
                Outcome.HOSPITAL: "伴有发热，已送市立医院"}.get(outcome, "")
        moves.append((t, LeadStatus.RESOLVED, outcome, dispatcher, note))
        lead.status, lead.outcome, lead.resolved_at = LeadStatus.RESOLVED, outcome, t
    return lead, moves


def _duplicate_placeholder(ctx, root: Lead, now) -> Lead:
    rng = ctx.rng
    at = min(now - datetime.timedelta(minutes=1),
             root.received_at + datetime.timedelta(minutes=rng.randint(3, 40)))
    jitter = 60 / METRES_PER_DEGREE_LAT
    lead = Lead(
        tracking_code=new_tracking_code(rng), source=weighted(rng, SOURCES[:3]), client_request_id=uuid.UUID(
            int=rng.getrandbits(128)).hex, lat=root.lat + rng.uniform(-jitter, jitter),
        lon=root.lon + rng.uniform(-jitter, jitter), coord_system="wgs84",
        location_source="given", place=root.place, district=root.district,
        hotspot=root.hotspot, hotspot_distance_m=root.hotspot_distance_m,
        people_count=root.people_count, flags=root.flags, received_at=at,
        reporter_phone=f"15{rng.randint(100000000, 999999999)}" if rng.random() < 0.5 else "",
        status=LeadStatus.DUPLICATE, priority=root.priority,
        priority_reasons=root.priority_reasons,
    )
    lead._root = root
    return lead


def _claims(ctx, leads, now) -> None:
    rules = {rule.outcome: rule for rule in RewardRule.objects.all()}
    admins = {u.district_id: u for u in User.objects.filter(role=Role.DISTRICT_ADMIN)}
    claims, payouts = [], []
    for lead in leads:
        rule = rules.get(lead.outcome)
        if (rule is None or not lead.reporter_phone or lead.trusted_reporter_id
                or ctx.rng.random() > 0.4):
            continue
        age = now - lead.resolved_at
        status = (ClaimStatus.AWAITING_APPROVAL if age < datetime.timedelta(days=2)
                  else ctx.rng.choices([ClaimStatus.PAID, ClaimStatus.APPROVED,
                                        ClaimStatus.REJECTED], weights=[70, 20, 10])[0])
        admin = admins.get(lead.district_id)
        decided = min(now - datetime.timedelta(hours=1),
                      lead.resolved_at + datetime.timedelta(hours=ctx.rng.randint(10, 40)))
        claim = RewardClaim(
            incident=lead, lead=lead, district=lead.district, phone=lead.reporter_phone,
            rule=rule, amount_yuan=rule.amount_yuan, status=status,
            confirmed_at=lead.resolved_at + datetime.timedelta(minutes=ctx.rng.randint(20, 600)),
            decided_by=admin if status != ClaimStatus.AWAITING_APPROVAL else None,
            decided_at=decided if status != ClaimStatus.AWAITING_APPROVAL else None,
            decision_note="同一人员本月已多次申领，核实后不予发放"
            if status == ClaimStatus.REJECTED else "",
        )
        claims.append(claim)
    RewardClaim.objects.bulk_create(claims)
    for claim in claims:  # created_at is auto_now_add: bulk_create stamps the load time
        RewardClaim.objects.filter(pk=claim.pk).update(created_at=claim.confirmed_at)
    for claim in claims:
        if claim.status == ClaimStatus.PAID:
            payouts.append(Payout(
                claim=claim, district=claim.district, amount_yuan=claim.amount_yuan,
                method=ctx.rng.choice(["wechat", "alipay", "bank"]),
                reference=f"SN{claim.decided_at:%Y%m%d}{ctx.rng.randint(1000, 9999)}",
                paid_at=min(now, claim.decided_at + datetime.timedelta(days=ctx.rng.randint(1, 3))),
                paid_by=claim.decided_by,
            ))
    Payout.objects.bulk_create(payouts)
