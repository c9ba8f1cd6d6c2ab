"""Demo incidents and plans: the city's emergency plans, and a few incidents of the season in the
districts with teams, some closed with a review, one still waiting for the leader on duty.

Runs after the duty rosters, the people and the duty alerts (it reports through the chains)."""

from __future__ import annotations

import datetime

from songnuan.accounts.models import User
from songnuan.demo.accounts import TEAM_DISTRICTS
from songnuan.incidents import escalation, plans, services
from songnuan.incidents.models import EmergencyPlan, Kind, Level
from songnuan.network.models import District
from songnuan.people.models import Person

PLANS = [
    ("冻伤、失温处置预案", Kind.COLD_INJURY,
     ["拨打120并陪同送医", "脱离寒冷环境、保暖复温", "核实身份，有家属的通知家属",
      "15分钟内报告区带班领导", "24小时内书面报告区民政局"]),
    ("受助人员死亡处置预案", Kind.DEATH,
     ["保护现场并报警（110）", "15分钟内报告区带班领导，1小时内报告市值班室",
      "配合公安、卫健部门查明身份和死因", "通知家属或发布寻亲公告", "24小时内书面报告，做好舆情应对"]),
    ("火灾、燃气事故处置预案", Kind.FIRE_GAS,
     ["报警（119）并组织人员疏散", "清点在站人员", "关闭燃气总阀、切断电源", "安置受影响人员"]),
    ("站内人员走失处置预案", Kind.MISSING,
     ["调取监控确认离站时间和方向", "组织人员就近寻找", "1小时内未找到的报警并通知家属"]),
]
# (district slug, kind, level, place, hours before now, what was done, closed with a review)
INCIDENTS = [
    ("laoshan", Kind.COLD_INJURY, Level.SERIOUS, "张村河桥洞", 30,
     "已拨打120，裹上棉被，送崂山区人民医院", True),
    ("shinan", Kind.COLD_INJURY, Level.GENERAL, "中山路地下通道", 52,
     "现场保暖复温，劝导入站", True),
    ("shinan", Kind.VIOLENCE, Level.GENERAL, "青岛站东广场", 8,
     "劝离滋事人员，已报告站前派出所", False),
    ("licang", Kind.COLD_INJURY, Level.SERIOUS, "李村河桥下", 0.2,
     "已拨打120，等待救护车", False),
]
REVIEW = ("夜间气温骤降，当事人在室外露宿未及时转移", "寒潮夜间对重点点位巡查间隔过长",
          "寒潮期间重点点位每两小时巡查一次，发现即劝导入站")


def populate(ctx) -> None:
    admin = User.objects.get(username="admin")
    for title, kind, items in PLANS:
        plan = EmergencyPlan(title=title, kind=kind, owner=admin)
        plans.save_version(plan, text="", items=items, note="初版", by=admin, now=ctx.now)
    for n, row in enumerate(INCIDENTS):
        _report(ctx, n, *row)
    escalation.send_due_steps(ctx.now)


def _report(ctx, n: int, slug: str, kind: str, level: str, place: str, hours_ago: float,
            done: str, closed: bool) -> None:
    code = next(code for code, name in TEAM_DISTRICTS.items() if name == slug)
    district = District.objects.get(code=code)
    reporter = User.objects.get(username=f"{slug}.patrol1")
    at = ctx.now - datetime.timedelta(hours=hours_ago)
    people = list(Person.objects.filter(district=district).order_by("pk")[:1]) \
        if kind == Kind.COLD_INJURY else []
    incident, _created = services.report(services.IncidentInput(
        client_request_id=f"demo-incident-{n}", kind=kind, level=level, district=district,
        place=place, people=people, actions_taken=done, occurred_at=at), by=reporter, now=at)
    if not closed:
        return
    leader = incident.steps.get(order=0).recipients.first()
    if leader is not None:
        escalation.acknowledge(incident, by=leader,
                               now=at + datetime.timedelta(minutes=ctx.rng.randint(3, 12)))
    manager = User.objects.get(username=f"{slug}.admin")
    services.close(incident, cause=REVIEW[0], lessons=REVIEW[1], measures=REVIEW[2], by=manager,
                   now=at + datetime.timedelta(hours=ctx.rng.randint(3, 10)))
