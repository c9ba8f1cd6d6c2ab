"""Found people officers cannot name: nicknames, ages judged far off, a native place known only
to the province, the wrong sex, marks in other words, where found against where last seen — and
blocking that still brings their report within reach."""

from __future__ import annotations

import datetime as dt

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from linkage_helpers import level, person

from songnuan.linkage import Index, Parameters, blocking, read_records
from songnuan.linkage.blocking import Blocks
from songnuan.linkage.model import one_to_one_probability
from songnuan.linkage.names import FAMILIAR, SURNAME_ONLY, parse_name
from songnuan.linkage.places import current_codes, division_names, parse_place
from songnuan.linkage.records import prepare
from songnuan.linkage.tables.surnames import SURNAME_SHARES

DAY = dt.date(2024, 12, 1)
# Single-character surnames whose dialect-fuzzy readings all differ (so one never reads as another).
SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何罗郑梁谢宋唐韩冯邓曹彭肖田董潘袁蔡蒋"
            "余于杜叶魏苏吕丁卢姚钟姜崔谭陆范汪廖石金贾夏付方邹熊白孟秦邱侯江尹薛段雷龙史陶"
            "贺毛郝顾龚邵钱戴严莫孔向常")
# Given-name characters that are not common surnames.
GIVEN = ("伟强磊军勇杰涛斌超明刚辉鹏飞鑫波宇浩凯健俊帆旭宁芳娜敏静丽艳娟霞秀英玲淑琴云莲"
         "珍凤燕萍洁婷雪慧莉颖倩")


def name_level(a: str, b: str) -> str | None:
    return level("name", person("a", name=a), person("b", name=b))


# --- nicknames --------------------------------------------------------------------------------
@given(st.sampled_from(SURNAMES), st.sampled_from("老小阿"))
def test_a_prefix_and_a_surname_is_read_as_that_surname(surname: str, prefix: str) -> None:
    name = parse_name(prefix + surname)
    assert name.kind == SURNAME_ONLY
    assert name.surname == surname


@given(st.sampled_from(SURNAMES), st.text(GIVEN, min_size=1, max_size=2), st.sampled_from("老小阿"))
def test_a_nickname_on_the_surname_agrees_with_the_full_name(surname: str, given_name: str,
                                                            prefix: str) -> None:
    # 小金 may also be 金静's given name said with an accent (jin ~ jing): agreeing either way.
    agrees = ("surname_match",) if prefix == "老" else ("surname_match", "partial")
    assert name_level(prefix + surname, surname + given_name) in agrees


@given(st.sampled_from(SURNAMES), st.text(GIVEN, min_size=2, max_size=2), st.sampled_from("小阿"),
       st.booleans())
def test_a_nickname_on_a_given_name_character_agrees_with_the_full_name(
        surname: str, given_name: str, prefix: str, last: bool) -> None:
    kept = given_name[-1] if last else given_name[0]
    nickname = parse_name(prefix + kept)
    # 小燕 reads as a surname too (燕 is one), yet keeps 燕 as its core.
    assert nickname.kind in (FAMILIAR, SURNAME_ONLY) and nickname.core
    assert name_level(prefix + kept, surname + given_name) == "partial"


@given(st.sampled_from(SURNAMES), st.sampled_from(SURNAMES), st.text(GIVEN, min_size=1, max_size=2))
def test_a_nickname_on_another_surname_does_not_agree(nick: str, surname: str,
                                                      given_name: str) -> None:
    if parse_name(nick + "某").surname_fuzzy == parse_name(surname + "某").surname_fuzzy:
        return
    assert name_level("老" + nick, surname + given_name) == "partial_diff"


def test_a_nickname_that_may_be_a_surname_or_a_given_name_agrees_either_way() -> None:
    assert name_level("小林", "林建国") == "surname_match"
    assert name_level("小林", "王树林") == "partial"
    assert name_level("阿徐", "徐秀英") == "surname_match"


def test_old_goes_only_with_a_surname() -> None:
    assert name_level("老林", "王树林") == "partial_diff"


def test_a_surname_and_a_familiar_form_say_nothing_of_each_other() -> None:
    assert name_level("老徐", "阿强") is None
    assert name_level("小淑", "阿淑") == "partial"


# --- ages judged by eye -------------------------------------------------------------------------
def test_an_estimate_ten_to_twenty_years_off_is_far_but_not_impossible() -> None:
    found = person(age_estimate=60, recorded_on=DAY)
    assert level("birth_year", found, person(birth_year=1980)) == "far_estimate"
    assert level("birth_year", found, person(birth_year=1946)) == "far_estimate"
    assert level("birth_year", found, person(birth_year=1990)) == "beyond_z3"


@given(st.integers(min_value=5, max_value=90), st.integers(min_value=0, max_value=40))
def test_a_larger_age_gap_never_agrees_better(age: int, gap: int) -> None:
    order = ["z1", "z2", "z3", "far_estimate", "beyond_z3"]
    found = person(age_estimate=age, recorded_on=DAY)
    near = level("birth_year", found, person(birth_year=DAY.year - age - gap))
    far = level("birth_year", found, person(birth_year=DAY.year - age - gap - 1))
    assert order.index(far) >= order.index(near)


# --- native place and where found, by the administrative hierarchy ------------------------------
def _county_codes() -> list[str]:
    names = division_names()
    return sorted(code for code in current_codes()
                  if code[4:] != "00" and code[2:4] != "00" and code[:2] not in ("11", "12", "31",
                                                                                  "50")
                  and names.get(code[:2] + "0000") and names.get(code[:4] + "00")
                  and names[code] not in ("市辖区",) and not names[code].startswith("省直辖"))


COUNTIES = _county_codes()


def _full_name(code: str) -> str:
    names = division_names()
    return names[code[:2] + "0000"] + names[code[:4] + "00"] + names[code]


def _resolves(code: str) -> bool:
    return parse_place(_full_name(code)).county == code


@given(st.sampled_from(COUNTIES))
def test_a_province_alone_agrees_in_part_with_any_county_inside_it(code: str) -> None:
    if not _resolves(code):
        return
    province = division_names()[code[:2] + "0000"]
    full = person(native_place=_full_name(code))
    assert level("native_place", person(native_place=province), full) == "province"
    assert level("seen_place", person(seen_place=province), person(seen_place=_full_name(code))) \
        == "province"


@given(st.sampled_from(COUNTIES))
def test_a_city_agrees_with_its_counties_and_a_county_with_itself(code: str) -> None:
    if not _resolves(code):
        return
    names = division_names()
    city = names[code[:2] + "0000"] + names[code[:4] + "00"]
    full = _full_name(code)
    assert level("native_place", person(native_place=city), person(native_place=full)) == "city"
    assert level("native_place", person(native_place=full), person(native_place=full)) == "county"
    assert level("seen_place", person(seen_place=full), person(seen_place=full)) == "county"


@given(st.sampled_from(COUNTIES), st.sampled_from(COUNTIES))
def test_places_in_different_provinces_never_agree(one: str, other: str) -> None:
    if one[:2] == other[:2] or not (_resolves(one) and _resolves(other)):
        return
    assert level("native_place", person(native_place=_full_name(one)),
                 person(native_place=_full_name(other))) == "different"
    assert level("seen_place", person(seen_place=_full_name(one)),
                 person(seen_place=_full_name(other))) == "different"


def test_a_place_missing_on_either_side_adds_no_evidence() -> None:
    assert level("seen_place", person(seen_place="山东省临沂市沂南县"), person()) is None


# --- sex, marks ---------------------------------------------------------------------------------
def test_a_sex_recorded_wrongly_costs_evidence_but_does_not_rule_the_pair_out(fitted) -> None:
    report = person("M1", name="徐建国", sex="M", birth_year=1960,
                    native_place="山东省临沂市沂南县", features=("左手缺小指",), kind="missing",
                    missing_since=dt.date(2024, 1, 5))
    found = person("F1", name="老徐", sex="F", age_estimate=62, recorded_on=DAY,
                   native_place="山东", features=("左手少一根手指",), kind="found")
    right_sex = fitted.explain(found.__class__(**{**_fields(found), "sex": "M"}), report)
    wrong_sex = fitted.explain(found, report)
    sex_bits = {code: bits for code, bits, _ in wrong_sex.explanation}["sex"]
    assert -8 < sex_bits < 0
    assert 0 < right_sex.bits - wrong_sex.bits < 8
    index = Index(fitted.params, [report])
    assert [m.right_id for m in index.query(found)] == ["M1"]


def _fields(record: object) -> dict[str, object]:
    return {name: getattr(record, name) for name in record.__slots__}  # type: ignore[attr-defined]


# --- blocking -----------------------------------------------------------------------------------
def _candidates(stored: list, query) -> set[str]:
    blocks = Blocks()
    items = [prepare(r) for r in stored]
    blocks.add_all(items)
    return {items[row].record.record_id for row in blocks.candidates(prepare(query)).tolist()}


def _reports(n: int) -> list:
    """Reports of men of all ages from all over, none described like the man we look for."""
    rng = np.random.default_rng(5)
    places = ("河南省周口市太康县", "四川省南充市营山县", "黑龙江省绥化市望奎县",
              "广东省湛江市雷州市")
    return [person(f"R{k}", name=f"{SURNAMES[k % len(SURNAMES)]}{GIVEN[k % len(GIVEN)]}",
                   sex="M", birth_year=int(rng.integers(1940, 2000)),
                   height_cm=float(rng.integers(155, 185)), native_place=places[k % 4],
                   seen_place=places[(k + 1) % 4], features=("戴眼镜",), kind="missing")
            for k in range(n)]


def test_a_man_known_only_by_description_reaches_his_report_by_where_he_was_last_seen() -> None:
    report = person("TRUE", name="徐建国", sex="M", birth_year=1960, height_cm=170,
                    seen_place="山东省临沂市沂南县", features=("左手有疤痕",), kind="missing")
    found = person("F", sex="M", age_estimate=60, recorded_on=DAY, height_cm=172,
                   seen_place="山东省临沂市沂南县", features=("左手背伤疤",), kind="found")
    assert "TRUE" in _candidates([*_reports(50), report], found)


def test_a_described_man_is_found_by_his_mark_when_found_far_from_home() -> None:
    report = person("TRUE", name="徐建国", sex="M", birth_year=1960, features=("左手有疤痕",),
                    seen_place="山东省临沂市沂南县", kind="missing")
    found = person("F", age_estimate=58, recorded_on=DAY, features=("左手背伤疤",),
                   seen_place="浙江省杭州市西湖区", kind="found")
    assert "TRUE" in _candidates([*_reports(50), report], found)


def test_a_nameless_record_of_the_wrong_sex_is_still_in_reach() -> None:
    report = person("TRUE", name="徐建国", sex="M", birth_year=1960,
                    native_place="山东省临沂市沂南县", kind="missing")
    found = person("F", sex="F", age_estimate=63, recorded_on=DAY, native_place="山东",
                   kind="found")
    assert "TRUE" in _candidates([*_reports(50), report], found)


def test_a_nameless_record_with_an_age_fifteen_years_off_is_still_in_reach() -> None:
    report = person("TRUE", name="徐建国", sex="M", birth_year=1960,
                    native_place="山东省临沂市沂南县", kind="missing")
    found = person("F", sex="M", age_estimate=49, recorded_on=DAY, native_place="山东",
                   kind="found")
    assert "TRUE" in _candidates([*_reports(50), report], found)


def test_a_nickname_of_the_wrong_sex_is_looked_for_in_its_own_age_bands() -> None:
    report = person("TRUE", name="徐建国", sex="M", birth_year=1960, kind="missing")
    near = person("F", name="老徐", sex="F", age_estimate=64, recorded_on=DAY, kind="found")
    far = person("F", name="老徐", sex="F", age_estimate=40, recorded_on=DAY, kind="found")
    assert "TRUE" in _candidates([report], near)
    assert "TRUE" not in _candidates([report], far)


def test_a_nickname_looks_under_the_surname_and_the_given_name() -> None:
    by_surname = person("S", name="林建国", sex="M", birth_year=1960, kind="missing")
    by_given = person("G", name="王树林", sex="M", birth_year=1962, kind="missing")
    found = person("F", name="小林", sex="M", age_estimate=63, recorded_on=DAY, kind="found")
    assert {"S", "G"} <= _candidates([*_reports(20), by_surname, by_given], found)


def test_broad_description_keys_take_their_smallest_blocks_first(monkeypatch) -> None:
    monkeypatch.setattr(blocking, "BROAD_CANDIDATES", 5)
    alike = [person(f"R{k}", name=f"王{GIVEN[k % len(GIVEN)]}{GIVEN[(k + 7) % len(GIVEN)]}",
                    sex="M", birth_year=1960, height_cm=171, native_place="河南省周口市太康县",
                    kind="missing") for k in range(40)]
    report = person("TRUE", name="徐建国", sex="M", birth_year=1960, height_cm=171,
                    native_place="河南省周口市太康县", features=("左手有疤痕",), kind="missing")
    found = person("F", sex="M", age_estimate=64, recorded_on=DAY, height_cm=171,
                   features=("左手背伤疤",), kind="found")
    assert _candidates([*alike, report], found) == {"TRUE"}


def test_a_full_name_of_unknown_sex_still_looks_under_both_sexes() -> None:
    known_by_surname = person("TRUE", name="老徐", sex="M", birth_year=1960, kind="missing")
    found = person("F", name="徐建国", age_estimate=64, recorded_on=DAY, kind="found")
    assert "TRUE" in _candidates([known_by_surname], found)


def test_a_named_record_does_not_search_by_description() -> None:
    report = person("TRUE", name="徐建国", sex="M", birth_year=1960,
                    seen_place="山东省临沂市沂南县", kind="missing")
    found = person("F", name="陈明辉", sex="M", age_estimate=60, recorded_on=DAY,
                   seen_place="山东省临沂市沂南县", kind="found")
    assert "TRUE" not in _candidates([report], found)


# --- one person, one match ----------------------------------------------------------------------
def test_rivals_with_the_same_evidence_share_the_probability() -> None:
    params = Parameters.default()
    params.match_prior = 0.5
    rows = np.array([0, 0, 1])
    p = one_to_one_probability(params, rows, np.array([3.0, 3.0, 3.0]))
    # Alone a pair at 3 bits (odds 8) is 8/9; two rivals each get 8/17.
    assert np.allclose(p, [8 / 17, 8 / 17, 8 / 9])


def test_one_strong_candidate_keeps_its_probability() -> None:
    params = Parameters.default()
    params.match_prior = 0.5
    p = one_to_one_probability(params, np.array([0, 0]), np.array([40.0, -20.0]))
    assert p[0] > 0.999999 and p[1] < 1e-6


def test_surnames_in_the_tests_are_real_surnames() -> None:
    assert set(SURNAMES) <= set(SURNAME_SHARES)


# --- the files and the explanation ---------------------------------------------------------------
def test_the_reader_takes_where_found_or_last_seen(tmp_path) -> None:
    path = tmp_path / "found.csv"
    path.write_text("record_id,name,sex,seen_place\nF1,,M,山东省青岛市崂山区沙子口\n",
                    encoding="utf-8")
    (record,) = read_records(path)
    assert record.seen_place == "山东省青岛市崂山区沙子口"
    assert prepare(record).seen.county == "370212"


def test_the_explanation_says_where_and_how_far_off_in_chinese(fitted) -> None:
    report = person("M1", sex="M", birth_year=1960, seen_place="山东省临沂市沂南县",
                    kind="missing", missing_since=dt.date(2024, 6, 1))
    found = person("F1", sex="M", age_estimate=48, recorded_on=DAY,
                   seen_place="山东省临沂市沂南县", kind="found")
    said = {code: text for code, _bits, text in fitted.explain(found, report).explanation}
    assert said["seen_place"] == "发现地与走失地同县 山东省临沂市沂南县/山东省临沂市沂南县"
    assert said["birth_year"].startswith("年龄估计偏差很大（20岁内），差 16 岁")
