"""A labelled winter night of public reports, written from what such nights bring.

Each generated report carries the id of the person (or group) it is about, which intake never
sees. The scenes are those dispatchers describe, not those the merge code handles: several
different people sheltering at one busy place, reported minutes apart; one person reported by
three passers-by who each see and say something different (a partial description, another word
for the same old man, a wrong head count, no description at all, phones placing them 20–200 m
apart); reports with nothing but a location; a burst after a post spreads on social media; and
everyone else in the city reported once or twice. The reporters' words include many the parser
has no entry for (老爷子, 流浪汉, 深色衣服, 拾荒的): people do not write for parsers.
"""

from __future__ import annotations

import datetime
import math
import random
from dataclasses import dataclass, field

# Real Qingdao places where people shelter on cold nights (WGS-84, approximate).
PLACES = {
    "台东步行街": (36.0858, 120.3557),
    "青岛站东广场": (36.0648, 120.3135),
    "中山路天主教堂": (36.0668, 120.3195),
    "五四广场": (36.0612, 120.3845),
    "李村公园": (36.1590, 120.4330),
    "青岛北站": (36.1707, 120.3786),
    "辽宁路": (36.0790, 120.3468),
    "海云庵": (36.0905, 120.3660),
    "浮山后": (36.1010, 120.4180),
    "四方长途汽车站": (36.1036, 120.3722),
}
BUSY_PLACES = ["台东步行街", "青岛站东广场", "李村公园", "四方长途汽车站"]
NIGHT_START = datetime.datetime(2026, 12, 18, 19, 0, tzinfo=datetime.timezone(
    datetime.timedelta(hours=8)))
NIGHT_HOURS = 12

# (what is true, weight)
SEXES = [("male", 0.8), ("female", 0.2)]
AGES = [("elderly", 0.4), ("middle", 0.35), ("young", 0.2), ("child", 0.05)]
COATS = [("black", 0.35), ("blue", 0.15), ("grey", 0.15), ("green", 0.1), ("brown", 0.1),
         ("red", 0.05), ("white", 0.05), ("purple", 0.05)]
POSTURES = [("lying", 0.4), ("sitting", 0.45), ("standing", 0.15)]
GROUP_SIZES = [(1, 0.85), (2, 0.12), (3, 0.03)]

WHO = {
    ("male", "elderly"): ["老大爷", "大爷", "老人", "老头", "老爷子", "老年男性", "上了年纪的男的",
                          "七十多岁的老汉", "老先生"],
    ("female", "elderly"): ["老太太", "大妈", "老奶奶", "老人", "老年女性", "大娘", "阿姨"],
    ("male", "middle"): ["中年男子", "大叔", "男的", "中年男性", "大哥", "四十来岁的男人"],
    ("female", "middle"): ["中年妇女", "阿姨", "大姐", "女的", "中年女性"],
    ("male", "young"): ["小伙子", "年轻男子", "男的", "小伙", "年轻人"],
    ("female", "young"): ["年轻女子", "姑娘", "女的", "小姑娘", "年轻女的"],
    ("male", "child"): ["小孩", "男孩", "孩子", "小男孩"],
    ("female", "child"): ["小孩", "女孩", "孩子", "小女孩"],
}
VAGUE_WHO = ["人", "流浪汉", "拾荒的", "流浪人员", "露宿的"]
COLOUR_WORDS = {
    "black": ["黑色", "黑", "深色"], "blue": ["蓝色", "深蓝色", "藏青色", "蓝"],
    "grey": ["灰色", "灰"], "green": ["军绿色", "绿色", "军大衣那种绿"],
    "brown": ["棕色", "咖啡色", "土黄色"], "red": ["红色", "大红"],
    "white": ["白色", "浅色"], "purple": ["紫色", "紫红色"],
}
# What a tired reporter at night mistakes a colour for.
MISSEEN = {"black": ["blue", "grey"], "blue": ["black"], "grey": ["black", "white"],
           "green": ["grey", "black"], "brown": ["black", "grey"], "red": ["purple"],
           "white": ["grey"], "purple": ["red", "black"]}
COATS_WORDS = ["羽绒服", "棉袄", "棉衣", "大衣", "外套", "棉服"]
POSTURE_WORDS = {"lying": ["躺在地上", "躺着", "睡在那", "蜷缩在地上", "倒在地上"],
                 "sitting": ["坐在地上", "坐着", "蹲在角落", "坐在台阶上"],
                 "standing": ["站着", "来回走", "在那徘徊"]}
ITEMS = {"bedding": ["裹着被子", "盖着毯子", "有铺盖卷"],
         "luggage": ["带着行李", "有个大编织袋", "拖着箱子", "一堆袋子"],
         "cardboard": ["铺着纸板", "睡在纸箱上"], "wheelchair": ["坐轮椅"],
         "dog": ["带着一条狗"], "crutch": ["拄着拐杖"]}
ITEM_CHANCES = [("bedding", 0.3), ("luggage", 0.25), ("cardboard", 0.1), ("wheelchair", 0.03),
                ("dog", 0.03), ("crutch", 0.03)]
EXTRA = ["好像很冷", "穿得很少", "衣衫单薄", "一动不动", "喊了没反应", "身上有酒味", "看着不太对劲",
         "麻烦快来看看", "已经待了好几天了", ""]
WHERE = ["门口", "地下通道里", "桥洞下", "长椅上", "公交站旁边", "商场外面", "路边", "楼梯下面"]


@dataclass
class Person:
    """Who is really there: one person, or a group who stay together."""

    id: int
    lat: float
    lon: float
    size: int
    sex: str
    age: str
    coat: str
    posture: str
    items: list[str]
    seen_from: datetime.datetime
    leaves_at: datetime.datetime


@dataclass
class Report:
    person_id: int
    lat: float
    lon: float
    at: datetime.datetime
    description: str
    people_count: int
    flags: list[str] = field(default_factory=list)
    scene: str = ""


def _pick(rng: random.Random, weighted: list[tuple]) -> object:
    return rng.choices([value for value, _w in weighted], [w for _v, w in weighted])[0]


def _offset(lat: float, lon: float, metres: float, rng: random.Random) -> tuple[float, float]:
    bearing = rng.uniform(0, 2 * math.pi)
    north, east = metres * math.cos(bearing), metres * math.sin(bearing)
    return (lat + north / 111_320, lon + east / (111_320 * math.cos(math.radians(lat))))


class Night:
    """The people out tonight and the reports about them, in arrival order."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.people: list[Person] = []
        self.reports: list[Report] = []

    def person(self, place: str, *, spread_m: float = 60, at: datetime.datetime | None = None,
               size: int | None = None) -> Person:
        rng = self.rng
        lat, lon = _offset(*PLACES[place], rng.uniform(0, spread_m), rng)
        seen = at or NIGHT_START + datetime.timedelta(minutes=rng.uniform(0, NIGHT_HOURS * 60))
        person = Person(
            id=len(self.people) + 1, lat=lat, lon=lon,
            size=size or _pick(rng, GROUP_SIZES), sex=_pick(rng, SEXES), age=_pick(rng, AGES),
            coat=_pick(rng, COATS), posture=_pick(rng, POSTURES),
            items=[item for item, chance in ITEM_CHANCES if rng.random() < chance],
            seen_from=seen, leaves_at=seen + datetime.timedelta(hours=rng.uniform(2, 8)))
        self.people.append(person)
        return person

    def report(self, person: Person, *, after_min: float, scene: str, error_m: float | None = None,
               detail: float | None = None, wrong_count: float = 0.1) -> Report:
        """A passer-by's report: where their phone puts them, what they noticed and said."""
        rng = self.rng
        error = error_m if error_m is not None else rng.choice([10, 20, 35, 60, 100, 180])
        lat, lon = _offset(person.lat, person.lon, rng.uniform(0.3, 1.0) * error, rng)
        at = person.seen_from + datetime.timedelta(minutes=after_min)
        description = self.describe(person, detail if detail is not None else rng.random(),
                                    wrong_count)
        count = person.size if rng.random() < 0.5 else 1  # the form's default is often left
        flags = []
        if person.posture == "lying" and rng.random() < 0.5:
            flags.append("lying_down")
        if person.age == "elderly" and rng.random() < 0.4:
            flags.append("elderly")
        if person.age == "child" and rng.random() < 0.6:
            flags.append("child")
        if rng.random() < 0.2:
            flags.append("underdressed")
        made = Report(person.id, lat, lon, at, description, count, flags, scene)
        self.reports.append(made)
        return made

    def describe(self, person: Person, detail: float, wrong_count: float) -> str:
        """Free text as the public and hotline operators write it; `detail` 0 says nothing."""
        rng = self.rng
        if detail < 0.15:
            return ""
        parts: list[str] = []
        size = person.size
        if rng.random() < wrong_count:
            size = rng.choice([size + 1, 3 if size == 1 else 1])
        who = (rng.choice(WHO[(person.sex, person.age)]) if rng.random() < 0.3 + 0.6 * detail
               else rng.choice(VAGUE_WHO))
        if size == 1:
            parts.append(rng.choice(["一个", "有个", "有一个", ""]) + who)
        elif size == 2:
            parts.append(rng.choice(["两个人", "俩人", f"两个{who}", "一男一女"]))
        else:
            parts.append(rng.choice(["几个人", "一群人", "三个人", "好几个"]))
        if rng.random() < detail:
            parts.append(rng.choice(POSTURE_WORDS[self._posture_seen(person)]))
        if rng.random() < detail:
            coat = person.coat if rng.random() > 0.12 else rng.choice(MISSEEN[person.coat])
            parts.append(rng.choice(["穿", "穿着", ""]) + rng.choice(COLOUR_WORDS[coat])
                         + rng.choice(["", "的"]) + rng.choice(COATS_WORDS))
        for item in person.items:
            if rng.random() < detail:
                parts.append(rng.choice(ITEMS[item]))
        if rng.random() < 0.6:
            parts.append(rng.choice(EXTRA))
        details = parts[1:]
        rng.shuffle(details)  # people say what struck them first
        text = "，".join(part for part in [parts[0], *details] if part)
        style = rng.random()
        if style < 0.2:
            return f"来电称{rng.choice(WHERE)}{text}"  # a hotline operator's note
        if style < 0.3:
            return f"环卫工反映：{text}"
        return rng.choice(WHERE) + text if rng.random() < 0.4 else text

    def _posture_seen(self, person: Person) -> str:
        # People sit up and lie down again between two passers-by.
        if self.rng.random() < 0.2:
            return self.rng.choice(["lying", "sitting"])
        return person.posture


def night(seed: int = 1, *, scale: int = 1) -> Night:
    """The scenes of one night, `scale` times over."""
    tonight = Night(seed)
    rng = tonight.rng
    for _round in range(scale):
        # Several different people at one busy place, reported minutes apart.
        for place in BUSY_PLACES:
            start = NIGHT_START + datetime.timedelta(minutes=rng.uniform(60, 600))
            for _ in range(rng.randint(3, 6)):
                person = tonight.person(place, spread_m=80,
                                        at=start + datetime.timedelta(minutes=rng.uniform(0, 20)))
                for _time in range(rng.choice([1, 1, 2])):
                    tonight.report(person, after_min=rng.uniform(0, 30), scene="busy place")
        # One person, three reporters who see and say it differently.
        for _ in range(8):
            person = tonight.person(rng.choice(list(PLACES)), size=1)
            minutes = sorted(rng.uniform(0, 45) for _ in range(3))
            for index, (error, detail) in enumerate(
                    [(20, 0.9), (rng.uniform(60, 200), 0.5), (rng.uniform(20, 120), 0.0)]):
                tonight.report(person, after_min=minutes[index], error_m=error, detail=detail,
                               wrong_count=0.3, scene="three reporters")
        # Reports with nothing but a location.
        for _ in range(10):
            person = tonight.person(rng.choice(list(PLACES)), spread_m=300)
            for _time in range(rng.choice([1, 1, 2])):
                tonight.report(person, after_min=rng.uniform(0, 40), detail=0.0,
                               scene="no description")
        # A burst: a post about 青岛站 spreads; a dozen reports in ten minutes about a few people.
        start = NIGHT_START + datetime.timedelta(minutes=rng.uniform(120, 480))
        crowd = [tonight.person("青岛站东广场", spread_m=60, at=start) for _ in range(3)]
        for _ in range(12):
            tonight.report(rng.choices(crowd, [6, 3, 1])[0], after_min=rng.uniform(0, 10),
                           scene="burst")
        # Everyone else in the city, reported once or twice.
        for _ in range(25):
            person = tonight.person(rng.choice(list(PLACES)), spread_m=800)
            for _time in range(rng.choice([1, 1, 1, 2])):
                tonight.report(person, after_min=rng.uniform(0, 60), scene="elsewhere")
    tonight.reports.sort(key=lambda report: report.at)
    return tonight
