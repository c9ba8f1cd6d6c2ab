"""Demo tracing: families' reports (some of them for people the stations hold), announcements
for the cases the admissions opened, and comparison requests to the police liaison."""

from __future__ import annotations

import datetime

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.network.models import District
from songnuan.tracing import announcements, casework, comparisons, matching, missing_reports
from songnuan.tracing.models import MissingReport, ReportSource, TracingCase

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
GIVEN = ("建国", "秀英", "卫东", "桂兰", "德明", "玉梅", "志强", "淑珍", "国庆", "春花", "永生",
         "红霞", "海涛", "凤英", "长江")
PLACES = ("山东菏泽", "河南周口", "安徽阜阳", "黑龙江齐齐哈尔", "四川南充", "甘肃天水", "河北邯郸",
          "山东临沂")
FEATURES = ("左手缺小指", "右脸颊黑痣", "光头", "左臂龙形纹身", "跛行", "门牙缺失", "额头疤痕",
            "戴眼镜")
RELATIONS = ("女儿", "儿子", "妻子", "哥哥", "母亲")
FOUND_PLACES = ("市南区栈桥附近", "崂山区沙子口", "李沧区李村河桥下", "市北区台东步行街",
                "黄岛区长江路")


def populate(ctx) -> None:
    rng = ctx.rng
    districts = list(District.objects.all())
    if not districts:
        return
    today = ctx.now.date()
    cases = list(TracingCase.objects.select_related("person").order_by("pk"))
    # Families looking for someone a station holds: these become the top candidates.
    for case in rng.sample(cases, min(len(cases), ctx.count(4))):
        person = case.person
        age = person.age_on(today) or rng.randint(40, 70)
        _file(ctx, name=f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}", sex=person.sex or "M",
              birth_year=today.year - age + rng.randint(-2, 2), height_cm=person.height_cm,
              features="；".join(m for m in person.marks.replace("，", "；").split("；") if m)
              or rng.choice(FEATURES), dialect=person.dialect,
              native_place=person.native_place or rng.choice(PLACES),
              district=rng.choice(districts))
    for _ in range(ctx.count(20)):
        _file(ctx, name=f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}", sex=rng.choice("MF"),
              birth_year=rng.randint(1945, 2000), height_cm=rng.randint(150, 182),
              features="；".join(rng.sample(FEATURES, 2)), native_place=rng.choice(PLACES),
              dialect="", district=rng.choice(districts))
    liaison = User.objects.filter(role=Role.POLICE_LIAISON).first()
    for case in cases:
        matching.rank_candidates(case)
        if rng.random() < 0.7:
            announcements.publish_announcement(case, found_place=rng.choice(FOUND_PLACES), by=None,
                                          now=case.opened_at + datetime.timedelta(hours=6))
        if liaison is not None and rng.random() < 0.5:
            comparisons.request_comparison(case, kind="dna", liaison=liaison, by=None,
                                        message="请协助采集DNA并比对。",
                                        now=case.opened_at + datetime.timedelta(days=2))
    for case in cases:  # most live cases have an officer; a few wait to be taken
        officers = list(casework.eligible_officers(case))
        if case.is_live and officers and rng.random() < 0.75:
            casework.assign_officer(case, rng.choice(officers))


def _file(ctx, **fields) -> MissingReport:
    rng = ctx.rng
    since = ctx.now.date() - datetime.timedelta(days=rng.randint(20, 400))
    created = ctx.now - datetime.timedelta(days=rng.randint(0, 20))
    ctx.shared["missing_reports"] = ctx.shared.get("missing_reports", 0) + 1
    report = MissingReport(
        reference=f"XR{created:%Y%m%d}{ctx.shared['missing_reports']:04d}",
        reporter_name=f"{rng.choice(SURNAMES)}{rng.choice(GIVEN)}",
        reporter_phone=f"1390000{rng.randint(0, 9999):04d}",
        reporter_relation=rng.choice(RELATIONS), missing_since=since,
        source=rng.choice([ReportSource.PUBLIC, ReportSource.STAFF]),
        phone_verified_at=ctx.now, created_at=created, **fields)
    return missing_reports.file_report(report)
