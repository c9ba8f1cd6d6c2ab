"""Acknowledgement and escalation: the chain rises when nobody acknowledges in time, stops when
someone does, and a worker that stops or dies part-way neither loses a step nor sends one
twice."""

from __future__ import annotations

import pytest

from songnuan.duty import services as duty
from songnuan.duty.models import Alert
from songnuan.incidents import escalation, services
from songnuan.incidents.models import ActionKind, Incident, Status
from songnuan.notify.models import Outbox
from songnuan.refusals import Conflict
from tests.incidents.factories import REPORTED, laoshan_roster, minutes, report


@pytest.fixture
def roster(cast):
    laoshan_roster(cast)
    for user in (cast.laoshan_admin, cast.centre_dispatcher, cast.city_admin):
        user.phone = f"1391234{user.pk:04d}"
        user.save()
    return cast


def city_step(incident):
    return incident.steps.get(order=1)


def test_an_unacknowledged_serious_case_goes_to_the_city_after_15_minutes(roster):
    incident = report(roster.laoshan_patroller)
    assert escalation.send_due_steps(REPORTED + minutes(14)) == 0
    assert city_step(incident).sent_at is None
    assert escalation.send_due_steps(REPORTED + minutes(15)) == 1
    step = city_step(incident)
    assert {user.username for user in step.recipients.all()} == {"centre.dispatcher", "admin"}
    assert "未及时签收" in Alert.objects.filter(key=step.alert_key).first().text
    assert escalation.send_due_steps(REPORTED + minutes(16)) == 0


def test_acknowledged_in_time_the_chain_rises_no_further(roster):
    incident = report(roster.laoshan_patroller)
    escalation.acknowledge(incident, by=roster.laoshan_admin, now=REPORTED + minutes(9))
    incident.refresh_from_db()
    assert incident.status == Status.ACKNOWLEDGED
    assert incident.acknowledged_by == roster.laoshan_admin
    assert escalation.send_due_steps(REPORTED + minutes(60)) == 0
    assert city_step(incident).skipped_at is not None
    assert not Alert.objects.filter(key=city_step(incident).alert_key).exists()


def test_acknowledging_in_the_alerts_inbox_counts_too(roster):
    incident = report(roster.laoshan_patroller)
    alert = Alert.objects.get(recipient=roster.laoshan_admin)
    duty.acknowledge(alert, by=roster.laoshan_admin, now=REPORTED + minutes(3))
    assert escalation.send_due_steps(REPORTED + minutes(20)) == 0
    incident.refresh_from_db()
    assert incident.acknowledged_at == REPORTED + minutes(3)


def test_an_acknowledgement_after_the_deadline_does_not_stop_the_escalation(roster):
    incident = report(roster.laoshan_patroller)
    escalation.acknowledge(incident, by=roster.laoshan_admin, now=REPORTED + minutes(20))
    assert escalation.send_due_steps(REPORTED + minutes(21)) == 1
    assert city_step(incident).sent_at is not None


def test_only_someone_told_can_acknowledge_and_only_once(roster):
    incident = report(roster.laoshan_patroller)
    with pytest.raises(Conflict):
        escalation.acknowledge(incident, by=roster.laoshan_dispatcher)
    escalation.acknowledge(incident, by=roster.laoshan_admin)
    with pytest.raises(Conflict):
        escalation.acknowledge(incident, by=roster.laoshan_admin)


def test_a_worker_stopped_across_the_deadline_sends_the_step_once_when_it_is_back(roster):
    incident = report(roster.laoshan_patroller)
    assert escalation.send_due_steps(REPORTED + minutes(5)) == 0
    # the worker is down from 09:05 to 09:40; nothing lives in it, so a new one picks up
    assert escalation.send_due_steps(REPORTED + minutes(40)) == 1
    assert escalation.send_due_steps(REPORTED + minutes(41)) == 0
    assert Alert.objects.filter(key=city_step(incident).alert_key).count() == 2
    assert Outbox.objects.filter(reference=city_step(incident).alert_key).count() == 2


def test_a_worker_killed_mid_step_leaves_nothing_half_sent(roster, monkeypatch):
    incident = report(roster.laoshan_patroller)

    def killed(*args, **kwargs):
        raise SystemExit("worker killed")

    monkeypatch.setattr("songnuan.duty.services.send_sms", killed)
    with pytest.raises(SystemExit):
        escalation.send_due_steps(REPORTED + minutes(16))
    step = city_step(incident)
    assert step.sent_at is None
    assert not Alert.objects.filter(key=step.alert_key).exists()
    monkeypatch.undo()
    assert escalation.send_due_steps(REPORTED + minutes(17)) == 1
    assert escalation.send_due_steps(REPORTED + minutes(18)) == 0
    assert Outbox.objects.filter(reference=step.alert_key).count() == 2
    assert incident.actions.filter(kind=ActionKind.TOLD).count() == 2


def test_the_bureau_hears_of_a_death_nobody_at_the_city_acknowledged(roster):
    incident = report(roster.laoshan_patroller, kind="death")
    escalation.acknowledge(incident, by=roster.laoshan_admin, now=REPORTED + minutes(5))
    assert escalation.send_due_steps(REPORTED + minutes(59)) == 0
    assert escalation.send_due_steps(REPORTED + minutes(61)) == 1
    assert incident.steps.get(order=2).sent_at is not None


def test_a_closed_incident_goes_no_further(roster):
    incident = report(roster.laoshan_patroller)
    services.close(incident, cause="低温", lessons="巡查间隔过长", measures="夜间加密巡查",
                   by=roster.laoshan_admin, now=REPORTED + minutes(10))
    assert escalation.send_due_steps(REPORTED + minutes(60)) == 0
    assert city_step(incident).skipped_at is not None
    assert Incident.objects.get(pk=incident.pk).status == Status.CLOSED


def test_the_worker_runs_the_chains_every_minute(roster):
    from songnuan.incidents.tasks import escalate_incidents
    from songnuan.scheduling import jobs

    [job] = [job for job in jobs() if job.name.endswith("escalate_incidents")]
    assert job.every.total_seconds() == 60
    incident = report(roster.laoshan_patroller)  # reported days ago, never acknowledged
    assert escalate_incidents.call() == 2  # the city, then the bureau
    assert escalate_incidents.call() == 0
    assert incident.steps.filter(sent_at__isnull=True).count() == 0
