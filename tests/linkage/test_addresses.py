"""Home addresses: reading them, the street / locality / postcode levels, blocking, CSV columns."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st
from linkage_helpers import level, person

from songnuan.linkage import CSVError, Linker, Parameters, read_records
from songnuan.linkage.addresses import parse_address
from songnuan.linkage.blocking import Blocks
from songnuan.linkage.comparisons import BY_CODE
from songnuan.linkage.records import prepare
from songnuan.linkage.tables import FITTED_PARAMETERS

ADDRESS_CODES = ("address", "locality", "postcode")


def street(a: str, b: str) -> str | None:
    return level("address", person(address=a), person(address=b))


def test_an_address_line_splits_into_house_number_and_street() -> None:
    english = parse_address("8 Stanley  Street,", "Winston Hills", "NSW 4223")
    assert (english.number, english.street, english.locality) == ("8", "stanley street",
                                                                   "winston hills")
    assert english.postcode == "nsw4223"
    assert english.street_words == frozenset({"stanley"})
    chinese = parse_address("河南省周口市太康县建設路１２號", "城关镇", "461400")
    assert (chinese.number, chinese.street) == ("12", "建设路 号")
    assert chinese.street_words == frozenset({"建设路"})


def test_street_lines_are_graded_from_exact_to_different() -> None:
    assert street("8 Stanley Street", "8 stanley street") == "exact"
    assert street("建設路１２號", "建设路12号") == "exact"
    assert street("8 lethbridge street", "8 lethbridbe street") == "similar"
    assert street("95 leahy place", "leahy lplace") == "similar"
    assert street("14 diggles street", "41 diggles street") == "same_street"
    assert street("33 kingham place killarney", "33 killarney kingham place") == "shared_word"
    assert street("8 stanley street", "12 pinkerton circuit") == "different"
    assert street("12", "13") == "different"


def test_a_generic_word_alone_is_not_a_shared_word() -> None:
    assert street("8 stanley street", "40 pinkerton street") == "different"
    assert street("人民路5号", "解放路5号") == "different"
    assert street("建设路12号幸福小区", "幸福小区3栋") == "shared_word"


def test_division_names_before_the_street_do_not_make_it_another_street() -> None:
    assert street("河南省周口市太康县建设路12号", "建设路12号") == "similar"
    assert street("河南省周口市太康县建设路12号", "河南省周口市太康县人民路3号") == "different"


def test_localities_are_graded() -> None:
    def locality(a: str, b: str) -> str | None:
        return level("locality", person(locality=a), person(locality=b))

    assert locality("Winston Hills", "winston hills") == "exact"
    assert locality("smithfield", "smithifeld") == "similar"
    assert locality("mount low", "low head") == "shared_word"
    assert locality("catalina", "bronte") == "different"
    assert locality("城关镇", "城關鎮") == "exact"


def test_postcodes_are_graded_by_typo() -> None:
    def postcode(a: str, b: str) -> str | None:
        return level("postcode", person(postcode=a), person(postcode=b))

    assert postcode("4223", "4223") == "exact"
    assert postcode("4223", "4228") == "one_char"
    assert postcode("4223", "423") == "one_char"
    assert postcode("2160", "2610") == "transposed"
    assert postcode("4223", "3000") == "different"
    assert postcode("461400", "461 400") == "exact"


def test_a_part_missing_on_either_side_adds_no_evidence() -> None:
    full = person(address="8 stanley street", locality="miami", postcode="4223")
    for code in ADDRESS_CODES:
        assert level(code, full, person()) is None
        assert level(code, person(), full) is None
    assert level("postcode", full, person(address="8 stanley street")) is None
    assert street("  ", "8 stanley street") is None
    assert street("—", "8 stanley street") is None


texts = st.text(max_size=40)
addresses = st.builds(dict, address=texts, locality=texts, postcode=st.text(max_size=12))


@given(addresses, addresses)
def test_address_comparisons_are_symmetric_and_never_raise(x: dict, y: dict) -> None:
    a, b = person("a", **x), person("b", **y)
    for code in ADDRESS_CODES:
        forward = level(code, a, b)
        assert forward == level(code, b, a)
        assert forward is None or forward in BY_CODE[code].levels


@given(addresses)
def test_an_address_agrees_exactly_with_itself(x: dict) -> None:
    a = person("a", **x)
    parsed = prepare(a).address
    expected = {"address": parsed.line, "locality": parsed.locality, "postcode": parsed.postcode}
    for code in ADDRESS_CODES:
        assert level(code, a, a) == ("exact" if expected[code] else None)


@given(st.text(alphabet="0123456789", min_size=4, max_size=6), st.data())
def test_one_mistyped_postcode_digit_is_never_a_different_postcode(code: str, data) -> None:
    at = data.draw(st.integers(min_value=0, max_value=len(code) - 1))
    digit = data.draw(st.sampled_from([d for d in "0123456789" if d != code[at]]))
    typo = code[:at] + digit + code[at + 1:]
    assert level("postcode", person(postcode=code), person(postcode=typo)) == "one_char"


def test_the_same_house_is_a_candidate_whatever_the_name_and_birth() -> None:
    stored = prepare(person("m1", name="kayla elrick", birth_year=1925,
                            address="95 jardine street", postcode="2160"))
    query = prepare(person("f1", name="zara george", birth_year=1980,
                           address="95 jardine st", postcode="2160"))
    blocks = Blocks()
    blocks.add(0, stored)
    assert list(blocks.candidates(query)) == [0]


def test_a_shared_address_is_explained_and_raises_the_score() -> None:
    params = Parameters.load(FITTED_PARAMETERS)
    linker = Linker(params)
    a = person("a", name="bridgland nicholas", birth_year=1923, address="8 lethbridge street",
               locality="winston hills", postcode="2767")
    b = person("b", name="bridgland nicholas", birth_year=1972, address="8 lethbridbe street",
               locality="toowoomba", postcode="2767")
    without = linker.explain(person("a", name=a.name, birth_year=1923),
                             person("b", name=b.name, birth_year=1972))
    match = linker.explain(a, b)
    assert match.bits > without.bits
    texts = {code: text for code, _, text in match.explanation}
    assert texts["address"].startswith("住址相近")
    assert texts["postcode"].startswith("邮编相同")


def test_parameters_saved_before_addresses_load_with_their_priors(tmp_path) -> None:
    data = json.loads(FITTED_PARAMETERS.read_text(encoding="utf-8"))
    for code in ADDRESS_CODES:
        data["m"].pop(code, None)
        data["u"].pop(code, None)
    old = tmp_path / "old.json"
    old.write_text(json.dumps(data), encoding="utf-8")
    loaded = Parameters.load(old)
    for code in ADDRESS_CODES:
        assert loaded.m[code] == list(BY_CODE[code].m_prior)
    assert loaded.weight_table().shape[0] == len(BY_CODE)


def test_the_csv_reader_takes_address_columns(tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("record_id,name,address,locality,postcode\n"
                    "M1,张伟,建设路12号,城关镇,461400\n", encoding="utf-8")
    (record,) = read_records(path)
    assert (record.address, record.locality, record.postcode) == ("建设路12号", "城关镇",
                                                                  "461400")


def test_an_impossible_postcode_is_named_in_the_error(tmp_path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("record_id,name,postcode\nM1,张伟,4614004614004614\n", encoding="utf-8")
    with pytest.raises(CSVError) as error:
        read_records(path)
    assert (error.value.row, error.value.column) == (2, "postcode")
