"""Alerts: delivered once per fact to whoever is on duty, texted, and escalated when ignored."""

from __future__ import annotations

import pytest
from django.test import override_settings

from songnuan.duty import services
from songnuan.duty.models import Alert, DutyRole, Severity, Topic
from songnuan.notify.models import Outbox
from songnuan.refusals import Refused
from tests.duty.factories import HANDOVER, hours, make_shift
from tests.factories import LAOSHAN, SHINAN, district

AN_HOUR_IN = HANDOVER + hours(1)


def _alert(where, key="lead:1:assignment", severity=Severity.SEVERE, at=AN_HOUR_IN, **kwargs):
    return services.alert(where, topic=Topic.LEAD_OVERDUE, text="线索QD1234已超时未派单",
                          url="/leads/1/", key=key, severity=severity, at=at, **kwargs)


@pytest.fixture
def roster(cast):
    make_shift(cast.shinan_admin, district=district(SHINAN))
    make_shift(cast.centre_dispatcher, role=DutyRole.OFFICER)
    return cast


def test_an_alert_reaches_the_leader_on_duty_in_the_inbox_and_by_text(roster):
    roster.shinan_admin.phone = "139 1234 5678"
    roster.shinan_admin.save()
    [sent] = _alert(district(SHINAN))
    assert sent.recipient == roster.shinan_admin
    assert services.unread_count(roster.shinan_admin) == 1
    text = Outbox.objects.get(reference="lead:1:assignment")
    assert text.phone == "13912345678"
    assert "QD1234" in text.text


def test_a_recipient_without_a_mobile_number_gets_the_inbox_only(roster):
    roster.shinan_admin.phone = "0532-88888888"
    roster.shinan_admin.save()
    assert _alert(district(SHINAN))
    assert not Outbox.objects.exists()


def test_the_same_fact_alerts_once_even_after_the_handover(roster):
    shinan = district(SHINAN)
    make_shift(roster.shinan_dispatcher, district=shinan, starts_at=HANDOVER + hours(24))
    assert _alert(shinan)
    assert _alert(shinan, at=HANDOVER + hours(25)) == []
    assert Alert.objects.filter(key="lead:1:assignment").count() == 1
    assert _alert(shinan, key="lead:1:arrival", at=HANDOVER + hours(25))[0].recipient == \
        roster.shinan_dispatcher


def test_a_district_with_nobody_on_duty_alerts_the_city_duty_officer(roster):
    [sent] = _alert(district(LAOSHAN))
    assert sent.recipient == roster.centre_dispatcher
    assert sent.district == district(LAOSHAN)


def test_others_named_are_told_as_well_but_only_once_each(roster):
    sent = _alert(district(SHINAN), also=[roster.shinan_patroller, roster.shinan_admin])
    assert sorted(a.recipient.username for a in sent) == ["shinan.admin", "shinan.patrol"]


def test_acknowledging_marks_the_alert_read_and_only_the_recipient_may(roster):
    [sent] = _alert(district(SHINAN))
    with pytest.raises(Refused):
        services.acknowledge(sent, by=roster.laoshan_admin)
    services.acknowledge(sent, by=roster.shinan_admin, now=HANDOVER + hours(2))
    sent.refresh_from_db()
    assert sent.acknowledged_at == sent.read_at == HANDOVER + hours(2)
    assert services.unread_count(roster.shinan_admin) == 0


@override_settings(DUTY_ESCALATE_AFTER_MINUTES=15)
def test_a_severe_alert_unacknowledged_after_the_limit_goes_to_the_city_officer_once(roster):
    [sent] = _alert(district(SHINAN))
    assert services.escalate_unacknowledged(sent.created_at + hours(0.2)) == 0  # 12 minutes
    assert services.escalate_unacknowledged(sent.created_at + hours(0.25)) == 1
    assert services.escalate_unacknowledged(sent.created_at + hours(1)) == 0
    [up] = Alert.objects.filter(topic=Topic.ESCALATION)
    assert up.recipient == roster.centre_dispatcher
    assert up.escalated_from == sent
    assert "王芳" in up.text and "15" in up.text


@override_settings(DUTY_ESCALATE_AFTER_MINUTES=15)
def test_acknowledged_or_milder_alerts_do_not_escalate(roster):
    [acknowledged] = _alert(district(SHINAN))
    services.acknowledge(acknowledged, by=roster.shinan_admin)
    _alert(district(SHINAN), key="protocol:9", severity=Severity.WARNING)
    assert services.escalate_unacknowledged(HANDOVER + hours(5)) == 0
    assert not Alert.objects.filter(topic=Topic.ESCALATION).exists()
