from __future__ import annotations

import datetime

from ninja import Field, Schema


class StepOut(Schema):
    kind: str
    label: str
    due_at: datetime.datetime
    done_at: datetime.datetime | None
    overdue: bool
    # The due date was computed without the year's holiday arrangement: check it by hand.
    calendar_gap: bool


class CaseOut(Schema):
    id: int
    person_id: int
    person: str
    site_id: int
    status: str
    opened_at: datetime.datetime
    found_place: str
    matched_report_id: int | None
    officer_id: int | None
    officer: str | None
    steps: list[StepOut]


class EvidenceOut(Schema):
    code: str
    bits: float
    text: str


class CandidateOut(Schema):
    id: int
    report_id: int
    report_reference: str
    report_name: str
    score: float
    decision: str
    reason: str
    explanation: list[EvidenceOut]


class ReportIn(Schema):
    name: str = Field("", max_length=50)
    sex: str = Field("", pattern=r"^[MF]?$")
    birth_year: int | None = None
    height_cm: int | None = None
    id_number: str = Field("", max_length=24)
    native_place: str = Field("", max_length=100)
    dialect: str = Field("", max_length=50)
    features: str = ""
    missing_since: datetime.date | None = None
    last_seen_place: str = Field("", max_length=200)
    description: str = ""
    reporter_name: str = Field(..., min_length=1, max_length=50)
    reporter_phone: str = Field(..., max_length=20)
    reporter_relation: str = Field("", max_length=30)
    district_id: int


class ReportOut(Schema):
    id: int
    reference: str
    name: str
    sex: str
    birth_year: int | None
    district_id: int
    status: str
    source: str
    has_id_number: bool


class ComparisonOut(Schema):
    id: int
    case_id: int
    kind: str
    status: str
    message: str
    sent_at: datetime.datetime
    acknowledged_at: datetime.datetime | None
    result_at: datetime.datetime | None
    matched_identity: str
    result_notes: str
    has_evidence: bool
    due_at: datetime.datetime | None = None
    police_reference: str = ""
