"""Sending to a partner city: checked and queued with the caller's work, posted signed by the
worker, tried again with growing pauses, and given up only when sending again cannot help."""

from __future__ import annotations

import datetime
import json

import pytest
import requests
from django.utils import timezone

from songnuan.network import partners, tasks
from songnuan.network.city import forget_city
from songnuan.network.models import OutgoingPartnerMessage, OutgoingStatus, PartnerMessage
from songnuan.refusals import Refused
from songnuan.scheduling import jobs
from tests.network.factories import CHANGCHUN, SHARED, family_search

pytestmark = pytest.mark.django_db
CONTENT = family_search()["report"]


@pytest.fixture(autouse=True)
def partnership(settings):
    settings.PARTNER_CITY_SECRETS = f"{CHANGCHUN}:{SHARED},230100:no-address"
    settings.PARTNER_CITY_URLS = f"{CHANGCHUN}:https://songnuan.changchun.example/"
    yield
    forget_city()


class Partner:
    """A partner deployment that answers as told and keeps what it was sent."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.posts = []

    def __call__(self, url, body, headers):
        self.posts.append((url, body, headers))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_only_partners_with_an_address_and_a_secret_are_offered():
    assert partners.sendable_cities() == [(CHANGCHUN, "长春市")]
    with pytest.raises(Refused) as refused:
        partners.send("230100", "family_search", CONTENT)
    assert refused.value.field == "to_city"
    assert not OutgoingPartnerMessage.objects.exists()


def test_content_is_checked_against_its_kinds_schema_before_it_is_queued():
    with pytest.raises(Refused) as refused:
        partners.send(CHANGCHUN, "family_search", {**CONTENT, "contact_phone": ""})
    assert refused.value.field == "report.contact_phone"
    with pytest.raises(Refused) as refused:
        partners.send(CHANGCHUN, "weather_report", CONTENT)
    assert refused.value.field == "kind"
    assert not OutgoingPartnerMessage.objects.exists()


def test_a_message_is_posted_signed_to_the_partners_address():
    message = partners.send(CHANGCHUN, "family_search", CONTENT, message_id="QD-1")
    partner = Partner((201, {"receipt": 77}))
    assert partners.deliver_due(transport=partner) == 1
    url, body, headers = partner.posts[0]
    assert url == "https://songnuan.changchun.example/api/v1/partners/messages"
    assert headers[partners.CITY_HEADER] == "370200"
    assert headers[partners.SIGNATURE_HEADER] == partners.sign(
        SHARED, headers[partners.TIMESTAMP_HEADER], "370200", body)
    sent = json.loads(body)
    assert sent["to_city"] == CHANGCHUN and sent["report"]["name"] == "王桂兰"
    message.refresh_from_db()
    assert (message.status, message.receipt, message.attempts) == (OutgoingStatus.SENT, 77, 1)
    assert message.sent_at is not None
    assert partners.deliver_due(transport=Partner()) == 0  # nothing more to send


def test_a_failure_is_tried_again_after_a_growing_pause_with_the_same_bytes():
    message = partners.send(CHANGCHUN, "family_search", CONTENT)
    now = timezone.now()
    partner = Partner(requests.ConnectionError("refused"), (503, {}), (200, {"receipt": 5}))
    assert partners.deliver_due(now, transport=partner) == 0
    message.refresh_from_db()
    assert message.status == OutgoingStatus.QUEUED and "ConnectionError" in message.last_error
    assert message.retry_at == now + datetime.timedelta(minutes=1)
    assert partners.deliver_due(now + datetime.timedelta(seconds=30), transport=partner) == 0
    assert len(partner.posts) == 1  # not before its pause is over
    later = now + datetime.timedelta(minutes=1)
    partners.deliver_due(later, transport=partner)
    message.refresh_from_db()
    assert message.retry_at == later + datetime.timedelta(minutes=2)
    assert "HTTP 503" in message.last_error
    partners.deliver_due(later + datetime.timedelta(minutes=2), transport=partner)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.receipt) == (OutgoingStatus.SENT, 3, 5)
    assert len({body for _url, body, _headers in partner.posts}) == 1


def test_a_refusal_that_sending_again_cannot_change_is_given_up_at_once():
    message = partners.send(CHANGCHUN, "family_search", CONTENT)
    partners.deliver_due(transport=Partner(
        (409, {"message": "Message used before", "errors": []})))
    message.refresh_from_db()
    assert message.status == OutgoingStatus.FAILED and message.retry_at is None
    assert "HTTP 409" in message.last_error


def test_a_partner_that_never_answers_is_given_up_after_the_last_attempt():
    message = partners.send(CHANGCHUN, "family_search", CONTENT)
    OutgoingPartnerMessage.objects.filter(pk=message.pk).update(
        attempts=partners.MAX_ATTEMPTS - 1)
    partners.deliver_due(transport=Partner(requests.Timeout("no answer")))
    message.refresh_from_db()
    assert message.status == OutgoingStatus.FAILED and message.attempts == partners.MAX_ATTEMPTS


def test_the_worker_posts_the_queue_every_minute(monkeypatch):
    job = next(job for job in jobs() if job.task is tasks.deliver_partner_messages)
    assert job.every == datetime.timedelta(minutes=1)
    partners.send(CHANGCHUN, "family_search", CONTENT)
    monkeypatch.setattr(partners, "http_post", Partner((201, {"receipt": 1})))
    assert tasks.deliver_partner_messages.call() == 1
    assert not PartnerMessage.objects.exists()  # it went to the partner, not to us
