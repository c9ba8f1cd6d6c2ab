"""Chinese names as they are mis-recorded on the street."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from linkage_helpers import level, person

from songnuan.linkage.names import FAMILIAR, FULL, SURNAME_ONLY, UNKNOWN, fuzzy_syllable, parse_name

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林高罗"
GIVEN = "伟强磊军勇杰涛斌芳娜敏静丽艳娟霞秀英玲"


def name_level(a: str, b: str) -> str | None:
    return level("name", person("a", name=a), person("b", name=b))


def test_it_reads_surnames_pypinyin_gets_wrong() -> None:
    assert parse_name("单雪").pinyin == "shan xue"
    assert parse_name("曾国藩").pinyin == "zeng guo fan"
    assert parse_name("仇明").pinyin == "qiu ming"
    assert parse_name("解放").pinyin == "xie fang"
    assert parse_name("朴正").pinyin == "piao zheng"


def test_it_splits_compound_surnames() -> None:
    name = parse_name("欧阳娜娜")
    assert (name.surname, name.given) == ("欧阳", "娜娜")
    assert parse_name("诸葛亮").surname == "诸葛"


def test_it_classifies_partial_names() -> None:
    assert parse_name("王某").kind == SURNAME_ONLY
    assert parse_name("老王").kind == SURNAME_ONLY
    assert parse_name("王大爷").kind == SURNAME_ONLY
    assert parse_name("阿强").kind == FAMILIAR
    assert parse_name("小芳").kind == FAMILIAR
    assert parse_name("无名氏").kind == UNKNOWN
    assert parse_name("").kind == UNKNOWN
    assert parse_name("张伟").kind == FULL


def test_exact_names_agree_exactly() -> None:
    assert name_level("张伟", "张伟") == "exact"


def test_traditional_characters_count_as_the_same_name() -> None:
    assert name_level("張偉", "张伟") == "exact"


def test_homophones_are_recognised_and_kept_apart_from_exact() -> None:
    assert name_level("张伟", "章伟") == "homophone"
    assert name_level("张伟", "张玮") == "homophone"


def test_dialect_sounds_make_variants() -> None:
    assert name_level("刘能", "牛能") == "variant"  # n/l
    assert name_level("王芳", "王杭") == "variant"  # f/h
    assert name_level("陈生", "程森") == "variant"  # ch/c … eng/en both sides


def test_look_alike_characters_make_variants() -> None:
    assert name_level("王己", "王已") == "variant"


def test_swapped_given_characters_make_variants() -> None:
    assert name_level("李建国", "李国建") == "variant"


def test_familiar_forms_match_the_given_name() -> None:
    assert name_level("阿强", "李志强") == "partial"
    assert name_level("小芳", "王芳") == "partial"
    assert name_level("阿强", "李志刚") == "partial_diff"


def test_given_name_without_surname_matches() -> None:
    assert name_level("志强", "李志强") == "partial"


def test_surname_only_records_match_on_surname() -> None:
    assert name_level("王某", "王建国") == "surname_match"
    assert name_level("老王", "汪建国") == "surname_match"
    assert name_level("王某", "李建国") == "partial_diff"


def test_different_names_are_different() -> None:
    assert name_level("张伟", "李娜") == "different"
    assert name_level("张建国", "张丽") == "surname_same_given_diff"


def test_unknown_names_give_no_evidence() -> None:
    assert name_level("无名氏", "张伟") is None


@given(st.text(alphabet=SURNAMES, min_size=1, max_size=1),
       st.text(alphabet=GIVEN, min_size=1, max_size=2))
def test_any_name_agrees_exactly_with_itself(surname: str, given_name: str) -> None:
    assert name_level(surname + given_name, surname + given_name) == "exact"


@given(st.sampled_from(["zhang", "chang", "shang", "nian", "lang", "feng", "rong", "huang"]))
def test_fuzzy_sounds_are_idempotent(syllable: str) -> None:
    assert fuzzy_syllable(fuzzy_syllable(syllable)) == fuzzy_syllable(syllable)


def test_latin_names_in_either_order_with_a_typo_are_similar() -> None:
    assert level("name", person(name="ryan chloe"), person(name="chloe ryna")) == "similar"
    assert level("name", person(name="ryan chloe"), person(name="mason harrison")) == "different"
