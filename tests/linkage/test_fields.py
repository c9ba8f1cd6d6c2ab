"""Comparisons of the other fields: age, height, ID number, place, accent, marks, dates, faces."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st
from linkage_helpers import level, person

from songnuan.linkage.idnumber import check_char, parse_id, with_check
from songnuan.linkage.marks import Mark, parse_marks
from songnuan.linkage.places import accent_provinces, parse_place

DAY = dt.date(2024, 12, 1)
ID = with_check("41162719560412991")


def test_birth_years_stated_exactly_agree() -> None:
    assert level("birth_year", person(birth_year=1956), person(birth_year=1956)) == "exact"
    assert level("birth_year", person(birth_year=1956), person(birth_year=1970)) == "beyond_6"


def test_an_estimated_age_is_judged_against_its_uncertainty() -> None:
    found = person(age_estimate=65, recorded_on=DAY)
    assert level("birth_year", found, person(birth_year=1959)) == "z1"
    assert level("birth_year", found, person(birth_year=1952)) == "z2"
    assert level("birth_year", found, person(birth_year=1985)) == "beyond_z3"


def test_age_estimates_on_different_dates_are_compared_as_birth_years() -> None:
    earlier = person(age_estimate=50, recorded_on=dt.date(2014, 1, 1))
    later = person(age_estimate=60, recorded_on=dt.date(2024, 1, 1))
    assert level("birth_year", earlier, later) == "z1"


@given(st.integers(min_value=1930, max_value=2010), st.integers(min_value=0, max_value=40))
def test_a_larger_birth_year_gap_never_agrees_better(year: int, gap: int) -> None:
    levels = ["exact", "within_1", "within_3", "within_6", "beyond_6"]
    near = level("birth_year", person(birth_year=year), person(birth_year=year + gap))
    far = level("birth_year", person(birth_year=year), person(birth_year=year + gap + 1))
    assert levels.index(far) >= levels.index(near)


def test_full_birth_dates_on_both_sides_agree_beyond_the_year() -> None:
    born = dt.date(1956, 4, 12)
    same_day = person(birth_year=1956, birth_date=born)
    assert level("birth_year", same_day, person(birth_year=1956, birth_date=born)) == "same_date"
    other_day = person(birth_year=1956, birth_date=dt.date(1956, 4, 21))
    assert level("birth_year", same_day, other_day) == "exact"
    assert level("birth_year", same_day, person(birth_year=1956)) == "exact"


def test_heights_are_banded() -> None:
    assert level("height", person(height_cm=170), person(height_cm=172)) == "within_3"
    assert level("height", person(height_cm=170), person(height_cm=190)) == "beyond_12"
    assert level("height", person(height_cm=170), person()) is None


def test_id_numbers_carry_check_digit_region_birth_and_sex() -> None:
    number = parse_id(ID)
    assert number is not None and number.has_valid_check
    assert number.region == "411627" and number.birth == dt.date(1956, 4, 12)
    assert number.sex == "M"
    wrong = ID[:17] + ("0" if ID[17] != "0" else "1")
    assert not parse_id(wrong).has_valid_check  # type: ignore[union-attr]


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_the_check_character_makes_the_number_valid(first17: str) -> None:
    assert parse_id(with_check(first17)).has_valid_check  # type: ignore[union-attr]
    assert check_char(first17) in "0123456789X"


def test_id_typos_are_graded() -> None:
    def id_level(other: str) -> str | None:
        return level("id_number", person(id_number=ID), person(id_number=other))

    assert id_level(ID) == "exact"
    assert id_level(ID[:17] + ("1" if ID[17] != "1" else "2")) == "one_digit"
    typo = ID[:10] + str((int(ID[10]) + 1) % 10) + ID[11:]
    assert id_level(typo) == "one_digit"
    assert id_level(ID[:14] + ID[15] + ID[14] + ID[16:]) in ("swapped_digits", "one_digit",
                                                              "exact")
    assert id_level(ID[:14] + "0000") == "same_region_birth"
    assert id_level(with_check("11010119800101001")) == "different"


def test_an_id_number_gives_birth_year_and_place_when_fields_are_empty() -> None:
    with_id = person(id_number=ID)
    assert level("birth_year", with_id, person(birth_year=1956)) == "exact"
    assert level("native_place", with_id, person(native_place="河南周口")) == "city"


def test_places_compare_at_the_coarsest_shared_granularity() -> None:
    full = person(native_place="河南省周口市太康县")
    assert level("native_place", full, person(native_place="河南")) == "province"
    assert level("native_place", full, person(native_place="周口太康")) == "county"
    assert level("native_place", full, person(native_place="周口市")) == "city"
    assert level("native_place", full, person(native_place="河南郑州")) == "province_city_diff"
    assert level("native_place", full, person(native_place="四川")) == "different"


def test_an_unreadable_place_with_a_typo_or_a_shared_word_is_not_a_different_place() -> None:
    written = person(native_place="Smithfield 2821")
    assert level("native_place", written, person(native_place="smithfield 2821")) == "county"
    assert level("native_place", written, person(native_place="smithifeld 2821")) == "similar_text"
    assert level("native_place", written, person(native_place="seymour 2821")) == "shared_word"
    assert level("native_place", written, person(native_place="bronte 2610")) == "different"


def test_place_names_parse_to_codes() -> None:
    assert parse_place("河南省周口市太康县").county == "411627"
    assert parse_place("内蒙古呼和浩特").city == "1501"
    assert parse_place("辽宁朝阳").city == "2113"


def test_accents_point_to_provinces() -> None:
    assert accent_provinces("东北口音") == frozenset({"21", "22", "23"})
    assert accent_provinces("河南口音") == frozenset({"41"})
    assert accent_provinces("普通话") == frozenset()
    found = person(dialect="东北口音")
    assert level("dialect", found, person(native_place="黑龙江省哈尔滨市")) == "agree"
    assert level("dialect", found, person(native_place="广东")) == "disagree"
    assert level("dialect", found, person()) is None


def test_marks_normalise_synonyms_and_sides() -> None:
    assert Mark("missing_finger", "hand", "L") in parse_marks(["左手缺小指"])
    assert Mark("tattoo", "arm", "L") in parse_marks("左手臂刺青")
    report = person(features=("左手缺小指", "右脸有刀疤"))
    assert level("features", report, person(features=("左手少一根手指",))) == "specific"
    assert level("features", report, person(features=("有疤",))) == "shared"
    assert level("features", report, person(features=("右手缺小指",))) == "conflict"
    assert level("features", report, person(features=("戴眼镜",))) == "none_shared"


def test_a_common_mark_on_the_same_body_part_tells_people_apart() -> None:
    report = person(features=("左手有疤痕",))
    assert level("features", report, person(features=("左手背伤疤",))) == "specific"
    assert level("features", report, person(features=("手上有疤",))) == "specific"
    assert level("features", report, person(features=("有伤疤",))) == "shared"
    assert level("features", report, person(features=("右手背伤疤",))) == "conflict"


def test_a_body_part_the_mark_itself_names_tells_nothing_more() -> None:
    assert parse_marks("缺门牙") == parse_marks("豁牙") == {Mark("missing_tooth")}
    assert parse_marks("戴眼镜") == {Mark("glasses")}
    assert level("features", person(features=("缺门牙",)), person(features=("门牙掉了",))) \
        == "shared"


def test_found_before_missing_is_evidence_against() -> None:
    report = person(kind="missing", missing_since=dt.date(2024, 3, 1))
    before = person(kind="found", recorded_on=dt.date(2023, 12, 1))
    after = person(kind="found", recorded_on=dt.date(2024, 5, 1))
    assert level("dates", before, report) == "found_before_missing"
    assert level("dates", report, after) == "within_year"
    assert level("dates", before, after) is None


def test_faces_compare_by_euclidean_distance() -> None:
    face = tuple([0.0] * 128)
    near = tuple([0.03] + [0.0] * 127)
    far = tuple([1.0] + [0.0] * 127)
    assert level("face", person(face=face), person(face=near)) == "very_close"
    assert level("face", person(face=face), person(face=far)) == "far"
    assert level("face", person(face=face), person()) is None
