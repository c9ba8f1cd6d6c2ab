"""A tracing officer sends a family's report to a partner city. The test city is its own partner
here: what the sender signs is posted, unchanged, to our own receiving endpoint, which keeps it
and has tracing file it, so both ends of the exchange are the real ones."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from songnuan.network import partners
from songnuan.network.city import forget_city
from songnuan.network.models import (
    OutgoingPartnerMessage,
    OutgoingStatus,
    PartnerMessage,
    PartnerMessageStatus,
)
from songnuan.tracing.models import MissingReport, ReportSource
from tests.tracing.factories import make_report

pytestmark = pytest.mark.django_db
HERE = "370200"


@pytest.fixture(autouse=True)
def partnership(settings):
    """This deployment partners with itself, reached through the test client."""
    settings.PARTNER_CITY_SECRETS = f"{HERE}:自己与自己的密钥"
    settings.PARTNER_CITY_URLS = f"{HERE}:http://testserver"
    yield
    forget_city()


def through(client: Client):
    """The HTTP transport, replaced by the test client posting to our own endpoint."""
    def transport(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict]:
        response = client.post(urlsplit(url).path, body, content_type="application/json",
                               headers=headers)
        return response.status_code, response.json()
    return transport


def test_a_report_sent_from_its_page_is_received_and_taken_into_tracing(client_for, cast):
    report = make_report("张卫东", district=cast.shinan_substation.district,
                         last_seen_place="台东步行街", description="穿黑色羽绒服")
    officer = client_for(cast.shinan_tracing)
    page = officer.get(report.get_absolute_url()).content.decode()
    assert "发往该市" in page and "青岛市" in page
    response = officer.post(reverse("tracing:report_send", args=[report.pk]), {"to_city": HERE})
    assert response.status_code == 302
    sending = OutgoingPartnerMessage.objects.get()
    assert sending.status == OutgoingStatus.QUEUED and sending.created_by == cast.shinan_tracing

    assert partners.deliver_due(transport=through(Client())) == 1

    sending.refresh_from_db()
    received = PartnerMessage.objects.get()
    assert (received.sender_code, received.message_id) == (HERE, sending.message_id)
    assert received.status == PartnerMessageStatus.TAKEN
    assert sending.status == OutgoingStatus.SENT and sending.receipt == received.pk
    copy = MissingReport.objects.get(source=ReportSource.PARTNER)
    assert (copy.partner_city, copy.partner_message_id) == (HERE, sending.message_id)
    assert (copy.name, copy.last_seen_place, copy.missing_since) == (
        "张卫东", "台东步行街", report.missing_since)
    assert (copy.reporter_name, copy.reporter_phone) == (report.reporter_name,
                                                         report.reporter_phone)
    assert "已发送" in officer.get(report.get_absolute_url()).content.decode()


def test_sending_again_after_a_lost_answer_is_the_same_message(client_for, cast):
    report = make_report("张卫东", district=cast.shinan_substation.district,
                         last_seen_place="台东步行街")
    client_for(cast.shinan_tracing).post(reverse("tracing:report_send", args=[report.pk]),
                                         {"to_city": HERE})
    receiver = through(Client())

    def answer_lost(url, body, headers):
        receiver(url, body, headers)
        raise partners.requests.ConnectionError("connection reset")

    partners.deliver_due(transport=answer_lost)
    sending = OutgoingPartnerMessage.objects.get()
    assert sending.status == OutgoingStatus.QUEUED
    partners.deliver_due(sending.retry_at, transport=receiver)
    sending.refresh_from_db()
    assert sending.status == OutgoingStatus.SENT
    assert PartnerMessage.objects.count() == 1
    assert MissingReport.objects.filter(source=ReportSource.PARTNER).count() == 1


def test_a_report_already_on_its_way_is_not_sent_twice(client_for, cast):
    report = make_report("张卫东", district=cast.shinan_substation.district,
                         last_seen_place="台东步行街")
    officer = client_for(cast.shinan_tracing)
    url = reverse("tracing:report_send", args=[report.pk])
    officer.post(url, {"to_city": HERE})
    response = officer.post(url, {"to_city": HERE})
    assert response.status_code == 422
    assert "已于" in response.content.decode()
    assert OutgoingPartnerMessage.objects.count() == 1


def test_a_report_without_the_last_seen_place_is_refused_keeping_the_choice(client_for, cast):
    report = make_report("张卫东", district=cast.shinan_substation.district)
    response = client_for(cast.shinan_tracing).post(
        reverse("tracing:report_send", args=[report.pk]), {"to_city": HERE})
    assert response.status_code == 422
    text = response.content.decode()
    assert "最后出现地点" in text and f'value="{HERE}" selected' in text
    assert not OutgoingPartnerMessage.objects.exists()


def test_only_officers_who_file_reports_send_them(client_for, cast):
    report = make_report("张卫东", district=cast.shinan_substation.district,
                         last_seen_place="台东步行街")
    viewer = client_for(cast.shinan_viewer)
    assert "发往该市" not in viewer.get(report.get_absolute_url()).content.decode()
    response = viewer.post(reverse("tracing:report_send", args=[report.pk]), {"to_city": HERE})
    assert response.status_code == 403
    assert not OutgoingPartnerMessage.objects.exists()


def test_a_report_from_a_partner_is_not_offered_back_to_it(settings, client_for, cast):
    settings.PARTNER_CITY_URLS = f"{HERE}:http://testserver,220100:http://elsewhere"
    settings.PARTNER_CITY_SECRETS = f"{HERE}:自己与自己的密钥,220100:另一个"
    report = make_report("王桂兰", district=cast.shinan_substation.district,
                         last_seen_place="长春站", partner_city="220100",
                         partner_message_id="CC-1")
    officer = client_for(cast.shinan_tracing)
    page = officer.get(report.get_absolute_url()).content.decode()
    assert f'<option value="{HERE}"' in page and '<option value="220100"' not in page
    response = officer.post(reverse("tracing:report_send", args=[report.pk]),
                            {"to_city": "220100"})
    assert response.status_code == 422
    assert not OutgoingPartnerMessage.objects.exists()
