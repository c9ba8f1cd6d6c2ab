"""Field comparisons: each turns arrays of record pairs into agreement levels, and explains one.

A comparison has a stable ``code`` and level codes the web pages may rely on; level ``-1`` means
"nothing to compare" (a field missing on either side) and adds no evidence. Prior m and u
probabilities per level start the EM fit and keep rare levels sensible when data is thin.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from rapidfuzz import process
from rapidfuzz.distance import Indel

from . import addresses
from .frame import MARK_SETS, Frame
from .marks import compare_marks
from .places import place_name, province_name
from .records import Prepared

NULL = -1
SIMILAR_NAME_MIN = 0.75
SIMILAR_PLACE_MIN = 0.8
# Appended after the coded levels so their codes stay as they were.
SIMILAR_PLACE_TEXT = 6
SHARED_PLACE_WORD = 7


@dataclass(frozen=True)
class Comparison:
    """One field's comparison: level codes, readable labels and prior m/u per level."""

    code: str
    label: str
    levels: tuple[str, ...]
    level_labels: tuple[str, ...]
    m_prior: tuple[float, ...]
    u_prior: tuple[float, ...]

    def compute(self, a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        return COMPUTE[self.code](a, b, i, j)

    def describe(self, level: int, a: Prepared, b: Prepared) -> str:
        return DESCRIBE.get(self.code, _plain)(self, level, a, b)


def _select(n: int, rules: list[tuple[np.ndarray, int]]) -> np.ndarray:
    """Level of each pair: the first rule whose condition holds, else NULL."""
    levels = np.full(n, NULL, dtype=np.int8)
    # Last rule first: where several hold, the first one's level is written last and stays.
    for condition, level in reversed(rules):
        np.copyto(levels, level, where=condition)
    return levels


# --- names -----------------------------------------------------------------------------------
def name_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    ka, kb = a.n_kind[i], b.n_kind[j]
    levels = np.full(len(i), NULL, dtype=np.int8)
    # Two kinds of pair, each compared on its own rows only: two full names (most pairs), and a
    # weak name (surname only: 老徐, 徐某; familiar: 小淑, 阿强) against a full or weak one. An
    # unknown name has nothing to compare.
    full = np.flatnonzero((ka == 1) & (kb == 1))
    if len(full):
        levels[full] = _full_name_levels(a, b, i[full], j[full])
    weak = np.flatnonzero((ka != 0) & (kb != 0) & ((ka >= 2) | (kb >= 2)))
    if len(weak):
        wi, wj = i[weak], j[weak]
        given = _given_hit(a, b, wi, wj) | _given_hit(b, a, wj, wi)
        surname = _surname_hit(a, b, wi, wj) | _surname_hit(b, a, wj, wi)
        # 老徐 against 阿强 says nothing either way: one gives a surname, the other a given name.
        unrelated = ((ka[weak] == 2) & (kb[weak] == 3)) | ((ka[weak] == 3) & (kb[weak] == 2))
        levels[weak] = np.where(given, 3, np.where(surname, 5, np.where(unrelated, NULL, 7)))
    return levels


def _given_hit(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """a's nickname keeps a character of b's given name (小淑 ~ 王秀淑), or both nicknames are
    the same familiar form (阿强 ~ 强子)."""
    core = np.where(a.n_kind[i] >= 2, a.n_core[i], 0)
    familiar = np.where(a.n_kind[i] == 3, a.n_given[i], 0)
    return (((core != 0) & ((core == b.n_glast[j]) | (core == b.n_gfirst[j])
                            | (core == b.n_core[j])))
            | ((familiar != 0) & ((familiar == b.n_given[j]) | (familiar == b.n_glast[j])
                                  | (familiar == b.n_gfirst[j]))))


def _surname_hit(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """a, known by surname or a nickname (老徐, 阿徐), shares b's surname."""
    weak = a.n_kind[i] >= 2
    surname = np.where(weak, a.n_surname[i], 0)
    core = np.where(weak, a.n_core[i], 0)
    return ((surname != 0) & (surname == b.n_surname[j])) | ((core != 0) & (core == b.n_surname[j]))


def _full_name_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    given_only = (a.n_fuzzy[i] == b.n_given[j]) | (a.n_given[i] == b.n_fuzzy[j])
    variant = ((a.n_fuzzy[i] == b.n_fuzzy[j]) | (a.n_shape[i] == b.n_shape[j])
               | (a.n_swapped[i] == b.n_swapped[j]))
    levels = _select(len(i), [
        (a.n_chars[i] == b.n_chars[j], 0), (a.n_pinyin[i] == b.n_pinyin[j], 1), (variant, 2),
        (given_only, 3),
    ])
    rest = np.flatnonzero(levels == NULL)
    if len(rest):
        ri, rj = i[rest], j[rest]
        left, right = a.fuzzy_names[ri], b.fuzzy_names[rj]
        scores = process.cpdist(left, right, scorer=Indel.normalized_similarity, workers=1)
        # Latin-letter names come in either order (given name first or surname first).
        latin = np.flatnonzero(a.n_latin[ri] & b.n_latin[rj])
        if len(latin):
            reordered = process.cpdist(left[latin], right[latin],
                                       scorer=Indel.normalized_similarity,
                                       processor=_sorted_words, workers=1)
            scores[latin] = np.maximum(scores[latin], reordered)
        similar = scores >= SIMILAR_NAME_MIN
        levels[rest] = np.where(similar, 4, np.where(a.n_surname[ri] == b.n_surname[rj], 6, 8))
    return levels


def _sorted_words(text: str) -> str:
    return " ".join(sorted(text.split()))


def _describe_name(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    na, nb = a.name, b.name
    pair = f"{na.chars or '?'}/{nb.chars or '?'}"
    if level == 1:
        return f"同音 {na.pinyin}（{pair}）"
    if level == 2:
        if na.shape == nb.shape:
            return f"形近字 {pair}"
        if na.fuzzy == nb.fuzzy:
            return f"方言近音 {na.pinyin}~{nb.pinyin}"
        return f"名字顺序颠倒 {pair}"
    if level == 5:
        return f"仅知姓氏 {(na.surname or nb.surname)}（{pair}）"
    return f"{c.level_labels[level]} {pair}"


# --- sex, birth year, height -------------------------------------------------------------------
def sex_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    sa, sb = a.sex[i], b.sex[j]
    known = (sa != 0) & (sb != 0)
    return _select(len(i), [(known & (sa == sb), 0), (known, 1)])


BIRTH_PRECISE_LIMITS = (0.0, 1.0, 3.0, 6.0)
BIRTH_Z_LIMITS = (1.0, 2.0, 3.0)
BIRTH_FAR_YEARS = 20.0
SAME_BIRTH_DATE = 9
FAR_ESTIMATE = 10


def birth_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    ya, yb = a.by_year[i], b.by_year[j]
    sda, sdb = a.by_sd[i], b.by_sd[j]
    known = ~np.isnan(ya) & ~np.isnan(yb)
    diff = np.abs(np.round(ya) - np.round(yb))
    precise = known & (sda <= 1.0) & (sdb <= 1.0)
    z = np.abs(ya - yb) / np.sqrt(np.nan_to_num(sda) ** 2 + np.nan_to_num(sdb) ** 2 + 1e-9)
    loose = known & ~precise
    da, db = a.birth_day[i], b.birth_day[j]
    # Appended last so the year levels keep their codes; only full dates on both sides reach it.
    same_date = precise & (da >= 0) & (da == db)
    rules = [(same_date, SAME_BIRTH_DATE)]
    rules += [(precise & (diff <= limit), level)
              for level, limit in enumerate(BIRTH_PRECISE_LIMITS)]
    rules.append((precise, 4))
    rules += [(loose & (z <= limit), 5 + level) for level, limit in enumerate(BIRTH_Z_LIMITS)]
    # Staff judging age by eye are sometimes ten or more years off: far, but not impossible.
    rules.append((loose & (np.abs(ya - yb) <= BIRTH_FAR_YEARS), FAR_ESTIMATE))
    rules.append((loose, 8))
    return _select(len(i), rules)


def _describe_birth(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    assert a.birth and b.birth
    if level == SAME_BIRTH_DATE:
        return f"{c.level_labels[level]} {a.record.birth_date}"
    gap = abs(a.birth.year - b.birth.year)
    kind = "出生年" if level <= 4 else "估计年龄"
    if level == FAR_ESTIMATE:
        return f"{c.level_labels[level]}，差 {gap:.0f} 岁（{a.birth.year:.0f}/{b.birth.year:.0f}）"
    return f"{kind}差 {gap:.0f} 岁（{a.birth.year:.0f}/{b.birth.year:.0f}）"


HEIGHT_LIMITS = (3.0, 7.0, 12.0)


def height_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    gap = np.abs(a.height[i] - b.height[j])
    known = ~np.isnan(gap)
    rules = [(known & (gap <= limit), level) for level, limit in enumerate(HEIGHT_LIMITS)]
    return _select(len(i), [*rules, (known, 3)])


def _describe_height(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    ha, hb = a.record.height_cm or 0, b.record.height_cm or 0
    return f"身高差 {abs(ha - hb):.0f} 厘米（{ha:.0f}/{hb:.0f}）"


# --- identity numbers ----------------------------------------------------------------------------
def id_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    la, lb = a.id_len[i], b.id_len[j]
    known = (la > 0) & (lb > 0)
    exact = known & (a.id_full[i] == b.id_full[j])
    same_length = known & (la == lb) & ~exact
    levels = _select(len(i), [(exact, 0), (known & ~same_length, 4)])
    rows = np.flatnonzero(same_length)
    if len(rows):
        da, db = a.id_digits[i[rows]], b.id_digits[j[rows]]
        differ = da != db
        count = differ.sum(axis=1)
        first = differ.argmax(axis=1)
        swapped = (count == 2) & _adjacent_swap(da, db, first)
        same_14 = (a.id_14[i[rows]] != 0) & (a.id_14[i[rows]] == b.id_14[j[rows]])
        levels[rows] = np.select([count == 1, swapped, same_14], [1, 2, 3], default=4)
    return levels


def _adjacent_swap(da: np.ndarray, db: np.ndarray, first: np.ndarray) -> np.ndarray:
    rows = np.arange(len(first))
    second = np.minimum(first + 1, da.shape[1] - 1)
    return (da[rows, first] == db[rows, second]) & (da[rows, second] == db[rows, first])


def _describe_id(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    ta = a.id_number.text if a.id_number else ""
    tb = b.id_number.text if b.id_number else ""
    masked = f"{ta[:6]}…{ta[-4:]}/{tb[:6]}…{tb[-4:]}"
    notes = [c.level_labels[level], masked]
    for number in (a.id_number, b.id_number):
        if number and number.is_resident_id and not number.has_valid_check:
            notes.append(f"校验位错误 …{number.text[-4:]}")
    return " ".join(notes)


# --- places and accents ---------------------------------------------------------------------------
def place_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    pa, pb = a.province[i], b.province[j]
    ca, cb = a.city[i], b.city[j]
    xa, xb = a.county[i], b.county[j]
    ta, tb = a.place_text[i], b.place_text[j]
    coded = (pa != 0) & (pb != 0)
    texts = (ta != 0) & (tb != 0)
    same_city = coded & (ca != 0) & (ca == cb)
    same_province = coded & (pa == pb)
    levels = _select(len(i), [
        (coded & (xa != 0) & (xa == xb), 0),
        (same_city & ((xa == 0) | (xb == 0)), 1),
        (same_city, 2),
        (same_province & ((ca == 0) | (cb == 0)), 3),
        (same_province, 4),
        (coded, 5),
        (texts & (ta == tb), 0),
        (texts, 5),
    ])
    # A place the gazetteer cannot read is only text: a typo in it is not a different place.
    rest = np.flatnonzero(texts & ~coded & (ta != tb))
    if len(rest):
        left, right = a.place_texts[i[rest]], b.place_texts[j[rest]]
        scores = process.cpdist(left, right, scorer=Indel.normalized_similarity, workers=1)
        shared = np.array([not set(x.split()).isdisjoint(y.split())
                           for x, y in zip(left, right, strict=True)], dtype=bool)
        levels[rest] = np.where(scores >= SIMILAR_PLACE_MIN, SIMILAR_PLACE_TEXT,
                                np.where(shared, SHARED_PLACE_WORD, levels[rest]))
    return levels


def _describe_place(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    sources = {"id_number": "（由身份证号）", "native_place": ""}
    names = [place_name(p.place) + sources[p.place_source] for p in (a, b)]
    return f"{c.level_labels[level]} {names[0]}/{names[1]}"


def accent_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    aa, ab = a.accent[i], b.accent[j]
    pa, pb = a.province_bit[i], b.province_bit[j]
    # With both native places known the place comparison has already weighed the province.
    places_known = (pa != 0) & (pb != 0)
    aa, ab = np.where(places_known, 0, aa), np.where(places_known, 0, ab)
    both = (aa != 0) & (ab != 0)
    a_vs_place = (aa != 0) & (pb != 0) & ~both
    b_vs_place = (ab != 0) & (pa != 0) & ~both & ~a_vs_place
    agree = (both & ((aa & ab) != 0)) | (a_vs_place & ((aa & pb) != 0)) \
        | (b_vs_place & ((ab & pa) != 0))
    return _select(len(i), [(agree, 0), (both | a_vs_place | b_vs_place, 1)])


def _describe_accent(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    def says(p: Prepared) -> str:
        if p.accent:
            return p.record.dialect
        return "籍贯" + province_name(p.place.province) if p.place.province else "?"
    return f"{c.level_labels[level]} {says(a)}/{says(b)}"


def seen_place_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Where a person was found against where they were last seen, at the finest level both
    know: the same county, the same city, the same province, or elsewhere."""
    pa, pb = a.seen_province[i], b.seen_province[j]
    ca, cb = a.seen_city[i], b.seen_city[j]
    xa, xb = a.seen_county[i], b.seen_county[j]
    known = (pa != 0) & (pb != 0)
    return _select(len(i), [
        (known & (xa != 0) & (xa == xb), 0),
        (known & (ca != 0) & (ca == cb), 1),
        (known & (pa == pb), 2),
        (known, 3),
    ])


def _describe_seen_place(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    return f"{c.level_labels[level]} {place_name(a.seen)}/{place_name(b.seen)}"


# --- marks, faces, dates --------------------------------------------------------------------------
MARK_OUTCOMES = ("specific", "shared", "conflict", "none_shared")
_MARK_CACHE: dict[tuple[int, int], int] = {}


def marks_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    ma, mb = a.marks[i], b.marks[j]
    levels = np.full(len(i), NULL, dtype=np.int8)
    rows = np.flatnonzero((ma != 0) & (mb != 0))
    if not len(rows):
        return levels
    # One number per pair of mark sets: far fewer distinct pairs than pairs of records.
    pairs = (ma[rows].astype(np.int64) << 32) | mb[rows]
    unique, inverse = np.unique(pairs, return_inverse=True)
    outcome = np.array([_mark_level(int(p) >> 32, int(p) & 0xFFFFFFFF) for p in unique],
                       dtype=np.int8)
    levels[rows] = outcome[inverse]
    return levels


def _mark_level(x: int, y: int) -> int:
    key = (x, y)
    if key not in _MARK_CACHE:
        code, _ = compare_marks(MARK_SETS[x], MARK_SETS[y])
        _MARK_CACHE[key] = MARK_OUTCOMES.index(code)
    return _MARK_CACHE[key]


def _describe_marks(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    _, marks = compare_marks(a.marks, b.marks)
    shown = "、".join(m.label() for m in sorted(marks)[:3])
    return f"{c.level_labels[level]} {shown}".strip()


FACE_LIMITS = (0.4, 0.5, 0.6)


def face_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    levels = np.full(len(i), NULL, dtype=np.int8)
    rows = np.flatnonzero(a.has_face[i] & b.has_face[j])
    if len(rows):
        distance = np.linalg.norm(a.faces[i[rows]] - b.faces[j[rows]], axis=1)
        levels[rows] = np.searchsorted(np.array(FACE_LIMITS), distance, side="right")
    return levels


def _describe_face(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    fa, fb = np.array(a.record.face), np.array(b.record.face)
    return f"{c.level_labels[level]}（距离 {float(np.linalg.norm(fa - fb)):.2f}）"


# A found record dated a few days before the report's date is still plausible (dates are rough).
DATE_GRACE_DAYS = 3


def date_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    found_a = (a.kind[i] == 1) & (b.kind[j] == 2)
    found_b = (b.kind[j] == 1) & (a.kind[i] == 2)
    found_on = np.where(found_a, a.recorded[i], b.recorded[j])
    missing_since = np.where(found_a, b.missing_since[j], a.missing_since[i])
    known = (found_a | found_b) & (found_on >= 0) & (missing_since >= 0)
    gap = found_on - missing_since
    return _select(len(i), [(known & (gap < -DATE_GRACE_DAYS), 0), (known & (gap <= 365), 1),
                            (known, 2)])


def _describe_date(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    found, missing = (a, b) if a.record.kind == "found" else (b, a)
    return (f"{c.level_labels[level]}（发现 {found.record.recorded_on}，"
            f"走失 {missing.record.missing_since}）")


def _plain(c: Comparison, level: int, a: Prepared, b: Prepared) -> str:
    return c.level_labels[level]


COMPUTE = {
    "name": name_levels, "sex": sex_levels, "birth_year": birth_levels, "height": height_levels,
    "id_number": id_levels, "native_place": place_levels, "dialect": accent_levels,
    "features": marks_levels, "face": face_levels, "dates": date_levels,
    "address": addresses.street_levels, "locality": addresses.locality_levels,
    "postcode": addresses.postcode_levels, "seen_place": seen_place_levels,
}
DESCRIBE = {
    "name": _describe_name, "birth_year": _describe_birth, "height": _describe_height,
    "id_number": _describe_id, "native_place": _describe_place, "dialect": _describe_accent,
    "features": _describe_marks, "face": _describe_face, "dates": _describe_date,
    "address": addresses.describe_street, "locality": addresses.describe_locality,
    "postcode": addresses.describe_postcode, "seen_place": _describe_seen_place,
}

COMPARISONS: tuple[Comparison, ...] = (
    Comparison("name", "姓名",
               ("exact", "homophone", "variant", "partial", "similar", "surname_match",
                "surname_same_given_diff", "partial_diff", "different"),
               ("姓名相同", "同音", "变体", "名字部分吻合", "姓名相近", "仅知姓氏且相同",
                "同姓不同名", "部分信息不符", "姓名不同"),
               (0.45, 0.15, 0.12, 0.06, 0.08, 0.05, 0.03, 0.02, 0.04),
               (0.0005, 0.0005, 0.0005, 0.002, 0.005, 0.03, 0.02, 0.04, 0.9)),
    Comparison("sex", "性别", ("same", "different"), ("性别相同", "性别不同"),
               (0.98, 0.02), (0.5, 0.5)),
    Comparison("birth_year", "出生年份",
               ("exact", "within_1", "within_3", "within_6", "beyond_6",
                "z1", "z2", "z3", "beyond_z3", "same_date", "far_estimate"),
               ("出生年相同", "出生年差1岁内", "出生年差3岁内", "出生年差6岁内", "出生年差6岁以上",
                "年龄估计吻合", "年龄估计接近", "年龄估计偏差较大", "年龄明显不符", "出生日期相同",
                "年龄估计偏差很大（20岁内）"),
               (0.8, 0.1, 0.05, 0.03, 0.02, 0.6, 0.2, 0.08, 0.02, 0.8, 0.1),
               (0.02, 0.05, 0.1, 0.15, 0.68, 0.2, 0.2, 0.15, 0.25, 0.0001, 0.2)),
    Comparison("height", "身高", ("within_3", "within_7", "within_12", "beyond_12"),
               ("身高相近", "身高接近", "身高偏差", "身高不符"),
               (0.6, 0.3, 0.08, 0.02), (0.25, 0.3, 0.25, 0.2)),
    Comparison("id_number", "身份证号",
               ("exact", "one_digit", "swapped_digits", "same_region_birth", "different"),
               ("身份证号相同", "身份证号一位之差", "身份证号相邻数字颠倒", "地区和出生日期相同",
                "身份证号不同"),
               (0.9, 0.05, 0.02, 0.01, 0.02), (1e-6, 1e-5, 1e-6, 1e-4, 0.9998)),
    Comparison("native_place", "籍贯",
               ("county", "city", "city_county_diff", "province", "province_city_diff",
                "different", "similar_text", "shared_word"),
               ("同县", "同市", "同市不同县", "同省", "同省不同市", "籍贯不同", "籍贯文字相近",
                "籍贯有相同词"),
               (0.5, 0.15, 0.03, 0.25, 0.04, 0.03, 0.1, 0.05),
               (0.003, 0.01, 0.02, 0.04, 0.05, 0.877, 0.001, 0.01)),
    Comparison("dialect", "口音", ("agree", "disagree"), ("口音与籍贯吻合", "口音与籍贯不符"),
               (0.9, 0.1), (0.1, 0.9)),
    Comparison("features", "体貌特征", MARK_OUTCOMES,
               ("特殊体征相同", "体貌特征相同", "体征左右相反", "体貌特征无交集"),
               (0.5, 0.2, 0.02, 0.28), (0.01, 0.09, 0.01, 0.89)),
    Comparison("face", "人脸", ("very_close", "close", "near", "far"),
               ("人脸极相似", "人脸相似", "人脸略相似", "人脸不同"),
               (0.7, 0.2, 0.07, 0.03), (0.001, 0.01, 0.05, 0.939)),
    Comparison("dates", "日期", ("found_before_missing", "within_year", "later"),
               ("发现早于走失", "走失一年内发现", "走失一年后发现"),
               (0.005, 0.7, 0.295), (0.3, 0.2, 0.5)),
    # Home address, when the records carry one: street line, locality, postcode. A locality or
    # postcode covers many people (a Chinese postcode a whole county), so their priors are modest.
    Comparison("address", "住址",
               ("exact", "similar", "same_street", "shared_word", "different"),
               ("住址相同", "住址相近", "同一街道门牌不同", "住址有相同词", "住址不同"),
               (0.6, 0.2, 0.05, 0.05, 0.1), (1e-5, 1e-5, 1e-4, 0.01, 0.98988)),
    Comparison("locality", "居住地", ("exact", "similar", "shared_word", "different"),
               ("居住地相同", "居住地相近", "居住地有相同词", "居住地不同"),
               (0.7, 0.1, 0.05, 0.15), (0.01, 0.005, 0.02, 0.965)),
    Comparison("postcode", "邮编", ("exact", "one_char", "transposed", "different"),
               ("邮编相同", "邮编一位之差", "邮编两位颠倒", "邮编不同"),
               (0.8, 0.1, 0.03, 0.07), (0.02, 0.05, 0.005, 0.925)),
    # Where found against where last seen: people drift, most not far.
    Comparison("seen_place", "发现地与走失地", ("county", "city", "province", "different"),
               ("发现地与走失地同县", "发现地与走失地同市", "发现地与走失地同省", "发现地与走失地不同省"),
               (0.45, 0.15, 0.2, 0.2), (0.002, 0.01, 0.05, 0.938)),
)

BY_CODE: dict[str, Comparison] = {c.code: c for c in COMPARISONS}


def all_levels(a: Frame, b: Frame, i: np.ndarray, j: np.ndarray) -> np.ndarray:
    """Levels of every comparison for the pairs (i, j): shape (pairs, comparisons)."""
    if len(i) == 0:
        return np.zeros((0, len(COMPARISONS)), dtype=np.int8)
    return np.stack([c.compute(a, b, i, j) for c in COMPARISONS], axis=1)


def log2_or_zero(x: float) -> float:
    return math.log2(x) if x > 0 else 0.0
