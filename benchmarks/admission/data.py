"""Data for the admission benchmark: a station with free beds, open missing-person reports in
bulk (Chinese names, ages, places and marks drawn from a fixed seed), and people nobody can name
waiting to be admitted."""

from __future__ import annotations

import datetime
import inspect
import random
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂建国华红玉文志海东卫民德福春荣"
PLACES = ("山东菏泽", "山东临沂", "山东潍坊", "河南商丘", "安徽阜阳", "江苏徐州", "河北邯郸",
          "山东青岛", "辽宁大连", "黑龙江哈尔滨")
DIALECTS = ("山东口音", "河南口音", "东北口音", "安徽口音", "普通话")
MARKS = ("左手小指缺失", "右脸颊有黑痣", "额头有疤", "左耳后有胎记", "右腿微跛", "镶金牙",
         "背部有纹身", "右手无名指弯曲")
BATCH = 2000


@dataclass
class Station:
    site: Any
    user: Any
    district: Any


def acting(function: Any, user: Any) -> dict[str, Any]:
    """The acting-user keyword of a service, `by=` (or `user=` in older code)."""
    name = "by" if "by" in inspect.signature(function).parameters else "user"
    return {name: user}


def shelter_services() -> tuple[Any, Any, Any, Any]:
    """admit, discharge and their inputs (shelter's admission and discharge modules)."""
    from songnuan.shelter.admission import AdmissionInput, admit
    from songnuan.shelter.discharge import DischargeInput, discharge

    return admit, discharge, AdmissionInput, DischargeInput


def build_station(beds: int) -> Station:
    from songnuan.accounts.roles import Role
    from songnuan.network.models import SiteLevel
    from tests.factories import ensure_districts, make_site, make_user
    from tests.shelter.factories import make_zone

    ensure_districts()
    site = make_site("青岛市救助管理站", level=SiteLevel.CENTRAL_STATION, district_code="370213")
    user = make_user("bench.admission", role=Role.STATION_STAFF, site=site)
    make_zone(site, "男宾区", beds=beds)
    return Station(site=site, user=user, district=site.district)


def top_up_reports(district: Any, count: int, rng: random.Random) -> int:
    """Bring the open reports up to `count`; return how many were added."""
    from songnuan.tracing.models import MissingReport, ReportStatus

    have = MissingReport.objects.filter(status=ReportStatus.OPEN).count()
    now = timezone.now()
    added = 0
    while have + added < count:
        size = min(BATCH, count - have - added)
        MissingReport.objects.bulk_create([
            _report(have + added + n, district, rng, now) for n in range(size)])
        added += size
    return added


def _report(number: int, district: Any, rng: random.Random, now: datetime.datetime) -> Any:
    from songnuan.tracing.models import MissingReport

    return MissingReport(
        reference=f"XB{number:010d}",
        name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.randint(1, 2))),
        sex=rng.choice("MMMF"), birth_year=rng.randint(1940, 2005),
        height_cm=rng.randint(150, 185), native_place=rng.choice(PLACES),
        dialect=rng.choice(DIALECTS), features="；".join(rng.sample(MARKS, rng.randint(0, 2))),
        missing_since=(now - datetime.timedelta(days=rng.randint(1, 900))).date(),
        reporter_name=rng.choice(SURNAMES) + rng.choice(GIVEN),
        reporter_phone=f"138{rng.randint(0, 99_999_999):08d}", reporter_relation="家属",
        district=district, created_at=now - datetime.timedelta(days=rng.randint(0, 60)))


def unidentified(station: Station, rng: random.Random) -> Any:
    """A man admitted without a name or ID number: admission opens his tracing case."""
    from songnuan.people.models import Person
    from songnuan.people.services import save_person

    person = Person(name="", sex="M", age_estimate=rng.randint(25, 75),
                    height_cm=rng.randint(155, 185), dialect=rng.choice(DIALECTS),
                    marks="；".join(rng.sample(MARKS, 2)), alias="无名氏",
                    district=station.district, registered_at=station.site)
    return save_person(person, **acting(save_person, station.user))
