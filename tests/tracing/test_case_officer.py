"""A tracing case is held by one officer: assigned or taken, listed, and told of overdue steps."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from songnuan.accounts.models import AuditEvent
from songnuan.accounts.roles import Role
from songnuan.duty.models import Alert, Topic
from songnuan.refusals import Refused
from songnuan.tracing import casework
from songnuan.tracing.casework import alert_overdue_steps
from songnuan.tracing.models import CaseStatus
from tests.factories import make_user
from tests.tracing.factories import admit_unidentified


@pytest.fixture
def case(cast):
    return admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)


def test_only_active_tracing_officers_of_the_district_or_city_may_hold_a_case(cast, case):
    city_officer = make_user("city.tracing2", role=Role.TRACING_OFFICER)
    make_user("gone.tracing", role=Role.TRACING_OFFICER, district_code="370212", is_active=False)
    eligible = set(casework.eligible_officers(case).values_list("username", flat=True))
    assert eligible == {"laoshan.tracing", city_officer.username}
    for wrong in (cast.shinan_tracing, cast.laoshan_station):
        with pytest.raises(Refused) as refused:
            casework.assign_officer(case, wrong)
        assert refused.value.field == "officer"
    assert casework.assign_officer(case, cast.laoshan_tracing).officer == cast.laoshan_tracing


def test_a_closed_case_keeps_its_officer(cast, case):
    case.status = CaseStatus.CLOSED
    case.save()
    with pytest.raises(Refused):
        casework.assign_officer(case, cast.laoshan_tracing)


def test_an_officer_takes_a_case_from_its_page_and_finds_it_under_mine(cast, case, client):
    client.force_login(cast.laoshan_tracing)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "认领此案件" in page and "暂无人负责此案件" in page
    response = client.post(reverse("tracing:assign_officer", args=[case.pk]), {"take": "1"},
                           follow=True)
    assert "杨娟 现负责此案件" in response.content.decode().replace("\n", "")
    case.refresh_from_db()
    assert case.officer == cast.laoshan_tracing
    event = AuditEvent.objects.get(object_type="tracing.tracingcase", object_id=str(case.pk),
                                   action="update")
    assert event.actor == cast.laoshan_tracing and "officer" in event.changes

    mine = client.get(reverse("tracing:cases"), {"officer": "me"}).content.decode()
    nobody = client.get(reverse("tracing:cases"), {"officer": "none"}).content.decode()
    assert case.get_absolute_url() in mine and case.get_absolute_url() not in nobody


def test_an_officer_hands_a_case_to_a_colleague_and_a_wrong_choice_is_refused(cast, case, client):
    colleague = make_user("laoshan.tracing2", role=Role.TRACING_OFFICER, district_code="370212",
                          last_name="孙", first_name="红")
    client.force_login(cast.laoshan_tracing)
    url = reverse("tracing:assign_officer", args=[case.pk])
    refused = client.post(url, {"officer": cast.shinan_tracing.pk}, follow=True)
    assert "选择一个有效的选项" in refused.content.decode()
    case.refresh_from_db()
    assert case.officer is None
    client.post(url, {"officer": colleague.pk})
    case.refresh_from_db()
    assert case.officer == colleague
    client.post(url, {"officer": ""})
    case.refresh_from_db()
    assert case.officer is None


def test_another_districts_staff_cannot_assign(cast, case, client):
    client.force_login(cast.shinan_tracing)
    response = client.post(reverse("tracing:assign_officer", args=[case.pk]), {"take": "1"})
    assert response.status_code == 404
    case.refresh_from_db()
    assert case.officer is None


def test_an_overdue_step_of_a_held_case_tells_its_officer_not_every_officer(cast):
    admitted = timezone.now() - datetime.timedelta(days=3)
    held = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, at=admitted)
    other = make_user("laoshan.tracing2", role=Role.TRACING_OFFICER, district_code="370212")
    casework.assign_officer(held, other)
    assert alert_overdue_steps() >= 1
    told = set(Alert.objects.filter(topic=Topic.TRACING_OVERDUE)
               .values_list("recipient__username", flat=True))
    assert "laoshan.tracing2" in told and "laoshan.tracing" not in told
