"""Synthetic found-person records and missing-person reports with ground truth (deterministic).

The error model follows how street records go wrong: names heard not read (homophones, dialect
sounds, look-alike characters, traditional forms, swapped given names), known only by surname
(王某, 老王) or a familiar form (阿强), or not at all; ages judged by eye; native place at any
granularity or only an accent; marks described in other words. Found records also carry what
officers meet and our first generator left out, at rates seen in rescue-station work: people
nobody can name (a share known only by sex, estimated age, height, marks and where and when they
were found), nicknames (老徐, 小淑, 阿强), ages judged ten or more years off, a native place known
only to the province, the wrong sex, and marks in other words and other body-part names. Each
found record's group (named, nickname, unnamed, description_only) goes to groups.csv so the
benchmark reports each apart. ID numbers use real GB/T 2260
region codes and birth dates with a valid check digit but are SYNTHETIC: sequence codes 990–999
are reserved here for generated people and none was drawn from a real person.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from songnuan.linkage.idnumber import with_check
from songnuan.linkage.names import char_pinyin, fuzzy_syllable
from songnuan.linkage.places import current_codes, division_names
from songnuan.linkage.tables.lookalike import LOOKALIKE_GROUPS
from songnuan.linkage.tables.surnames import SURNAME_SHARES

MALE_CHARS = ("伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宇浩凯健俊帆旭宁龙林阳建国志文海东亮成峰春"
              "兵金新德学永忠福贵生才山江庆长保荣祥利民富双根树林松柏洪水清发玉宝胜全喜")
FEMALE_CHARS = ("芳娜敏静丽艳娟霞秀英玲桂兰梅琴云莲珍凤红燕萍洁琳婷雪慧莉颖倩玉华淑春彩丹晶荣"
                "香菊花月翠巧美金风素琼爱小妹")
EXTRA_CHARS = ("为维卫炜玮薇微章彰漳礼理黎历丽立力励汪旺望网忘刘留柳流牛扭纽陈晨辰臣沉程城成承"
               "黄皇凰煌方芳放访房防张章长常昌杨扬阳洋羊李里理吴武伍午五周州洲舟赵照召兆孙逊"
               "胡湖虎户福富复付傅夫林霖临琳邻兰蓝岚栏难男南楠刚钢纲岗冈军君均俊峻骏明鸣铭名"
               "民敏闽华花化画桦国郭果过红宏洪虹弘鸿静晶京经敬景井文闻雯纹问建剑健见坚兼志智致"
               "治芝之知平萍评凭屏英鹰樱莹迎应影生升声胜盛圣森申伸深身神沈审肾甚春纯淳存村寸"
               "荣容蓉融龙隆笼聋农浓弄能冷楞朗浪郎狼琅")
PROVINCE_WEIGHTS = {
    "41": 12, "51": 9, "34": 8, "37": 8, "13": 7, "43": 6, "42": 6, "23": 5, "22": 3, "21": 4,
    "36": 5, "45": 4, "52": 4, "61": 4, "14": 3, "32": 3, "33": 2, "35": 2, "44": 3, "50": 3,
    "53": 3, "62": 3, "15": 2, "64": 1, "65": 1, "63": 1, "46": 1, "11": 1, "12": 1, "31": 1,
}
REGIONAL_ACCENTS = {"21": "东北口音", "22": "东北口音", "23": "东北口音", "35": "闽南话",
                    "44": "粤语", "51": "四川话", "50": "四川话"}
# Marks as a report words them, then as staff at a station might (other words for the same
# thing, another name for the body part, the side dropped), then the vaguest form.
MARKS = (("左手缺小指", "左手少一根手指", "左手掌断指", "手指缺失"),
         ("右脸有刀疤", "右侧面部疤痕", "右脸颊伤疤", "脸上有疤"),
         ("左手有疤痕", "左手背伤疤", "左手掌有刀疤", "手上有疤"),
         ("左臂纹身", "左手臂刺青", "左胳膊文身", "纹身"),
         ("右腿跛行", "走路瘸", "右腿瘸", "腿脚不便"),
         ("额头有痣", "额头黑痣", "额上有痣", "痣"),
         ("秃顶", "光头", "谢顶", "秃"), ("戴眼镜", "眼镜", "戴着眼镜", "眼镜"),
         ("缺门牙", "门牙缺", "豁牙", "缺牙"), ("驼背", "背驼", "驼背", "驼"),
         ("聋哑", "不会说话", "哑", "哑"), ("左眼失明", "左眼瞎", "左眼盲", "独眼"),
         ("兔唇", "唇裂", "豁嘴", "豁嘴"), ("右耳有胎记", "右耳朵胎记", "耳朵上有胎记", "胎记"),
         ("精神异常", "精神病", "自言自语", "精神异常"), ("智力障碍", "智障", "痴呆", "傻"),
         ("颈部烧伤", "脖子烫伤疤", "颈部烧疤", "烧伤"), ("右手缺拇指", "右手断指", "右手少手指",
                                                   "手指缺失"))
# Found records, by what is known about the name (shares of all found records).
DESCRIPTION_ONLY_SHARE = 0.12  # no name, no native place, no accent, no ID: only a description
UNNAMED_SHARE = 0.18  # no name, but a native place, an accent or an ID number may be known
NICKNAME_SHARE = 0.12  # 老徐, 小淑, 阿强, 徐某, 徐大爷
# Other corruptions of a found record, independent of the group.
AGE_FAR_OFF_SHARE = 0.12  # staff's estimate ten to twenty years off
SEX_WRONG_SHARE = 0.03
PROVINCE_ONLY_SHARE = 0.5  # of found records with a native place
GROUPS = ("named", "nickname", "unnamed", "description_only")
FIRST_DATE = dt.date(2012, 1, 1)
LAST_DATE = dt.date(2024, 12, 31)


@dataclass
class Person:
    surname: str
    given: str
    sex: str
    birth: dt.date
    height: int
    county: str
    id_number: str
    marks: list[int] = field(default_factory=list)


class Generator:
    """Draws people and their records; every draw comes from one seeded random stream."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.surnames = list(SURNAME_SHARES)
        self.surname_weights = list(SURNAME_SHARES.values())
        names = division_names()
        counties: dict[str, list[str]] = {}
        # Counties as they are named today: a report or a station writes the current name.
        for code in sorted(current_codes()):
            if code[4:] != "00" and code[:2] in PROVINCE_WEIGHTS and names[code] != "市辖区":
                counties.setdefault(code[:2], []).append(code)
        self.counties = counties
        self.names = names
        # Sorted: a set of strings iterates in an order that changes with the hash seed.
        pool = sorted(set(MALE_CHARS + FEMALE_CHARS + EXTRA_CHARS + "".join(SURNAME_SHARES)))
        self.homophones: dict[str, list[str]] = {}
        self.fuzzy_mates: dict[str, list[str]] = {}
        for ch in pool:
            if len(ch) != 1:
                continue
            self.homophones.setdefault(char_pinyin(ch), []).append(ch)
            self.fuzzy_mates.setdefault(fuzzy_syllable(char_pinyin(ch)), []).append(ch)
        self.lookalike = {ch: g for g in LOOKALIKE_GROUPS for ch in g}
        self.sequence = 0

    def person(self) -> Person:
        rng = self.rng
        sex = "M" if rng.random() < 0.68 else "F"
        chars = MALE_CHARS if sex == "M" else FEMALE_CHARS
        given = "".join(rng.choice(chars) for _ in range(1 if rng.random() < 0.3 else 2))
        birth = dt.date(rng.randint(1935, 2005), rng.randint(1, 12), rng.randint(1, 28))
        province = rng.choices(list(PROVINCE_WEIGHTS), weights=list(PROVINCE_WEIGHTS.values()))[0]
        county = rng.choice(self.counties[province])
        self.sequence += 1
        seq = f"99{self.sequence % 10}" if sex == "F" else f"99{(self.sequence % 5) * 2 + 1}"
        if sex == "F":
            seq = f"99{(self.sequence % 5) * 2}"
        id_number = with_check(county + birth.strftime("%Y%m%d") + seq)
        height = int(rng.gauss(168 if sex == "M" else 157, 6))
        marks = rng.sample(range(len(MARKS)), rng.choice((0, 0, 1, 1, 2)))
        surname = rng.choices(self.surnames, weights=self.surname_weights)[0]
        return Person(surname, given, sex, birth, height, county, id_number, marks)

    # --- how people are written down ------------------------------------------------------------
    def reported_name(self, p: Person) -> str:
        name = p.surname + p.given
        roll = self.rng.random()
        if roll < 0.03:
            return self._traditional(name)
        if roll < 0.06:
            return self._replace_one(name, self.homophones, char_pinyin)
        return name

    def street_name(self, p: Person) -> str:
        """A full name as staff wrote it down from what they heard (group "named")."""
        rng, name = self.rng, p.surname + p.given
        roll = rng.random()
        cuts = [(0.45, lambda: name), (0.62, lambda: self._replace_one(name, self.homophones,
                                                                       char_pinyin)),
                (0.74, lambda: self._replace_one(name, self.fuzzy_mates,
                                                 lambda c: fuzzy_syllable(char_pinyin(c)))),
                (0.80, lambda: self._replace_one(name, self.lookalike, lambda c: c)),
                (0.85, lambda: self._traditional(name)),
                (0.90, lambda: p.surname + p.given[::-1] if len(p.given) == 2 else name),
                (0.95, lambda: p.given if len(p.given) == 2 else name),
                (1.00, lambda: p.surname + rng.choice(MALE_CHARS if p.sex == "M"
                                                      else FEMALE_CHARS) * len(p.given))]
        return next(make() for cut, make in cuts if roll < cut)

    def nickname(self, p: Person) -> str:
        """What people on the street call someone: 老徐, 小徐, 阿徐, 小淑, 阿强, 徐某, 徐大爷."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.35:
            return rng.choice(("老", "小", "阿")) + p.surname
        if roll < 0.70:
            return rng.choice(("小", "阿")) + rng.choice(p.given)
        if roll < 0.85:
            return p.surname + "某"
        return p.surname + rng.choice(("大爷", "师傅", "老汉") if p.sex == "M"
                                      else ("阿姨", "大妈", "婶"))

    def place_name(self, county: str) -> str:
        """A county written out in full: 山东省临沂市沂南县."""
        names = self.names
        city = names.get(county[:4] + "00", "")
        return (names.get(county[:2] + "0000", "") + (city if city not in ("市辖区", "县") else "")
                + names.get(county, ""))

    def county_near(self, county: str) -> str:
        """Where someone last seen in `county` turns up: often there, else ever further away."""
        roll = self.rng.random()
        if roll < 0.45:
            return county
        same_city = [c for c in self.counties[county[:2]] if c[:4] == county[:4]]
        if roll < 0.60 and same_city:
            return self.rng.choice(same_city)
        if roll < 0.80:
            return self.rng.choice(self.counties[county[:2]])
        return self.any_county()

    def any_county(self) -> str:
        province = self.rng.choices(list(PROVINCE_WEIGHTS),
                                    weights=list(PROVINCE_WEIGHTS.values()))[0]
        return self.rng.choice(self.counties[province])

    def _replace_one(self, name: str, table: dict[str, list[str]] | dict[str, str], key) -> str:
        positions = list(range(len(name)))
        self.rng.shuffle(positions)
        for pos in positions:
            mates = [c for c in table.get(key(name[pos]), ()) if c != name[pos]]
            if mates:
                return name[:pos] + self.rng.choice(mates) + name[pos + 1:]
        return name

    def _traditional(self, name: str) -> str:
        import zhconv

        return zhconv.convert(name, "zh-tw")

    def place_text(self, county: str, full: bool, province_only: float = 0.4) -> str:
        names = self.names
        province, city = names.get(county[:2] + "0000", ""), names.get(county[:4] + "00", "")
        county_name = names.get(county, "")
        if full:
            return province + (city if city not in ("市辖区", "县") else "") + county_name
        choice = self.rng.random()
        if choice < province_only:
            return province if self.rng.random() < 0.5 else province.rstrip("省")
        if choice < province_only + (1 - province_only) / 2:
            return province + city
        return city + county_name if city not in ("市辖区", "县") else province + county_name

    def accent(self, county: str) -> str:
        province = county[:2]
        if province in REGIONAL_ACCENTS and self.rng.random() < 0.6:
            return REGIONAL_ACCENTS[province]
        name = self.names.get(province + "0000", "")
        for suffix in ("省", "市", "壮族自治区", "回族自治区", "维吾尔自治区", "自治区"):
            name = name.removesuffix(suffix)
        return name + self.rng.choice(("口音", "话", "方言"))

    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        return start + dt.timedelta(days=self.rng.randint(0, max((end - start).days, 0)))


def missing_row(g: Generator, p: Person, record_id: str) -> tuple[dict[str, str], str]:
    """A family's report, and the county where the person was last seen."""
    rng = g.rng
    since = g.date_between(max(FIRST_DATE, p.birth.replace(year=p.birth.year + 12)), LAST_DATE)
    year = p.birth.year + (rng.choice((-1, 1)) if rng.random() < 0.05 else 0)
    roll = rng.random()
    seen = p.county if roll < 0.55 else (rng.choice(g.counties[p.county[:2]]) if roll < 0.8
                                         else g.any_county())
    row = {
        "record_id": record_id, "name": g.reported_name(p), "sex": p.sex,
        "birth_year": str(year), "age_estimate": "",
        "recorded_on": str(min(since + dt.timedelta(days=rng.randint(0, 30)), LAST_DATE)),
        "height_cm": str(p.height + rng.randint(-3, 3)) if rng.random() < 0.8 else "",
        "id_number": p.id_number if rng.random() < 0.7 else "",
        "native_place": g.place_text(p.county, full=rng.random() < 0.7),
        "dialect": g.accent(p.county) if rng.random() < 0.3 else "",
        "features": ";".join(MARKS[m][0] for m in p.marks if rng.random() < 0.8),
        "kind": "missing", "missing_since": str(since),
        "seen_place": g.place_name(seen) if rng.random() < 0.85 else "",
    }
    return row, seen


def found_group(rng: random.Random) -> str:
    roll = rng.random()
    for group, share in (("description_only", DESCRIPTION_ONLY_SHARE),
                         ("unnamed", UNNAMED_SHARE), ("nickname", NICKNAME_SHARE)):
        if roll < share:
            return group
        roll -= share
    return "named"


def estimated_age(rng: random.Random, age: float) -> int:
    """Staff's estimate by eye: usually a few years off, rounded to five, sometimes far off."""
    if rng.random() < AGE_FAR_OFF_SHARE:
        return max(1, round(age + rng.choice((-1, 1)) * rng.uniform(10, 20)))
    guess = max(1, round(age + rng.gauss(0, 3 + 0.06 * age)))
    return 5 * round(guess / 5) if rng.random() < 0.4 else guess


def found_row(g: Generator, p: Person, record_id: str, after: dt.date | None,
              seen_county: str | None = None) -> dict[str, str]:
    """A found person's record; `after` and `seen_county` are the report's date and last-seen
    county when the person is someone's missing relative."""
    rng = g.rng
    if after is not None:
        recorded = min(after + dt.timedelta(days=int(rng.expovariate(1 / 200))), LAST_DATE)
    else:
        recorded = g.date_between(FIRST_DATE, LAST_DATE)
    group = found_group(rng)
    described_only = group == "description_only"
    age = (recorded - p.birth).days / 365.25
    guess = estimated_age(rng, age)
    states_year = rng.random() < 0.2 and group in ("named", "nickname")
    with_id = rng.random() < 0.08 and not described_only
    id_number = p.id_number
    if with_id and rng.random() < 0.3:
        pos = rng.randrange(17)
        id_number = id_number[:pos] + str((int(id_number[pos]) + 1) % 10) + id_number[pos + 1:]
    marks = [rng.choice(MARKS[m][1:]) for m in p.marks if rng.random() < 0.7]
    if rng.random() < 0.1:
        marks.append(rng.choice(MARKS)[3])
    name = {"named": g.street_name, "nickname": g.nickname}.get(group)
    native = ""
    if not described_only and rng.random() < 0.4:
        native = g.place_text(p.county, full=False, province_only=PROVINCE_ONLY_SHARE)
    dialect = rng.choice(("", "", "听不懂"))
    if not described_only and rng.random() < 0.45:
        dialect = g.accent(p.county)
    found_in = g.county_near(seen_county) if seen_county else g.any_county()
    return {
        "record_id": record_id,
        "name": name(p) if name else rng.choice(("", "", "无名氏", "不详")),
        "sex": p.sex if rng.random() >= SEX_WRONG_SHARE else ("F" if p.sex == "M" else "M"),
        "birth_year": str(p.birth.year + rng.choice((0, 0, 0, -1, 1, 2))) if states_year else "",
        "age_estimate": "" if states_year and rng.random() < 0.5 else str(guess),
        "recorded_on": str(recorded),
        "height_cm": str(p.height + rng.randint(-6, 6)) if rng.random() < 0.6 else "",
        "id_number": id_number if with_id else "",
        "native_place": native, "dialect": dialect,
        "features": ";".join(marks), "kind": "found", "missing_since": "",
        "seen_place": g.place_name(found_in) if rng.random() < 0.9 else "",
        "group": group,
    }


def generate(n_found: int, n_missing: int, seed: int = 1, share_identified: float = 0.6
             ) -> tuple[list[dict[str, str]], list[dict[str, str]], set[tuple[str, str]]]:
    """Found records (left), missing reports (right) and the true (found_id, missing_id) pairs.

    Each found row's "group" says what is known of the name (see GROUPS); it is not a column
    of the record files."""
    g = Generator(seed)
    missing_people = [g.person() for _ in range(n_missing)]
    missing, seen = [], []
    for n, p in enumerate(missing_people):
        row, county = missing_row(g, p, f"M{n:07d}")
        missing.append(row)
        seen.append(county)
    found: list[dict[str, str]] = []
    truth: set[tuple[str, str]] = set()
    for n in range(n_found):
        record_id = f"F{n:07d}"
        if g.rng.random() < share_identified:
            k = g.rng.randrange(n_missing)
            since = dt.date.fromisoformat(missing[k]["missing_since"])
            found.append(found_row(g, missing_people[k], record_id, since, seen[k]))
            truth.add((record_id, missing[k]["record_id"]))
        else:
            found.append(found_row(g, g.person(), record_id, None))
    return found, missing, truth


FIELDS = ("record_id", "name", "sex", "birth_year", "age_estimate", "recorded_on", "height_cm",
          "id_number", "native_place", "dialect", "features", "kind", "missing_since",
          "seen_place")


def write_csv(rows: list[dict[str, str]], path: Path, fields: tuple[str, ...] = FIELDS) -> None:
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.DictWriter(stream, fieldnames=fields, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def write_groups(found: list[dict[str, str]], path: Path) -> None:
    """record_id,group of each found record (named, nickname, unnamed, description_only)."""
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(("record_id", "group"))
        writer.writerows((row["record_id"], row["group"]) for row in found)


def write_set(out_dir: Path, n_found: int, n_missing: int, seed: int) -> Iterator[Path]:
    found, missing, truth = generate(n_found, n_missing, seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(found, out_dir / "found.csv")
    write_csv(missing, out_dir / "missing.csv")
    write_groups(found, out_dir / "groups.csv")
    with (out_dir / "truth.csv").open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(("left_id", "right_id"))
        writer.writerows(sorted(truth))
    yield from (out_dir / name for name in ("found.csv", "groups.csv", "missing.csv",
                                            "truth.csv"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--found", type=int, default=5000)
    parser.add_argument("--missing", type=int, default=20000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for path in write_set(args.out_dir, args.found, args.missing, args.seed):
        print(path)


if __name__ == "__main__":
    main()
