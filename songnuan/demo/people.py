"""Demo person files: people met on Qingdao's streets this winter, with realistic details.

No ID numbers: nothing in the demo should look like a real person's number.
"""

from __future__ import annotations

import datetime

from songnuan.demo.accounts import chinese_name
from songnuan.network.models import District
from songnuan.people.models import Category, Flag, Person, Status
from songnuan.people.services import save_person

NATIVE_PLACES = (
    ("河南省周口市", "河南话"), ("山东省临沂市", "鲁南话"), ("安徽省阜阳市", "皖北话"),
    ("黑龙江省齐齐哈尔市", "东北话"), ("四川省南充市", "四川话"), ("甘肃省天水市", "甘肃话"),
    ("山东省菏泽市", "鲁西南话"), ("河北省邯郸市", "邯郸话"), ("吉林省四平市", "东北话"),
    ("山东省潍坊市", "潍坊话"), ("江苏省徐州市", "徐州话"), ("山东省青岛市平度市", "青岛话"),
    ("湖北省黄冈市", "湖北话"), ("辽宁省大连市", "大连话"), ("", ""),
)
ALIASES = ("桥洞老人", "地下通道大叔", "车站广场阿姨", "烂尾楼青年", "公园长椅老汉", "码头老李",
           "涵洞里的人", "商场门口大爷")
MARKS = ("左手缺一指", "右脸有疤", "跛行，左腿", "戴黑框眼镜", "额头有胎记", "光头，络腮胡",
         "左臂纹身（龙）", "")
CATEGORY_MIX = (
    [Category.JOBLESS_MIGRANT], [Category.JOBLESS_MIGRANT, Category.ROUGH_SLEEPER],
    [Category.ROUGH_SLEEPER], [Category.ROBBED], [Category.DOMESTIC_VIOLENCE],
    [Category.MENTAL_ILLNESS, Category.ROUGH_SLEEPER], [Category.DISABILITY],
    [Category.CRITICALLY_ILL], [Category.OTHER], [Category.ROUGH_SLEEPER],
)


def populate(ctx) -> None:
    rng = ctx.rng
    today = ctx.now.date()
    season_start = datetime.date(today.year, 11, 4) if today.month >= 11 else \
        datetime.date(today.year - 1, 11, 4)
    districts = list(District.objects.all())
    people = []
    for _index in range(ctx.count(140, minimum=20)):
        categories = list(rng.choice(CATEGORY_MIX))
        sex = "F" if Category.DOMESTIC_VIOLENCE in categories or rng.random() < 0.2 else "M"
        unknown = rng.random() < 0.12
        surname, given = chinese_name(rng)
        age = rng.choice((rng.randint(19, 45), rng.randint(40, 62), rng.randint(60, 84)))
        if rng.random() < 0.04:
            age = rng.randint(13, 17)
        place, dialect = rng.choice(NATIVE_PLACES)
        met = season_start + datetime.timedelta(days=rng.randint(0, max(0, (today - season_start
                                                                             ).days)))
        flags = [flag for flag, chance in ((Flag.NO_WARM_CLOTHING, .3), (Flag.FROSTBITE, .08),
                                           (Flag.CHRONIC_ILLNESS, .15), (Flag.INTOXICATED, .07),
                                           (Flag.COMMUNICATION, .05)) if rng.random() < chance]
        person = Person(
            name="" if unknown else surname + given,
            alias=rng.choice(ALIASES) if unknown or rng.random() < 0.1 else "",
            self_name=surname + rng.choice("伟强军明") if unknown and rng.random() < 0.4 else "",
            sex=sex, age_estimate=age, age_estimated_on=met,
            native_place="" if unknown else place, dialect=dialect,
            height_cm=rng.randint(150, 168) if sex == "F" else rng.randint(160, 182),
            marks=rng.choice(MARKS), categories=categories, flags=flags,
            status=Status.ON_STREET, district=rng.choice(districts),
            mental_state="言语混乱，时有自言自语" if Category.MENTAL_ILLNESS in categories else "",
        )
        save_person(person, day=today)
        people.append((person, met))
    ctx.shared["people"] = people
