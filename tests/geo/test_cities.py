"""The national catalogue of cities a deployment picks from, and the names it gives them."""

from __future__ import annotations

import pytest

from songnuan.geo.cities import CityLookupError, english_name, find_city
from songnuan.geo.districts import load_city


@pytest.mark.parametrize(("query", "code"), [
    ("230100", "230100"), ("156230100", "230100"), ("哈尔滨市", "230100"), ("哈尔滨", "230100"),
    ("喀什地区", "653100"), ("喀什", "653100"), ("北京", "110000"), (" 昆明市 ", "530100"),
])
def test_a_city_is_found_by_code_or_name(query, code):
    assert find_city(query).code == code


def test_a_district_name_shared_by_two_cities_lists_both():
    with pytest.raises(CityLookupError) as refused:
        find_city("朝阳区")
    assert {c.label() for c in refused.value.candidates} == {"110105 北京市朝阳区",
                                                             "220104 长春市朝阳区"}


def test_a_mistyped_name_suggests_the_city_meant():
    with pytest.raises(CityLookupError) as refused:
        find_city("哈尔宾")
    assert [c.code for c in refused.value.candidates] == ["230100"]


def test_a_municipality_has_its_districts_under_its_two_digit_prefix():
    beijing = load_city("110000")
    assert len(beijing.districts) == 16
    assert beijing.district_at(39.9087, 116.3975).name == "东城区"  # 天安门


@pytest.mark.parametrize(("name", "english"), [
    ("道里区", "Daoli"), ("宾县", "Binxian"), ("五常市", "Wuchang"),
    ("寻甸回族彝族自治县", "Xundian"), ("禄劝彝族苗族自治县", "Luquan"),
])
def test_english_names_are_the_pinyin_of_the_place_s_own_name(name, english):
    assert english_name(name) == english


def test_a_prefecture_without_urban_districts_opens_on_its_county_level_city():
    kashgar = load_city("653100")
    assert kashgar.district_at(*kashgar.core_centre, tolerance_m=0).name == "喀什市"
