"""A generated cold night (演练之夜): the people out in the cold, when and how they are reported.

What a real night brings, not what the code handles: people gather at the city's hotspots, so
two different people are often at one place minutes apart; one person is reported by several
passers-by who describe them differently, with phones a few dozen metres off; a third of the
reports come without coordinates (a typed place, or only the district, from the hotline); some
people leave before anyone comes, the most vulnerable least often; a surge is a burst of reports
within an hour or two. Pure Python: the same seed gives the same night.
"""

from __future__ import annotations

import datetime
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field

METRES_PER_DEGREE = 111_320.0
ALL_NIGHT = datetime.timedelta(hours=24)

SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗"
COLOURS = ("黑色", "灰色", "蓝色", "红色", "绿色", "棕色", "白色", "黄色")
GARMENTS = ("棉袄", "羽绒服", "大衣", "外套", "夹克")
ITEMS = ("", "", "", "带着被子", "身边有编织袋", "推着轮椅", "背着大包")
POSTURES = {"lying": ("躺在地上", "躺着", "睡在地上"), "sitting": ("坐着", "蹲坐在墙边"),
            "standing": ("站着", "来回走动")}
WHO = {
    ("M", "elderly"): ("老大爷", "老人", "大爷", "一位老人"),
    ("F", "elderly"): ("老大娘", "老人", "大妈", "老太太"),
    ("M", "middle"): ("中年男子", "男的", "一个大哥", "中年人"),
    ("F", "middle"): ("中年女子", "女的", "一位大姐", "中年人"),
    ("M", "young"): ("年轻小伙", "年轻男的", "小伙子"),
    ("F", "young"): ("年轻女孩", "年轻女的", "姑娘"),
    ("M", "child"): ("小男孩", "孩子", "小孩"),
    ("F", "child"): ("小女孩", "孩子", "小孩"),
}
TYPO = {"通道": "通到", "广场": "广厂", "步行街": "布行街", "桥": "侨", "地下": "底下"}
PLACE_TAILS = ("附近", "那边", "门口", "旁边", "")
VAGUE_PLACES = ("路边，说不清哪条路", "一个公交站旁边", "小区门口，不知道叫什么", "马路边上",
                "一座桥下面")


@dataclass(frozen=True)
class Hotspot:
    name: str
    lat: float
    lon: float
    district_id: int
    risk: int = 2


@dataclass(frozen=True)
class District:
    pk: int
    name: str
    lat: float
    lon: float


@dataclass
class Person:
    """Someone out in the cold tonight, with what a reporter can see."""

    key: int
    lat: float
    lon: float
    district_id: int
    hotspot: str
    appears_at: datetime.datetime
    leaves_at: datetime.datetime
    sex: str
    age: str
    colour: str
    garment: str
    posture: str
    item: str
    people: int
    flags: tuple[str, ...]

    @property
    def is_high_risk(self) -> bool:
        return bool({"lying_down", "injured_ill", "child"} & set(self.flags)) or (
            "elderly" in self.flags and "underdressed" in self.flags)


@dataclass
class Report:
    """One report of a person, as it reaches the system."""

    person: int
    at: datetime.datetime
    source: str  # public_api or hotline
    lat: float | None
    lon: float | None
    place: str
    district_id: int | None
    description: str
    people_count: int
    flags: list[str] = field(default_factory=list)
    phone: str = ""


@dataclass
class Night:
    start: datetime.datetime
    end: datetime.datetime
    people: list[Person]
    reports: list[Report]


def generate(*, hotspots: list[Hotspot], districts: list[District], start: datetime.datetime,
             hours: float, reports: int, seed: int, surge: bool = False,
             district_of: Callable[[float, float], int | None] | None = None) -> Night:
    """`reports` reports over `hours` from `start`; a surge packs half of them into a burst.
    `district_of` tells the district of a point (None off the city's land)."""
    rng = random.Random(seed)
    end = start + datetime.timedelta(hours=hours)
    people: list[Person] = []
    made: list[Report] = []
    burst_at = start + datetime.timedelta(hours=hours * rng.uniform(0.25, 0.45))
    while len(made) < reports:
        appears = _arrival(rng, start, hours, burst_at if surge and rng.random() < 0.5 else None)
        person = _person(rng, len(people) + 1, appears, end, hotspots, districts,
                         district_of or (lambda lat, lon: None))
        people.append(person)
        made.extend(_reports(rng, person, end, hotspots))
    made = sorted(made, key=lambda r: r.at)[:reports]
    reported = {r.person for r in made}
    return Night(start, end, [p for p in people if p.key in reported], made)


def _arrival(rng: random.Random, start: datetime.datetime, hours: float,
             burst_at: datetime.datetime | None) -> datetime.datetime:
    if burst_at is not None:
        return burst_at + datetime.timedelta(minutes=abs(rng.gauss(0, 40)))
    # More people settle down in the evening than towards dawn.
    offset = min(rng.betavariate(1.3, 2.2), 0.97) * hours
    return start + datetime.timedelta(hours=offset)


def _person(rng: random.Random, key: int, appears: datetime.datetime, end: datetime.datetime,
            hotspots: list[Hotspot], districts: list[District],
            district_of: Callable[[float, float], int | None]) -> Person:
    if hotspots and rng.random() < 0.75:
        spot = rng.choices(hotspots, weights=[h.risk ** 2 for h in hotspots])[0]
        lat, lon = _scatter(rng, spot.lat, spot.lon, rng.uniform(0, 120))
        district_id, hotspot = spot.district_id, spot.name
    else:
        home = rng.choice(districts)
        lat, lon, district_id, hotspot = home.lat, home.lon, home.pk, ""
        for _attempt in range(20):  # somewhere on land in the city, not in the sea
            near = _scatter(rng, home.lat, home.lon, rng.uniform(300, 2500))
            found = district_of(*near)
            if found is not None:
                (lat, lon), district_id = near, found
                break
    district_id = district_of(lat, lon) or district_id
    age = rng.choices(("elderly", "middle", "young", "child"), weights=(38, 44, 16, 2))[0]
    sex = "M" if rng.random() < 0.8 else "F"
    posture = rng.choices(("lying", "sitting", "standing"), weights=(30, 50, 20))[0]
    flags = set()
    if posture == "lying":
        flags.add("lying_down")
    if age == "elderly":
        flags.add("elderly")
    if age == "child":
        flags.add("child")
    for flag, share in (("underdressed", 0.4), ("intoxicated", 0.1), ("injured_ill", 0.08),
                        ("confused", 0.1)):
        if rng.random() < share:
            flags.add(flag)
    people = rng.choices((1, 2, 3), weights=(86, 11, 3))[0]
    person = Person(key, lat, lon, district_id, hotspot, appears, end, sex, age,
                    rng.choice(COLOURS), rng.choice(GARMENTS), posture, rng.choice(ITEMS),
                    people, tuple(sorted(flags)))
    # Many stay where they are all night; the rest move on after a while, the most vulnerable
    # (lying down, injured, a child) rarely.
    if rng.random() < (0.7 if person.is_high_risk else 0.4):
        person.leaves_at = appears + ALL_NIGHT
    else:
        person.leaves_at = appears + datetime.timedelta(minutes=rng.expovariate(1 / 150) + 15)
    return person


def _reports(rng: random.Random, person: Person, end: datetime.datetime,
             hotspots: list[Hotspot]) -> list[Report]:
    first = person.appears_at + datetime.timedelta(minutes=rng.expovariate(1 / 12))
    times = [first]
    extra = 0
    while rng.random() < (0.35 if extra == 0 else 0.3) and extra < 4:
        extra += 1
        times.append(first + datetime.timedelta(minutes=rng.uniform(3, 70)))
    found = []
    for at in times:
        if at >= min(person.leaves_at, end):
            continue
        found.append(_report(rng, person, at, hotspots))
    return found


def _report(rng: random.Random, person: Person, at: datetime.datetime,
            hotspots: list[Hotspot]) -> Report:
    shown = [f for f in person.flags if rng.random() < 0.7]
    if rng.random() < 0.05:
        shown.append(rng.choice(("underdressed", "confused", "intoxicated")))
    count = person.people if rng.random() < 0.88 else max(1, person.people + rng.choice((-1, 1)))
    description = _describe(rng, person, count) if rng.random() < 0.85 else ""
    phone = f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" if rng.random() < 0.6 else ""
    roll = rng.random()
    if roll < 0.65:  # a phone's position, tens of metres off
        lat, lon = _scatter(rng, person.lat, person.lon, abs(rng.gauss(0, 35)))
        return Report(person.key, at, "public_api", lat, lon, "", None, description, count,
                      sorted(set(shown)), phone)
    if roll < 0.85 and person.hotspot:  # a hotline caller names the place, maybe misspelt
        return Report(person.key, at, "hotline", None, None, _place_text(rng, person.hotspot),
                      person.district_id, description, count, sorted(set(shown)), phone)
    # The caller cannot say where: the operator takes the district and a word about it.
    return Report(person.key, at, "hotline", None, None, rng.choice(VAGUE_PLACES),
                  person.district_id, description, count, sorted(set(shown)), phone)


def _describe(rng: random.Random, person: Person, count: int) -> str:
    who = rng.choice(WHO[(person.sex, person.age)])
    parts = []
    if count > 1:
        parts.append(f"{'两' if count == 2 else '几'}个人")
    parts.append(who if count == 1 or rng.random() < 0.5 else "")
    if rng.random() < 0.7:
        parts.append(f"穿{person.colour}{person.garment}" if rng.random() < 0.8
                     else f"穿{person.garment}")
    if rng.random() < 0.7:
        parts.append(rng.choice(POSTURES[person.posture]))
    if person.item and rng.random() < 0.6:
        parts.append(person.item)
    return "，".join(part for part in parts if part)


def _place_text(rng: random.Random, name: str) -> str:
    text = name
    if rng.random() < 0.2:
        for right, wrong in TYPO.items():
            if right in text:
                text = text.replace(right, wrong, 1)
                break
    return text + rng.choice(PLACE_TAILS)


def _scatter(rng: random.Random, lat: float, lon: float, metres: float) -> tuple[float, float]:
    angle = rng.uniform(0, 2 * math.pi)
    dlat = metres * math.cos(angle) / METRES_PER_DEGREE
    dlon = metres * math.sin(angle) / (METRES_PER_DEGREE * math.cos(math.radians(lat)))
    return round(lat + dlat, 6), round(lon + dlon, 6)
