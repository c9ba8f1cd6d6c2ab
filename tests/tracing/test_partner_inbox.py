"""A family in a partner city searches for someone who may be here: their report, sent by that
city's deployment, becomes a missing-person report matched against the people in our stations."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from songnuan.network import partners
from songnuan.network.models import District, PartnerMessage, PartnerMessageStatus
from songnuan.refusals import Conflict, Refused
from songnuan.tracing import partner_inbox
from songnuan.tracing.models import CandidateReview, MissingReport, ReportSource
from tests.network.factories import CHANGCHUN, family_search, post_signed
from tests.tracing.factories import admit_unidentified

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("partnership")]


@pytest.fixture
def without_the_handler():
    """As before tracing acted on the inbox: messages wait there."""
    handler = partners._handlers.pop(partner_inbox.FAMILY_SEARCH)
    yield
    partners.register_handler(partner_inbox.FAMILY_SEARCH, handler)


def kept(message_id: str = "CC-2026-0042") -> PartnerMessage:
    return PartnerMessage.objects.get(sender_code=CHANGCHUN, message_id=message_id)


def test_a_partners_report_becomes_a_missing_report_from_that_city(client, cast):
    response = post_signed(client, family_search(height_cm=155, dialect="山东口音"))
    assert response.status_code == 201, response.content
    report = MissingReport.objects.get()
    assert report.source == ReportSource.PARTNER
    assert (report.partner_city, report.partner_message_id) == (CHANGCHUN, "CC-2026-0042")
    assert (report.name, report.sex, report.birth_year, report.height_cm) == ("王桂兰", "F",
                                                                              1948, 155)
    assert str(report.missing_since) == "2026-12-01" and report.last_seen_place == "长春站北广场"
    assert (report.reporter_name, report.reporter_phone) == ("王建国", "13904310042")
    assert report.district == cast.central.district  # the city's rescue station answers
    message = kept()
    assert message.status == PartnerMessageStatus.TAKEN and message.handled_at is not None


def test_the_report_is_matched_against_the_people_in_our_stations(client, cast):
    case = admit_unidentified(cast.shinan_substation, by=cast.shinan_station)
    post_signed(client, family_search(name="张卫东", sex="M", birth_year=1968, height_cm=170,
                                      dialect="山东口音", features="左手小指缺失；右脸颊有黑痣"))
    report = MissingReport.objects.get()
    assert CandidateReview.objects.filter(case=case, report=report).exists()


def test_the_same_message_again_files_no_second_report(client, cast):
    post_signed(client, family_search())
    again = post_signed(client, family_search())
    assert again.status_code == 200
    assert MissingReport.objects.count() == 1
    partner_inbox.take_family_search(kept(), by=cast.shinan_tracing)
    assert MissingReport.objects.count() == 1


def test_messages_kept_before_tracing_acted_are_taken_once_by_the_command(
        client, cast, without_the_handler):
    post_signed(client, family_search("CC-1"))
    post_signed(client, family_search("CC-2", name="李秀英"))
    assert not MissingReport.objects.exists() and kept("CC-1").is_new
    out = io.StringIO()
    call_command("take_partner_reports", stdout=out)
    assert "2 reports taken" in out.getvalue()
    call_command("take_partner_reports", stdout=io.StringIO())
    assert sorted(MissingReport.objects.values_list("name", flat=True)) == ["李秀英", "王桂兰"]
    assert not PartnerMessage.objects.filter(status=PartnerMessageStatus.NEW).exists()


def test_an_officer_taking_a_message_files_it_in_their_district(client, cast,
                                                                without_the_handler):
    post_signed(client, family_search())
    report = partner_inbox.take_family_search(kept(), by=cast.laoshan_tracing)
    assert report.district == cast.laoshan_tracing.district
    assert report.created_by == cast.laoshan_tracing
    assert kept().handled_by == cast.laoshan_tracing


def test_a_dismissed_message_is_not_taken(client, cast, without_the_handler):
    post_signed(client, family_search())
    partners.dismiss(kept(), "家属已在长春找到", by=cast.shinan_tracing)
    with pytest.raises(Conflict):
        partner_inbox.take_family_search(kept(), by=cast.shinan_tracing)
    assert not MissingReport.objects.exists()
    assert kept().dismiss_reason == "家属已在长春找到"


def test_dismissing_needs_a_reason(client, cast, without_the_handler):
    post_signed(client, family_search())
    with pytest.raises(Refused) as refused:
        partners.dismiss(kept(), "  ", by=cast.shinan_tracing)
    assert refused.value.field == "reason" and kept().is_new


def test_a_report_that_cannot_be_filed_leaves_the_message_kept_with_the_reason(client, db):
    District.objects.all().delete()  # a deployment before its city was set up
    response = post_signed(client, family_search())
    assert response.status_code == 201
    message = kept()
    assert message.is_new and message.problem
    assert not MissingReport.objects.exists()
