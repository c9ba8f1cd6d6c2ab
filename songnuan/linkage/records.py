"""Person records as the engine sees them, and what is derived from each before comparing.

A :class:`Record` mirrors the CSV contract; :func:`prepare` reads it once into a
:class:`Prepared` (parsed name, places, ID number, birth-year estimate, marks, address) so that comparing
millions of pairs never parses text again.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

from .addresses import EMPTY, Address, parse_address
from .idnumber import IdNumber, parse_id
from .marks import Mark, parse_marks
from .names import NameParts, parse_name
from .places import Place, accent_provinces, parse_place, place_of_code

FOUND = "found"
MISSING = "missing"

# Staff judging an adult's age by eye are typically within a few years, worse for the old.
AGE_ESTIMATE_SD_MIN = 3.0
AGE_ESTIMATE_SD_SHARE = 0.08
# A stated birth year is mostly right but sometimes a lunar-calendar or memory slip.
STATED_BIRTH_YEAR_SD = 0.7
UNDATED_AGE_EXTRA_SD = 3.0


@dataclass(frozen=True, slots=True)
class Record:
    """One person record: a found person (发现/救助) or a family's missing-person report (寻人)."""

    record_id: str
    name: str = ""
    sex: str = ""
    birth_year: int | None = None
    age_estimate: float | None = None
    recorded_on: dt.date | None = None
    height_cm: float | None = None
    id_number: str = ""
    native_place: str = ""
    dialect: str = ""
    features: tuple[str, ...] = ()
    face: tuple[float, ...] | None = None
    kind: str = ""
    missing_since: dt.date | None = None
    birth_date: dt.date | None = None
    address: str = ""
    locality: str = ""
    postcode: str = ""
    # Where a found person was found (发现地点), or where a missing person was last seen (走失地点).
    seen_place: str = ""


@dataclass(frozen=True, slots=True)
class BirthEstimate:
    """Birth year as best known, with a standard deviation and where it came from."""

    year: float
    sd: float
    source: str

    @property
    def is_precise(self) -> bool:
        return self.sd <= 1.0


@dataclass(slots=True)
class Prepared:
    """A record with everything the comparisons need already parsed."""

    record: Record
    name: NameParts
    place: Place
    place_source: str
    id_number: IdNumber | None
    birth: BirthEstimate | None
    sex: str
    accent: frozenset[str]
    marks: frozenset[Mark] = field(default_factory=frozenset)
    address: Address = EMPTY
    seen: Place = field(default_factory=Place)


def prepare(record: Record, today: dt.date | None = None) -> Prepared:
    id_number = parse_id(record.id_number)
    place, place_source = parse_place(record.native_place), "native_place"
    if not place.province and id_number and id_number.region:
        from_id = place_of_code(id_number.region)
        if from_id.province:
            place, place_source = from_id, "id_number"
    sex = record.sex if record.sex in ("M", "F") else (id_number.sex if id_number else "")
    return Prepared(
        record=record,
        name=parse_name(record.name),
        place=place,
        place_source=place_source,
        id_number=id_number,
        birth=estimate_birth(record, id_number, today),
        sex=sex,
        accent=accent_provinces(record.dialect),
        marks=parse_marks(record.features),
        address=parse_address(record.address, record.locality, record.postcode),
        seen=parse_place(record.seen_place),
    )


def estimate_birth(record: Record, id_number: IdNumber | None,
                   today: dt.date | None = None) -> BirthEstimate | None:
    if id_number and id_number.birth and id_number.has_valid_check:
        return BirthEstimate(id_number.birth.year, 0.3, "id_number")
    if record.birth_year:
        return BirthEstimate(record.birth_year, STATED_BIRTH_YEAR_SD, "birth_year")
    if id_number and id_number.birth:
        return BirthEstimate(id_number.birth.year, STATED_BIRTH_YEAR_SD, "id_number")
    if record.age_estimate is not None and not math.isnan(record.age_estimate):
        age = float(record.age_estimate)
        sd = max(AGE_ESTIMATE_SD_MIN, AGE_ESTIMATE_SD_SHARE * age)
        if record.recorded_on:
            return BirthEstimate(record.recorded_on.year - age, sd, "age_estimate")
        year = (today or dt.date.today()).year
        return BirthEstimate(year - age, sd + UNDATED_AGE_EXTRA_SD, "age_estimate")
    return None
