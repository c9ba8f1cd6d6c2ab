"""Whether a new report and an open lead are about the same person(s): a probability with reasons.

Intake merges a report into an open lead only when this says they are probably the same
people; two reports from one busy underpass minutes apart are often about different people.
The evidence is weighed as log-odds (naive Bayes): place and time give the starting odds, then
what the reporters saw moves them. A conflict (a man and a woman, a child and an old person, a
red coat and a blue one, one person and three) weighs strongly against, agreement for, and
whatever one report does not say is neutral. Each piece of evidence is a `Reason` (a code, its
weight and its parameters), so staff see why two reports were or were not merged.

Pure Python (Pillow for the photo hash): no Django, so the benchmark and the property tests run it
on generated reports directly. The weights were set from `benchmarks/merge` (see its README).
"""

from __future__ import annotations

import datetime
import io
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TypeVar

from PIL import Image, UnidentifiedImageError

from songnuan.geo.distance import haversine_m

# Place: phones place the same spot 20–200 m apart; (metres, log-odds) points of a piecewise-linear
# curve, flat beyond its ends.
DISTANCE_CURVE = ((0.0, 2.0), (40.0, 1.8), (100.0, 1.0), (200.0, -0.2), (300.0, -1.2))
# Time: (minutes, log-odds); people move on, so later reports are weaker evidence.
TIME_CURVE = ((0.0, 0.6), (20.0, 0.4), (60.0, 0.0), (120.0, -0.6))
BASE_LOG_ODDS = -1.0
# Platt scaling of the summed log-odds, fitted by `python -m benchmarks.merge.fit` on generated
# nights so that a probability of 0.7 is right about seven times in ten.
CALIBRATION_SCALE = 0.85
CALIBRATION_SHIFT = -0.41
NO_PLACE_LOG_ODDS = -1.5  # one of the two has no coordinates
# Each other open incident around makes any particular one less likely to be this person.
CROWD_LOG_ODDS_PER_INCIDENT = -0.45
CROWD_MAX_INCIDENTS = 6
VETO_PROBABILITY = 0.02  # a man is never a woman, a child never an old person

SEX_AGREE, SEX_CONFLICT = 0.8, -5.0
AGE_AGREE, AGE_NEIGHBOUR, AGE_CONFLICT = 0.6, -0.8, -3.0
COLOUR_AGREE, COLOUR_NEAR, COLOUR_CONFLICT = 1.3, -0.3, -2.5
GARMENT_AGREE = 0.3
POSTURE_AGREE, POSTURE_CONFLICT = 0.3, -0.5
ITEM_AGREE, DISTINCT_ITEM_AGREE = 0.6, 1.2
COUNT_AGREE_GROUP, COUNT_NEAR, COUNT_CONFLICT = 0.9, -1.2, -2.5
FLAG_AGREE, FLAGS_MAX = 0.3, 0.9
SAME_WORDS = 1.5
PHOTO_SAME, PHOTO_SIMILAR, PHOTO_DIFFERENT = 2.0, 1.0, -0.6
PHOTO_SAME_BITS, PHOTO_SIMILAR_BITS, PHOTO_DIFFERENT_BITS = 6, 12, 28
SAME_WORDS_MIN_CHARS = 6
K = TypeVar("K")
CONFLICTS = {"sex_conflict", "age_conflict", "colour_conflict", "count_conflict"}

# --- what a description says ----------------------------------------------------------------

MALE, FEMALE = "male", "female"
CHILD, YOUNG, MIDDLE, ELDERLY = "child", "young", "middle", "elderly"
AGE_ORDER = {CHILD: 0, YOUNG: 1, MIDDLE: 2, ELDERLY: 3}

# (word, sex, age group); the pattern tries longer words first: 老大爷 before 大爷, 女孩 before 女.
PERSON_WORDS: tuple[tuple[str, str | None, str | None], ...] = (
    ("老大爷", MALE, ELDERLY), ("老大娘", FEMALE, ELDERLY), ("老太太", FEMALE, ELDERLY),
    ("老爷爷", MALE, ELDERLY), ("老奶奶", FEMALE, ELDERLY), ("老头儿", MALE, ELDERLY),
    ("老婆婆", FEMALE, ELDERLY), ("小伙子", MALE, YOUNG), ("小姑娘", FEMALE, YOUNG),
    ("小朋友", None, CHILD), ("老先生", MALE, ELDERLY), ("中年人", None, MIDDLE),
    ("年轻人", None, YOUNG), ("老年人", None, ELDERLY), ("男孩", MALE, CHILD),
    ("女孩", FEMALE, CHILD), ("小孩", None, CHILD), ("孩子", None, CHILD), ("儿童", None, CHILD),
    ("学生", None, YOUNG), ("大爷", MALE, ELDERLY), ("大娘", FEMALE, ELDERLY),
    ("大妈", FEMALE, ELDERLY), ("老头", MALE, ELDERLY), ("老太", FEMALE, ELDERLY),
    ("老汉", MALE, ELDERLY), ("爷爷", MALE, ELDERLY), ("奶奶", FEMALE, ELDERLY),
    ("婆婆", FEMALE, ELDERLY), ("老人", None, ELDERLY), ("老者", None, ELDERLY),
    ("大叔", MALE, MIDDLE), ("大哥", MALE, MIDDLE), ("大姐", FEMALE, MIDDLE),
    ("阿姨", FEMALE, MIDDLE), ("中年", None, MIDDLE), ("小伙", MALE, YOUNG),
    ("姑娘", FEMALE, YOUNG), ("青年", None, YOUNG), ("年轻", None, YOUNG), ("小哥", MALE, YOUNG),
    ("男子", MALE, None), ("男人", MALE, None), ("男士", MALE, None), ("男性", MALE, None),
    ("女子", FEMALE, None), ("女人", FEMALE, None), ("女士", FEMALE, None),
    ("女性", FEMALE, None), ("妇女", FEMALE, None), ("男", MALE, None), ("女", FEMALE, None),
    ("老爷子", MALE, ELDERLY), ("老太婆", FEMALE, ELDERLY), ("老年", None, ELDERLY),
    ("上了年纪", None, ELDERLY), ("流浪汉", MALE, None), ("醉汉", MALE, None),
    ("小女孩", FEMALE, CHILD), ("小男孩", MALE, CHILD),
)
# People named by what they do: counted as people, saying nothing of sex or age.
VAGUE_PEOPLE = ("拾荒的", "流浪人员", "露宿的", "要饭的", "乞丐", "流浪者")
_PERSON_PATTERN = re.compile("|".join(
    re.escape(word) for word in sorted((w for w, _s, _a in PERSON_WORDS), key=len, reverse=True)))
_PERSON = {word: (sex, age) for word, sex, age in PERSON_WORDS}

COLOURS = {
    "深蓝": "blue", "藏青": "blue", "藏蓝": "blue", "天蓝": "blue", "蓝": "blue",
    "大红": "red", "红": "red", "粉": "pink", "橙": "orange", "橘": "orange",
    "黄": "yellow", "军绿": "green", "墨绿": "green", "绿": "green", "黑": "black",
    "白": "white", "灰": "grey", "咖啡": "brown", "棕": "brown", "褐": "brown",
    "卡其": "brown", "紫": "purple", "花": "patterned", "迷彩": "camouflage",
}
# Colours a passer-by at night may well tell apart differently.
NEAR_COLOURS = {frozenset(pair) for pair in (
    ("black", "grey"), ("black", "blue"), ("grey", "white"), ("red", "pink"),
    ("red", "orange"), ("orange", "yellow"), ("brown", "yellow"), ("green", "camouflage"),
    ("brown", "grey"), ("purple", "red"), ("purple", "blue"), ("black", "brown"),
    ("green", "grey"),
)}
# (word, garment class): every upper-body garment is one class, as 棉袄 and 羽绒服 are often the
# same coat described by two people.
GARMENTS = {
    "羽绒服": "coat", "棉袄": "coat", "棉衣": "coat", "大衣": "coat", "外套": "coat",
    "夹克": "coat", "军大衣": "coat", "棉服": "coat", "卫衣": "coat", "毛衣": "coat",
    "上衣": "coat", "衣服": "coat", "褂子": "coat", "马甲": "coat", "衣": "coat",
    "裤子": "trousers", "棉裤": "trousers", "裤": "trousers",
    "帽子": "hat", "帽": "hat", "围巾": "scarf", "鞋": "shoes", "拖鞋": "shoes",
}
_COLOUR_WORDS = "|".join(sorted(map(re.escape, COLOURS), key=len, reverse=True))
_GARMENT_WORDS = "|".join(sorted(map(re.escape, GARMENTS), key=len, reverse=True))
_DRESSED = re.compile(rf"({_COLOUR_WORDS})[色的]*\w{{0,2}}?({_GARMENT_WORDS})")
_GARMENT = re.compile(_GARMENT_WORDS)

POSTURES = (("躺", "lying"), ("卧在", "lying"), ("睡", "lying"), ("倒在", "lying"),
            ("坐", "sitting"), ("蹲", "sitting"), ("站着", "standing"), ("站在", "standing"),
            ("走来走去", "standing"), ("走动", "standing"), ("徘徊", "standing"),
            ("溜达", "standing"))
ITEMS = (("轮椅", "wheelchair"), ("拐杖", "crutch"), ("狗", "dog"), ("被子", "bedding"),
         ("被褥", "bedding"), ("毯子", "bedding"), ("睡袋", "bedding"), ("铺盖", "bedding"),
         ("行李", "luggage"), ("箱子", "luggage"), ("编织袋", "luggage"), ("蛇皮袋", "luggage"),
         ("袋子", "luggage"), ("背包", "luggage"), ("包袱", "luggage"), ("大包", "luggage"),
         ("纸箱", "cardboard"), ("纸板", "cardboard"), ("三轮", "cart"), ("推车", "cart"))
DISTINCT_ITEMS = {"wheelchair", "crutch", "dog", "cart"}
# Place and family words that hold 男/女 without saying anything about the person.
NOT_ABOUT_THE_PERSON = re.compile(r"[男女](?:厕所?|卫生间|洗手间|浴室|澡堂)|儿女|子女|男女老少")

_DIGITS = {"一": 1, "二": 2, "两": 2, "俩": 2, "三": 3, "仨": 3, "四": 4, "五": 5, "六": 6,
           "七": 7, "八": 8, "九": 9}
_NUMBER = (r"\d{1,2}|[二三四五六七八九]{2}十|[一二三四五六七八九]?十[一二三四五六七八九]?"
           r"|[一二两三四五六七八九]{1,2}")
_COUNT = re.compile(rf"({_NUMBER}|好几|几)\s*(?:[个位名口][^，。,.;；！!？?\s]{{0,8}}?"
                    rf"(?:人|{_PERSON_PATTERN.pattern}|{'|'.join(VAGUE_PEOPLE)})|人)")
_PAIR = re.compile(r"一男一女|他俩|她俩|俩人|两口子|夫妻|母子|父子|母女|父女|一家")
_GROUP = re.compile(r"一群|一伙|一帮|好几个|几个人|几位|很多人|好多人")
_AGE_YEARS = re.compile(rf"({_NUMBER})\s*(?:多|来|几)?\s*岁")
SEVERAL = 3  # 几个 reads as three or more


@dataclass(frozen=True)
class Attributes:
    """What a description says about the people: each field empty when it says nothing."""

    sexes: frozenset[str] = frozenset()
    ages: frozenset[str] = frozenset()
    colours: frozenset[tuple[str, str]] = frozenset()  # (garment class, colour)
    garments: frozenset[str] = frozenset()
    posture: str | None = None
    items: frozenset[str] = frozenset()
    count: int | None = None


def _number(text: str) -> int:
    """十, 二十, 七十五, 六七十 (sixty-odd), 三四 (three or four), 12 → the lower reading."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _sep, units = text.partition("十")
        return _DIGITS.get(tens[:1], 1) * 10 + _DIGITS.get(units, 0)
    return _DIGITS[text[0]]


def _age_group(years: int) -> str:
    if years < 14:
        return CHILD
    if years < 30:
        return YOUNG
    if years < 60:
        return MIDDLE
    return ELDERLY


@lru_cache(maxsize=4096)
def attributes(description: str) -> Attributes:
    """Read sex, age group, clothes, posture, belongings and head count from a description."""
    text = NOT_ABOUT_THE_PERSON.sub("", description.replace(" ", "")).replace("有个", "有一个")
    sexes: set[str] = set()
    ages: set[str] = set()
    for match in _PERSON_PATTERN.finditer(text):
        sex, age = _PERSON[match.group()]
        if sex:
            sexes.add(sex)
        if age:
            ages.add(age)
    ages.update(_age_group(_number(match.group(1))) for match in _AGE_YEARS.finditer(text))
    colours = {(GARMENTS[match.group(2)], COLOURS[match.group(1)])
               for match in _DRESSED.finditer(text)}
    garments = {GARMENTS[match.group()] for match in _GARMENT.finditer(text)}
    posture = next((name for word, name in POSTURES if word in text), None)
    items = {name for word, name in ITEMS if word in text}
    return Attributes(frozenset(sexes), frozenset(ages), frozenset(colours),
                      frozenset(garments), posture, frozenset(items), _head_count(text))


def _head_count(text: str) -> int | None:
    if _GROUP.search(text):
        return SEVERAL
    text = _AGE_YEARS.sub("", text)
    counts = [SEVERAL if match.group(1) in ("几", "好几") else _number(match.group(1))
              for match in _COUNT.finditer(text)]
    if _PAIR.search(text):
        counts.append(2)
    if len(counts) >= 2 and all(count == 1 for count in counts):
        return len(counts)  # 一个老人和一个小孩
    return max(counts) if counts else None


# --- the comparison ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Report:
    """One report as the comparison sees it."""

    lat: float | None
    lon: float | None
    at: datetime.datetime
    people_count: int = 1
    flags: frozenset[str] = frozenset()
    description: str = ""
    photo_hash: str = ""


@dataclass(frozen=True)
class Reason:
    """One piece of evidence: a code, its weight in log-odds, and what it was about."""

    code: str
    weight: float
    params: dict = field(default_factory=dict)

    def as_json(self) -> dict:
        return {"code": self.code, "weight": round(self.weight, 2), "params": self.params}


@dataclass(frozen=True)
class Verdict:
    """How likely two reports are about the same people, why, and how far apart they were."""

    probability: float
    reasons: tuple[Reason, ...]
    distance_m: float | None

    @property
    def evidence(self) -> float:
        """How much the reporters' words and photos said, for or against (not place or time)."""
        return sum(abs(reason.weight) for reason in self.reasons
                   if reason.code not in ("place", "no_place", "time", "crowd"))

    @property
    def has_conflict(self) -> bool:
        """Whether the reporters saw something that does not fit together."""
        return any(reason.code in CONFLICTS for reason in self.reasons)


def _curve(points: tuple[tuple[float, float], ...], x: float) -> float:
    if x <= points[0][0]:
        return points[0][1]
    for (x0, y0), (x1, y1) in zip(points, points[1:], strict=False):
        if x <= x1:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return points[-1][1]


def compare(new: Report, old: Report, *, crowd: int = 0) -> Verdict:
    """How likely `new` and `old` are about the same people, and why. Symmetric in the two
    reports; `crowd` is how many other open incidents are around (a busy place)."""
    reasons: list[Reason] = []
    distance = None
    if None in (new.lat, new.lon, old.lat, old.lon):
        reasons.append(Reason("no_place", NO_PLACE_LOG_ODDS))
    else:
        distance = haversine_m(new.lat, new.lon, old.lat, old.lon)
        reasons.append(Reason("place", _curve(DISTANCE_CURVE, distance),
                              {"metres": round(distance)}))
    minutes = abs((new.at - old.at).total_seconds()) / 60
    reasons.append(Reason("time", _curve(TIME_CURVE, minutes), {"minutes": round(minutes)}))
    if crowd:
        reasons.append(Reason("crowd", CROWD_LOG_ODDS_PER_INCIDENT * min(crowd,
                                                                          CROWD_MAX_INCIDENTS),
                              {"count": crowd}))
    first, second = _seen(new), _seen(old)
    veto = _compare_people(first, second, reasons)
    _compare_clothes(first, second, reasons)
    _compare_rest(new, old, first, second, reasons)
    log_odds = BASE_LOG_ODDS + sum(reason.weight for reason in reasons)
    probability = 1 / (1 + math.exp(-(CALIBRATION_SCALE * log_odds + CALIBRATION_SHIFT)))
    if veto:
        probability = min(probability, VETO_PROBABILITY)
    return Verdict(probability, tuple(reasons), distance)


def incident_verdict(new: Report, reports: Sequence[Report], *, crowd: int = 0) -> Verdict:
    """How like `new` an incident is, through each of its reports (three people describe one
    person differently). A conflict with any of them (a woman where the new report saw a man)
    decides: as unlike as the worst. Otherwise the report that says most about the people
    decides, so a vague report merged earlier cannot let a stranger in; among equally vague
    ones, the likeliest (the nearest, the latest)."""
    verdicts = [compare(new, report, crowd=crowd) for report in reports]
    conflicting = [verdict for verdict in verdicts if verdict.has_conflict]
    if conflicting:
        return min(conflicting, key=lambda verdict: verdict.probability)
    return max(verdicts, key=lambda verdict: (round(verdict.evidence, 6), verdict.probability))


def rank(new: Report, incidents: Mapping[K, Sequence[Report]], *,
         crowd: int | None = None) -> list[tuple[K, Verdict]]:
    """Every open incident around a new report, likeliest to be the same people first. The
    crowd is the other incidents around, unless said (those of a whole district)."""
    crowd = max(0, len(incidents) - 1 if crowd is None else crowd)
    ranked = [(key, incident_verdict(new, reports, crowd=crowd))
              for key, reports in incidents.items()]
    ranked.sort(key=lambda item: (-item[1].probability, item[1].distance_m or 0.0))
    return ranked


def _seen(report: Report) -> Attributes:
    """The description's attributes, with the flags and the form's head count filling gaps."""
    seen = attributes(report.description)
    ages = seen.ages
    if not ages:
        ages = frozenset(age for flag, age in (("elderly", ELDERLY), ("child", CHILD))
                         if flag in report.flags)
    posture = seen.posture or ("lying" if "lying_down" in report.flags else None)
    return Attributes(seen.sexes, ages, seen.colours, seen.garments, posture, seen.items,
                      seen.count)


def _compare_people(first: Attributes, second: Attributes, reasons: list[Reason]) -> bool:
    """Sex and age; True when they cannot be the same person (a veto)."""
    veto = False
    if first.sexes and second.sexes:
        if first.sexes.isdisjoint(second.sexes):
            reasons.append(Reason("sex_conflict", SEX_CONFLICT, {
                "first": sorted(first.sexes), "second": sorted(second.sexes)}))
            veto = True
        else:
            reasons.append(Reason("sex_agree", SEX_AGREE,
                                  {"sex": sorted(first.sexes & second.sexes)}))
    if first.ages and second.ages:
        if first.ages & second.ages:
            reasons.append(Reason("age_agree", AGE_AGREE,
                                  {"age": sorted(first.ages & second.ages)}))
        else:
            gap = min(abs(AGE_ORDER[a] - AGE_ORDER[b]) for a in first.ages for b in second.ages)
            pair = {"first": sorted(first.ages), "second": sorted(second.ages)}
            if gap == 1:
                reasons.append(Reason("age_neighbour", AGE_NEIGHBOUR, pair))
            else:
                reasons.append(Reason("age_conflict", AGE_CONFLICT, pair))
                veto = veto or {CHILD, ELDERLY} <= (first.ages | second.ages) and gap == 3
    return veto


def _compare_clothes(first: Attributes, second: Attributes, reasons: list[Reason]) -> None:
    garments_compared = set()
    for garment in sorted({g for g, _c in first.colours} & {g for g, _c in second.colours}):
        garments_compared.add(garment)
        mine = {colour for g, colour in first.colours if g == garment}
        theirs = {colour for g, colour in second.colours if g == garment}
        params = {"garment": garment, "first": sorted(mine), "second": sorted(theirs)}
        if mine & theirs:
            reasons.append(Reason("colour_agree", COLOUR_AGREE, params))
        elif all(frozenset((a, b)) in NEAR_COLOURS for a in mine for b in theirs):
            reasons.append(Reason("colour_near", COLOUR_NEAR, params))
        else:
            reasons.append(Reason("colour_conflict", COLOUR_CONFLICT, params))
    shared = (first.garments & second.garments) - garments_compared - {"coat"}
    if shared:
        reasons.append(Reason("garment_agree", GARMENT_AGREE, {"garments": sorted(shared)}))


def _compare_rest(new: Report, old: Report, first: Attributes, second: Attributes,
                  reasons: list[Reason]) -> None:
    if first.posture and second.posture:
        if first.posture == second.posture:
            reasons.append(Reason("posture_agree", POSTURE_AGREE, {"posture": first.posture}))
        else:
            reasons.append(Reason("posture_conflict", POSTURE_CONFLICT,
                                  {"first": first.posture, "second": second.posture}))
    for item in sorted(first.items & second.items):
        reasons.append(Reason("item_agree", DISTINCT_ITEM_AGREE if item in DISTINCT_ITEMS
                              else ITEM_AGREE, {"item": item}))
    _compare_counts(new, old, first, second, reasons)
    shared_flags = (new.flags & old.flags) - {"elderly", "child", "lying_down"}
    if shared_flags:
        reasons.append(Reason("flags_agree", min(FLAGS_MAX, FLAG_AGREE * len(shared_flags)),
                              {"flags": sorted(shared_flags)}))
    words = _normalised(new.description)
    if len(words) >= SAME_WORDS_MIN_CHARS and words == _normalised(old.description):
        reasons.append(Reason("same_words", SAME_WORDS))
    if new.photo_hash and old.photo_hash:
        bits = hash_distance(new.photo_hash, old.photo_hash)
        if bits <= PHOTO_SAME_BITS:
            reasons.append(Reason("photo_same", PHOTO_SAME, {"bits": bits}))
        elif bits <= PHOTO_SIMILAR_BITS:
            reasons.append(Reason("photo_similar", PHOTO_SIMILAR, {"bits": bits}))
        elif bits >= PHOTO_DIFFERENT_BITS:
            reasons.append(Reason("photo_different", PHOTO_DIFFERENT, {"bits": bits}))


def _compare_counts(new: Report, old: Report, first: Attributes, second: Attributes,
                    reasons: list[Reason]) -> None:
    """Head counts: a description's count is taken over the form's number; a form left at its
    default of one says nothing."""
    mine = first.count if first.count is not None else _form_count(new)
    theirs = second.count if second.count is not None else _form_count(old)
    if mine is None or theirs is None:
        return
    params = {"first": mine, "second": theirs}
    low, high = sorted((mine, theirs))
    if low == high:
        if low >= 2:
            reasons.append(Reason("count_agree", COUNT_AGREE_GROUP, params))
    elif low == 1 and high >= SEVERAL:
        reasons.append(Reason("count_conflict", COUNT_CONFLICT, params))
    elif low == 1 or high < SEVERAL:
        reasons.append(Reason("count_near", COUNT_NEAR, params))
    # 两个 against 几个: "several" is too vague to tell


def _form_count(report: Report) -> int | None:
    return report.people_count if report.people_count >= 2 else None


_PUNCTUATION = re.compile(r"[\s，。、！？,.!?；;：:“”\"'（）()…]+")


def _normalised(text: str) -> str:
    return _PUNCTUATION.sub("", text)


# --- photos -------------------------------------------------------------------------------------

HASH_SIDE = 8


def average_hash(image_bytes: bytes) -> str:
    """The 64-bit average hash of a photo as 16 hex digits ("" if it cannot be read): each bit
    says whether an 8×8 grey cell is brighter than the mean, so a re-taken photo of the same
    scene lands a few bits away."""
    try:
        with Image.open(io.BytesIO(image_bytes)) as image:
            small = image.convert("L").resize((HASH_SIDE, HASH_SIDE), Image.Resampling.BOX)
            cells = list(small.tobytes())
    except (UnidentifiedImageError, OSError, ValueError):
        return ""
    mean = sum(cells) / len(cells)
    value = 0
    for cell in cells:
        value = (value << 1) | (cell > mean)
    return f"{value:016x}"


def hash_distance(first: str, second: str) -> int:
    return (int(first, 16) ^ int(second, 16)).bit_count()
