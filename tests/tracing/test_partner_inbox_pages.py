"""The inbox of partner cities' messages: tracing officers and station staff read it, officers
take a message into tracing or dismiss it with the reason; nobody else opens it."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from songnuan.accounts.models import AuditEvent
from songnuan.network.models import PartnerMessage, PartnerMessageStatus
from songnuan.tracing.models import MissingReport
from tests.network.factories import (
    announcement,
    escort_handover,
    family_search,
    person_moved,
    post_signed,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("partnership")]
INBOX = reverse("tracing:partner_inbox")


@pytest.fixture
def inbox(cast):
    """One message of each kind from 长春; the family's report could not be filed when it came
    (as before tracing acted on the inbox), so it waits for an officer."""
    sender = Client()
    post_signed(sender, escort_handover())
    post_signed(sender, announcement())
    post_signed(sender, person_moved())
    post_signed(sender, family_search())
    waiting = PartnerMessage.objects.get(kind="family_search")
    MissingReport.objects.all().delete()
    PartnerMessage.objects.filter(pk=waiting.pk).update(status=PartnerMessageStatus.NEW,
                                                        handled_at=None)
    return {message.kind: message for message in PartnerMessage.objects.all()}


def page(client, url) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


@pytest.mark.parametrize("who", ["shinan_tracing", "laoshan_station", "city_admin"])
def test_tracing_officers_and_station_staff_read_every_message(client_for, cast, inbox, who):
    text = page(client_for(getattr(cast, who)), INBOX)
    for words in ("长春市", "寻亲登记", "跨市护送返乡", "寻亲公告", "流向本市人员", "王桂兰",
                  "刘德顺", "老孙", "待处理"):
        assert words in text, words


@pytest.mark.parametrize("who", ["shinan_patroller", "shinan_dispatcher", "police_liaison",
                                 "shinan_relief"])
def test_nobody_else_opens_the_inbox(client_for, cast, inbox, who):
    client = client_for(getattr(cast, who))
    assert client.get(INBOX).status_code == 403
    message = inbox["escort_handover"]
    assert client.get(reverse("tracing:partner_message", args=[message.pk])).status_code == 403
    response = client.post(reverse("tracing:partner_take", args=[message.pk]))
    assert response.status_code == 403 and PartnerMessage.objects.get(pk=message.pk).is_new


def test_a_visitor_is_sent_to_sign_in(client, inbox):
    assert client.get(INBOX)["Location"].startswith(reverse("login"))


def test_the_list_filters_by_kind_and_status(client_for, cast, inbox):
    officer = client_for(cast.shinan_tracing)
    text = page(officer, INBOX + "?kind=announcement")
    assert "寻亲公告" in text and "刘德顺" not in text
    assert "暂无来件" not in page(officer, INBOX + "?status=new")
    assert "暂无来件" in page(officer, INBOX + "?status=dismissed")


@pytest.mark.parametrize(("kind", "shown"), [
    ("family_search", ["王桂兰", "长春站北广场", "2026-12-01", "13904310042"]),
    ("escort_handover", ["刘德顺", "2026-12-08 14:30", "青岛站出站口", "赵明", "13604310077",
                         "胰岛素"]),
    ("announcement", ["长春站候车室", "2026-12-03", "右手背有烫伤疤痕", "0431-12345"]),
    ("person_moved", ["老孙", "拄拐", "2026-12-04 07:10", "青岛站一带"]),
])
def test_each_kind_has_a_clear_page(client_for, cast, inbox, kind, shown):
    text = page(client_for(cast.shinan_tracing),
                reverse("tracing:partner_message", args=[inbox[kind].pk]))
    for words in shown:
        assert words in text, words


def test_the_escorted_persons_id_number_is_shown_only_with_the_permission_and_logged(
        client_for, cast, inbox):
    url = reverse("tracing:partner_message", args=[inbox["escort_handover"].pk])
    assert "370212196303150012" not in page(client_for(cast.city_viewer), url)
    assert "370212196303150012" in page(client_for(cast.shinan_tracing), url)
    read = AuditEvent.objects.filter(action="read_sensitive", actor=cast.shinan_tracing).get()
    assert read.object_id == str(inbox["escort_handover"].pk) and "id_number" in str(read.changes)


def test_an_officer_takes_a_waiting_family_report_into_tracing(client_for, cast, inbox):
    message = inbox["family_search"]
    officer = client_for(cast.shinan_tracing)
    response = officer.post(reverse("tracing:partner_take", args=[message.pk]))
    assert response.status_code == 302
    report = MissingReport.objects.get()
    assert report.district == cast.shinan_tracing.district and report.name == "王桂兰"
    text = page(officer, response["Location"])
    assert report.reference in text and "已转入寻亲" in text
    officer.post(reverse("tracing:partner_take", args=[message.pk]))
    assert MissingReport.objects.count() == 1


def test_station_staff_read_but_do_not_act(client_for, cast, inbox):
    station = client_for(cast.shinan_station)
    url = reverse("tracing:partner_message", args=[inbox["escort_handover"].pk])
    assert 'data-testid="take"' not in page(station, url)
    response = station.post(reverse("tracing:partner_dismiss",
                                    args=[inbox["escort_handover"].pk]), {"reason": "不是"})
    assert response.status_code == 403


def test_an_officer_dismisses_with_the_reason(client_for, cast, inbox):
    message = inbox["announcement"]
    officer = client_for(cast.laoshan_tracing)
    response = officer.post(reverse("tracing:partner_dismiss", args=[message.pk]),
                            {"reason": "与本市在寻人员不符"})
    assert response.status_code == 302
    message.refresh_from_db()
    assert message.status == PartnerMessageStatus.DISMISSED
    assert message.handled_by == cast.laoshan_tracing
    assert "与本市在寻人员不符" in page(officer, response["Location"])


def test_a_refused_dismissal_keeps_what_was_typed(client_for, cast, inbox):
    message = inbox["person_moved"]
    too_long = "不在本市" * 60
    response = client_for(cast.laoshan_tracing).post(
        reverse("tracing:partner_dismiss", args=[message.pk]), {"reason": too_long})
    assert response.status_code == 422
    assert too_long in response.content.decode()
    assert PartnerMessage.objects.get(pk=message.pk).is_new


def test_the_menu_leads_to_the_inbox(client_for, cast, inbox):
    assert INBOX in page(client_for(cast.shinan_tracing), reverse("tracing:cases"))
