"""Settlement (落户安置) after three months unidentified: application, police household
registration, placement, in order, each with its owner, due date and document."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from songnuan.duty.models import Alert
from songnuan.people.models import Status
from songnuan.refusals import Refused
from songnuan.tracing import casework, settlement
from songnuan.tracing.models import CaseStatus, SettlementStep
from tests.tracing.factories import admit_unidentified

pytestmark = pytest.mark.django_db

APPLICATION = {"reference": "崂民救〔2026〕17号"}
REGISTRATION = {"reference": "户籍登记370212-2026-0042"}
PLACEMENT = {"reference": "崂民安〔2026〕9号", "placement": "institution",
             "place": "青岛市社会福利院"}


def settling(cast):
    admitted = timezone.now() - datetime.timedelta(days=95)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, at=admitted)
    casework.assign_officer(case, cast.laoshan_tracing)
    casework.advance_cases()
    case.refresh_from_db()
    assert case.status == CaseStatus.SETTLEMENT
    settlement.open_due_paths()
    return case


def step(case, kind) -> SettlementStep:
    return case.settlement_steps.get(kind=kind)


def test_the_path_opens_with_three_steps_owned_and_due_one_after_another(cast):
    case = settling(cast)
    steps = list(case.settlement_steps.all())
    assert [s.kind for s in steps] == ["application", "registration", "placement"]
    assert all(s.owner == cast.laoshan_tracing for s in steps)
    assert steps[0].due_at < steps[1].due_at < steps[2].due_at
    assert settlement.open_due_paths() == 0


def test_a_step_out_of_order_is_refused_with_a_reason_and_nothing_written(cast):
    case = settling(cast)
    with pytest.raises(Refused, match="落户安置申请") as refused:
        settlement.complete(step(case, "registration"), REGISTRATION, by=cast.laoshan_tracing)
    assert refused.value.field == "kind"
    assert not case.settlement_steps.filter(done_at__isnull=False).exists()
    settlement.complete(step(case, "application"), APPLICATION, by=cast.laoshan_tracing)
    with pytest.raises(Refused, match="户籍"):
        settlement.complete(step(case, "placement"), PLACEMENT, by=cast.laoshan_tracing)


def test_a_step_needs_its_document_number_and_the_placement_where(cast):
    case = settling(cast)
    with pytest.raises(Refused) as refused:
        settlement.complete(step(case, "application"), {"reference": " "},
                            by=cast.laoshan_tracing)
    assert refused.value.field == "reference"
    settlement.complete(step(case, "application"), APPLICATION, by=cast.laoshan_tracing)
    settlement.complete(step(case, "registration"), REGISTRATION, by=cast.laoshan_tracing)
    with pytest.raises(Refused) as refused:
        settlement.complete(step(case, "placement"), {"reference": "崂民安〔2026〕9号"},
                            by=cast.laoshan_tracing)
    assert refused.value.field == "placement"


def test_the_placement_settles_the_person_and_closes_the_case(cast):
    case = settling(cast)
    for kind, data in (("application", APPLICATION), ("registration", REGISTRATION),
                       ("placement", PLACEMENT)):
        settlement.complete(step(case, kind), data, by=cast.laoshan_tracing)
    case.refresh_from_db()
    case.stay.refresh_from_db()
    case.person.refresh_from_db()
    assert case.status == CaseStatus.CLOSED and case.stay.outcome == "settled"
    assert case.person.status == Status.SETTLED
    with pytest.raises(Refused):
        settlement.complete(step(case, "placement"), PLACEMENT, by=cast.laoshan_tracing)


def test_an_overdue_step_is_told_to_the_officer_once(cast):
    case = settling(cast)
    late = step(case, "application").due_at + datetime.timedelta(days=1)
    assert settlement.alert_overdue(now=late) >= 1
    assert settlement.alert_overdue(now=late) == 0
    assert Alert.objects.filter(recipient=cast.laoshan_tracing,
                                text__contains="落户安置申请").exists()


def test_the_step_form_keeps_its_input_when_refused_and_takes_a_scan(cast, client):
    case = settling(cast)
    client.force_login(cast.laoshan_tracing)
    url = f"/tracing/cases/{case.pk}/settlement/"
    answer = client.post(url, {"kind": "registration", "reference": "户籍登记370212-2026-0042"})
    page = answer.content.decode()
    assert answer.status_code == 422 and "户籍登记370212-2026-0042" in page
    assert "落户安置申请" in page
    scan = SimpleUploadedFile("申请书.pdf", b"%PDF-1.4 settlement application",
                              content_type="application/pdf")
    answer = client.post(url, {"kind": "application", "reference": "崂民救〔2026〕17号",
                               "document": scan})
    assert answer.status_code == 302
    assert step(case, "application").document.name.endswith(".pdf")
