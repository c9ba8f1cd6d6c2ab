from __future__ import annotations

import datetime
from typing import Any, Literal

from django.utils.translation import gettext as _
from ninja import Field, Schema
from pydantic import field_validator, model_validator

from songnuan.linkage.idnumber import parse_id
from songnuan.refusals import Refused

Coord = Literal["wgs84", "gcj02", "bd09"]


class SiteOffer(Schema):
    """What a place offers tonight, in plain terms."""

    warm_room: bool
    bed_tonight: bool
    free_beds: int
    hot_food: bool
    directions_only: bool


class NearbySite(Schema):
    id: int
    name: str
    level: str
    level_label: str
    host_type: str
    is_qindao_yijia: bool
    distance_m: int
    open_now: bool
    full: bool
    address: str
    phone: str
    lat: float
    lon: float
    services: list[str]
    hours: list[str]
    is_24h: bool
    url: str
    offers: SiteOffer
    offer_labels: list[str] = Field(description="What the place offers, in the reader's language")
    need_rank: int = Field(description="0 warm place with room open now, 1 warm but full or hot "
                                       "food only, 2 directions only, 3 closed")
    road_distance_m: int = Field(description="Estimated walking route: distance_m × 1.3")
    walk_min: int = Field(description="Minutes on foot at 4.5 km/h over road_distance_m")


class NearestOut(Schema):
    results: list[NearbySite]


class DistrictRef(Schema):
    id: int
    code: str
    name: str


class SiteOut(Schema):
    id: int
    name: str
    level: str
    parent_id: int | None
    host_type: str
    is_qindao_yijia: bool
    district: DistrictRef
    district_override_reason: str
    address: str
    lat: float
    lon: float
    phone: str
    hours: list[str]
    is_24h: bool
    open_in_cold_protocol: bool
    services: list[str]
    seats: int
    beds: int
    status: str
    status_reason: str


class SiteIn(Schema):
    name: str = Field(min_length=1, max_length=100)
    level: Literal["central", "sub", "relief", "guidance"]
    parent_id: int | None = None
    host_type: str = "other"
    is_qindao_yijia: bool = False
    address: str = Field("", max_length=200)
    lat: float
    lon: float
    coord: Coord = "wgs84"
    district_code: str | None = None
    district_override_reason: str = Field("", max_length=200)
    hours: list[str] | str = []
    is_24h: bool = False
    open_in_cold_protocol: bool = False
    services: list[str] = []
    seats: int = Field(0, ge=0, le=100_000)
    beds: int = Field(0, ge=0, le=100_000)
    phone: str = Field("", max_length=30)
    status: Literal["open", "closed", "suspended"] = "open"
    status_reason: str = Field("", max_length=200)


class SitePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    level: Literal["central", "sub", "relief", "guidance"] | None = None
    parent_id: int | None = None
    host_type: str | None = None
    is_qindao_yijia: bool | None = None
    address: str | None = Field(None, max_length=200)
    lat: float | None = None
    lon: float | None = None
    coord: Coord | None = None
    district_code: str | None = None
    district_override_reason: str | None = Field(None, max_length=200)
    hours: list[str] | str | None = None
    is_24h: bool | None = None
    open_in_cold_protocol: bool | None = None
    services: list[str] | None = None
    seats: int | None = Field(None, ge=0, le=100_000)
    beds: int | None = Field(None, ge=0, le=100_000)
    phone: str | None = Field(None, max_length=30)
    status: Literal["open", "closed", "suspended"] | None = None
    status_reason: str | None = Field(None, max_length=200)


class OccupancyOut(Schema):
    site_id: int
    seats: int
    seats_in_use: int
    beds: int
    beds_in_use: int
    full: bool
    open_now: bool


class VisitIn(Schema):
    direction: Literal["in", "out"]
    count: int = Field(1, ge=1, le=50)


class FamilySearchReport(Schema):
    """A family's missing-person report (寻亲登记) filed in the sending city."""

    name: str = Field("", max_length=50, description="the missing person's name, if known")
    sex: Literal["M", "F", ""] = ""
    birth_year: int | None = Field(None, ge=1900, le=2100)
    height_cm: int | None = Field(None, ge=40, le=250)
    native_place: str = Field("", max_length=100)
    dialect: str = Field("", max_length=50)
    features: str = Field("", max_length=1000, description="marks and features, ；-separated")
    last_seen_place: str = Field(..., min_length=1, max_length=200)
    last_seen_on: datetime.date
    description: str = Field("", max_length=2000, description="appearance, clothing, health")
    contact_name: str = Field(..., min_length=1, max_length=50)
    contact_phone: str = Field(..., min_length=5, max_length=20)
    contact_relation: str = Field("", max_length=30, description="the family's relation")

    model_config = {"json_schema_extra": {"example": {
        "name": "王桂兰", "sex": "F", "birth_year": 1948, "last_seen_place": "火车站北广场",
        "last_seen_on": "2026-12-01", "description": "灰色棉袄，说话带山东口音，有轻度认知障碍",
        "contact_name": "王建国", "contact_phone": "13904310042", "contact_relation": "儿子"}}}


class EscortHandover(Schema):
    """An escorted return (跨市护送返乡) from the sending city to this one: who is coming, who
    brings them, and when and where our station receives them."""

    person_name: str = Field(..., min_length=1, max_length=50)
    sex: Literal["M", "F"]
    age: int = Field(..., ge=0, le=120)
    id_number: str = Field("", max_length=18, description="resident ID number, if known")
    escort_name: str = Field(..., min_length=1, max_length=50)
    escort_phone: str = Field(..., min_length=5, max_length=20)
    arrives_at: datetime.datetime = Field(..., description="planned arrival")
    receiving_place: str = Field(..., min_length=1, max_length=200,
                                 description="where our station receives the person")
    notes: str = Field("", max_length=1000, description="health, medicine, belongings")

    model_config = {"json_schema_extra": {"example": {
        "person_name": "刘德顺", "sex": "M", "age": 63, "id_number": "",
        "escort_name": "赵明", "escort_phone": "13604510077",
        "arrives_at": "2026-12-08T14:30:00+08:00", "receiving_place": "火车站出站口",
        "notes": "糖尿病，随身带胰岛素"}}}

    @field_validator("id_number")
    @classmethod
    def resident_id(cls, value: str) -> str:
        parsed = parse_id(value)
        if parsed is None:
            return ""
        if not (parsed.is_resident_id and parsed.has_valid_check):
            raise ValueError(_("Enter an 18-character resident ID number whose last "
                               "character checks."))
        return parsed.text


class FoundPersonAnnouncement(Schema):
    """An announcement (寻亲公告) of an unidentified person found in the sending city, for
    this city's tracing officers to compare with the families' reports here."""

    text: str = Field(..., min_length=1, max_length=2000, description="the announcement")
    found_on: datetime.date
    found_place: str = Field(..., min_length=1, max_length=200)
    sex: Literal["M", "F", ""] = ""
    age_estimate: int | None = Field(None, ge=0, le=120)
    height_cm: int | None = Field(None, ge=40, le=250)
    dialect: str = Field("", max_length=50)
    features: str = Field("", max_length=1000, description="marks and features, ；-separated")
    contact: str = Field(..., min_length=1, max_length=200,
                         description="the sending station's contact")

    model_config = {"json_schema_extra": {"example": {
        "text": "2026年12月3日在火车站候车室发现一名男子，自称姓李，口齿不清。",
        "found_on": "2026-12-03", "found_place": "火车站候车室", "sex": "M",
        "age_estimate": 55, "height_cm": 168, "dialect": "胶东口音",
        "features": "右手背有烫伤疤痕", "contact": "救助管理站 0431-12345"}}}


class PersonMoved(Schema):
    """A person known in the sending city was last seen moving toward this one."""

    name: str = Field("", max_length=50, description="the name, if known")
    description: str = Field("", max_length=2000, description="appearance, clothing, health")
    sex: Literal["M", "F", ""] = ""
    age_estimate: int | None = Field(None, ge=0, le=120)
    last_seen_place: str = Field(..., min_length=1, max_length=200)
    last_seen_at: datetime.datetime
    heading_to: str = Field("", max_length=200, description="where here, if known")
    contact: str = Field("", max_length=200, description="who to call in the sending city")

    model_config = {"json_schema_extra": {"example": {
        "name": "老孙", "description": "六十岁左右，拄拐，军绿色大衣，常在桥洞过夜",
        "sex": "M", "age_estimate": 60, "last_seen_place": "长途汽车站",
        "last_seen_at": "2026-12-04T07:10:00+08:00", "heading_to": "火车站一带",
        "contact": "外展队 13500000000"}}}

    @model_validator(mode="after")
    def named_or_described(self) -> PersonMoved:
        if not (self.name.strip() or self.description.strip()):
            raise ValueError(_("Give the person's name or a description."))
        return self


# Each kind of message and the field that carries its content.
PARTNER_CONTENT = {"family_search": ("report", FamilySearchReport),
                   "escort_handover": ("handover", EscortHandover),
                   "announcement": ("announcement", FoundPersonAnnouncement),
                   "person_moved": ("sighting", PersonMoved)}
PartnerKind = Literal["family_search", "escort_handover", "announcement", "person_moved"]


class PartnerMessageIn(Schema):
    """One message; its content goes in the field named for its kind (`report` for
    `family_search`, `handover`, `announcement`, `sighting` for `person_moved`)."""

    message_id: str = Field(..., min_length=1, max_length=64,
                            description="the sender's id; the same id again is the same message")
    to_city: str = Field(..., pattern=r"^\d{6}$", description="this deployment's city code")
    kind: PartnerKind
    sent_at: datetime.datetime
    report: FamilySearchReport | None = None
    handover: EscortHandover | None = None
    announcement: FoundPersonAnnouncement | None = None
    sighting: PersonMoved | None = None

    def content(self) -> dict[str, Any]:
        """The kind's content as JSON values, or a refusal naming the missing field."""
        field, _schema = PARTNER_CONTENT[self.kind]
        found = getattr(self, field)
        if found is None:
            raise Refused(_("A %(kind)s message carries its content in “%(field)s”.")
                          % {"kind": self.kind, "field": field}, field, "missing")
        return found.model_dump(mode="json")


class PartnerReceipt(Schema):
    receipt: int
    message_id: str
    from_city: str
    from_city_name: str
    kind: str
    received_at: datetime.datetime
