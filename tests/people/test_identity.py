"""ID numbers are checked digit by digit, and each failure says which check failed."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from songnuan.people.identity import (
    IdCheck,
    IdNumberError,
    check_character,
    normalise,
    parse_id_number,
    region_name_for,
)
from tests.people.factories import id_number

TODAY = datetime.date(2026, 11, 29)


def test_a_valid_number_gives_its_place_birth_date_and_sex():
    info = parse_id_number(id_number("370202", "19800101", "F"), TODAY)
    assert info.region_name == "山东省青岛市市南区"
    assert info.birth_date == datetime.date(1980, 1, 1)
    assert info.sex == "F"
    assert not info.region_retired


def test_a_retired_division_code_still_resolves_to_its_place():
    info = parse_id_number(id_number("370282", "19980101"), TODAY)
    assert info.region_name == "山东省青岛市即墨市"
    assert info.region_retired


def test_a_direct_municipality_has_no_duplicate_city_name():
    assert region_name_for("110101") == "北京市东城区"


def test_a_lower_case_x_and_full_width_digits_are_accepted():
    body = "11010519491231002"
    number = body + check_character(body)
    assert number.endswith("X")
    wide = "".join(chr(ord(ch) + 0xFEE0) for ch in body) + "x"
    assert normalise(wide) == number
    assert parse_id_number(wide, TODAY).number == number


def test_a_fifteen_digit_first_generation_number_is_upgraded():
    info = parse_id_number("370202800101101", TODAY)
    assert info.number.startswith("37020219800101101")
    assert len(info.number) == 18


@pytest.mark.parametrize(("number", "check"), [
    ("37020219800101", IdCheck.FORMAT),
    ("3702021980010100AB", IdCheck.FORMAT),
    ("370202198013010015", IdCheck.BIRTH_DATE),
    ("370202202801010015", IdCheck.BIRTH_DATE),
    ("999999198001010015", IdCheck.REGION),
    ("370200198001010015", IdCheck.REGION),
])
def test_it_names_the_check_that_failed(number, check):
    with pytest.raises(IdNumberError) as failure:
        parse_id_number(number, TODAY)
    assert failure.value.check == check


def test_a_mistyped_digit_fails_the_checksum_and_says_what_was_expected():
    good = id_number()
    bad = good[:10] + str((int(good[10]) + 1) % 10) + good[11:]
    with pytest.raises(IdNumberError) as failure:
        parse_id_number(bad, TODAY)
    assert failure.value.check == IdCheck.CHECKSUM
    assert check_character(bad[:17]) in failure.value.message


@given(st.text(alphabet="0123456789", min_size=17, max_size=17))
def test_exactly_one_check_character_completes_any_seventeen_digits(body):
    passing = [ch for ch in "0123456789X" if check_character(body) == ch]
    assert len(passing) == 1


@given(st.text(max_size=30))
def test_any_text_is_either_accepted_or_refused_with_a_named_check(text):
    try:
        info = parse_id_number(text, TODAY)
    except IdNumberError as error:
        assert error.check in (IdCheck.FORMAT, IdCheck.BIRTH_DATE, IdCheck.REGION,
                               IdCheck.CHECKSUM)
        assert error.message
    else:
        assert len(info.number) == 18
