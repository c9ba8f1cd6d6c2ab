"""Reports, and unidentified people admitted to a station (which opens their case)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from songnuan.shelter.admission import AdmissionInput, admit
from songnuan.shelter.beds import free_beds
from songnuan.tracing import missing_reports, tasks
from songnuan.tracing.models import MissingReport, TracingCase
from tests.people.factories import make_person
from tests.shelter.factories import make_zone


def make_report(name: str = "张卫东", *, district, sex: str = "M", birth_year: int | None = 1968,
                **fields) -> MissingReport:
    defaults = {"height_cm": 170, "native_place": "山东菏泽", "dialect": "山东口音",
                "features": "左手小指缺失；右脸颊有黑痣", "reporter_name": "张丽",
                "reporter_phone": "13800000001", "reporter_relation": "女儿",
                "missing_since": datetime.date(2026, 10, 1)}
    defaults.update(fields)
    return missing_reports.file_report(MissingReport(name=name, sex=sex, birth_year=birth_year,
                                              district=district, **defaults))


def admit_unidentified(site, *, by, at: datetime.datetime | None = None, ranked: bool = True,
                       **fields) -> TracingCase:
    """Admit a man nobody can name: no name, no ID number; returns his new case, compared with
    the open reports as the worker does after the admission commits (unless `ranked=False`)."""
    person_fields = {"age": 58, "height_cm": 170, "dialect": "山东口音",
                     "marks": "左手缺小指；右脸颊黑痣", "alias": "无名氏"}
    person_fields.update(fields)
    person = make_person("", site=site, **person_fields)
    if not free_beds(site).exists():
        make_zone(site, f"男宾区{site.zones.count() + 1}", beds=4)
    stay = admit(person, site, AdmissionInput(), by=by, now=at or timezone.now())
    case = TracingCase.objects.get(stay=stay)
    if ranked:
        tasks.rank_case.call(case.pk)
        case.refresh_from_db()
    return case
