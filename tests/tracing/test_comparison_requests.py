"""Police comparison requests: what the liaison sees to compare, a due date a month on (reminded
before, alerted after), and the answer flowing into the case — a match becomes the identity."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.urls import reverse

from songnuan.duty.models import Alert
from songnuan.people.identities import in_force
from songnuan.people.models import IdentityStatus, PersonPhoto
from songnuan.refusals import Refused
from songnuan.tracing import casework, comparisons
from songnuan.tracing.models import CaseStatus, ComparisonStatus, TracingCase
from tests.people.factories import id_number
from tests.tracing.factories import admit_unidentified
from tests.tracing.test_files import jpeg

pytestmark = pytest.mark.django_db

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")


def at(*parts: int) -> datetime.datetime:
    return datetime.datetime(*parts, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def request_for(cast, *, kind: str = "dna", now: datetime.datetime | None = None):
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, ranked=False)
    casework.assign_officer(case, cast.laoshan_tracing)
    return comparisons.request_comparison(case, kind=kind, liaison=cast.police_liaison,
                                          message="请比对DNA", by=cast.laoshan_tracing, now=now)


@pytest.mark.parametrize(("sent", "due"), [
    # Across the National Day holiday: a month is a calendar month, holidays included.
    (at(2026, 9, 28, 10, 0), at(2026, 10, 28, 10, 0)),
    # The last day of a shorter month.
    (at(2027, 1, 31, 16, 30), at(2027, 2, 28, 16, 30)),
    # Across the Spring Festival.
    (at(2027, 2, 3, 9, 0), at(2027, 3, 3, 9, 0)),
])
def test_the_answer_is_due_a_calendar_month_after_sending(sent, due):
    assert comparisons.due_at(sent) == due


def test_the_due_month_is_a_setting(settings):
    settings.TRACING_COMPARISON_DUE_MONTHS = 2
    assert comparisons.due_at(at(2026, 12, 5, 9, 0)) == at(2027, 2, 5, 9, 0)


def test_a_request_carries_its_due_date_and_the_liaison_is_reminded_then_alerted(cast):
    sent = at(2026, 11, 2, 9, 0)
    item = request_for(cast, now=sent)
    assert item.due_at == at(2026, 12, 2, 9, 0)
    assert comparisons.remind_due(now=at(2026, 11, 20, 9, 0)) == 0
    assert comparisons.remind_due(now=at(2026, 11, 28, 9, 0)) == 1  # five days before
    soon = Alert.objects.get(recipient=cast.police_liaison)
    assert soon.key == f"comparison-soon:{item.pk}"
    assert comparisons.remind_due(now=at(2026, 11, 29, 9, 0)) == 0  # once
    late = at(2026, 12, 3, 9, 0)
    assert item.is_overdue(late)
    assert comparisons.remind_due(now=late) == 2  # the case officer and the liaison
    assert Alert.objects.filter(recipient=cast.laoshan_tracing,
                                key=f"comparison-late:{item.pk}").exists()
    comparisons.record_result(item, comparisons.ComparisonResult(
        matched=False, reference="鲁公DNA〔2026〕0932号"), by=cast.police_liaison)
    assert comparisons.remind_due(now=at(2026, 12, 10, 9, 0)) == 0


def test_the_liaison_sees_the_person_and_whom_to_answer(cast, client):
    item = request_for(cast, kind="face")
    person = item.case.person
    PersonPhoto.objects.create(person=person, image=jpeg(), taken_by=cast.laoshan_station)
    TracingCase.objects.filter(pk=item.case_id).update(found_place="崂山区沙子口南姜码头")
    cast.laoshan_tracing.phone = "13969812345"
    cast.laoshan_tracing.save()
    client.force_login(cast.police_liaison)
    page = client.get(item.get_absolute_url()).content.decode()
    for shown in ("崂山区沙子口南姜码头", "崂山区救助管理分站", "13969812345", "左手缺小指",
                  reverse("tracing:comparison_photo", args=[item.pk]),
                  f"{item.due_at:%Y-%m-%d}"):
        assert shown in page, shown
    assert client.get(reverse("tracing:comparison_photo", args=[item.pk])).status_code == 200
    listing = client.get(reverse("tracing:comparisons")).content.decode()
    assert person.display_name in listing


def test_a_match_writes_the_identity_and_a_missing_reference_is_refused(cast, client):
    item = request_for(cast)
    with pytest.raises(Refused):
        comparisons.record_result(item, comparisons.ComparisonResult(matched=True,
                                                                     identity="徐国强"),
                                  by=cast.police_liaison)
    number = id_number("372901", "19660318")
    client.force_login(cast.police_liaison)
    response = client.post(item.get_absolute_url(), {
        "matched": "yes", "identity": "徐国强", "id_number": number,
        "reference": "鲁公DNA〔2026〕0931号", "notes": "DNA比中"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == ComparisonStatus.MATCHED
    assert item.police_reference == "鲁公DNA〔2026〕0931号"
    person = item.case.person
    person.refresh_from_db()
    assert person.name == "徐国强" and person.id_number() == number
    identity = in_force(person)
    assert (identity.source, identity.reference) == ("police", "鲁公DNA〔2026〕0931号")
    item.case.refresh_from_db()
    assert item.case.status == CaseStatus.IDENTIFIED


def test_a_match_contradicting_the_identity_in_force_is_held(cast, client):
    first = request_for(cast)
    comparisons.record_result(first, comparisons.ComparisonResult(
        matched=True, identity="徐国强", reference="鲁公DNA〔2026〕0931号"),
        by=cast.police_liaison)
    second = comparisons.request_comparison(first.case, kind="fingerprint",
                                            liaison=cast.police_liaison, message="",
                                            by=cast.laoshan_tracing)
    comparisons.record_result(second, comparisons.ComparisonResult(
        matched=True, identity="许国祥", reference="鲁公指〔2026〕2210号"),
        by=cast.police_liaison)
    person = first.case.person
    person.refresh_from_db()
    assert person.name == "徐国强"
    assert person.identities.get(status=IdentityStatus.HELD).name == "许国祥"
    client.force_login(cast.laoshan_tracing)
    page = client.get(first.case.get_absolute_url()).content.decode()
    assert 'data-testid="held-identity"' in page and "许国祥" in page
