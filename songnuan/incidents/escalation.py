"""An incident's reporting chain as rows: told through the duty app's alerts, acknowledged, and
escalated when nobody acknowledges in time.

Each step is claimed and delivered in one transaction (`sent_at` set only if still empty), and
its alerts carry the step's key, which the duty app alerts at most once per recipient: a worker
killed mid-step rolls the step back and the next run sends it; two runs never send it twice; a
run after a long stop sends every step that fell due meanwhile.

Incident alerts are of "warning" severity on purpose: the duty app's own escalation of severe
alerts would otherwise tell the city a second time, outside the incident's chain.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.models import User
from songnuan.accounts.roles import Role
from songnuan.duty import services as duty
from songnuan.duty.models import Alert, DutyRole, Severity, Topic
from songnuan.incidents.chains import chain_for
from songnuan.incidents.models import (
    ActionKind,
    ChainLevel,
    EscalationStep,
    Incident,
    IncidentAction,
    Status,
)
from songnuan.refusals import Conflict
from songnuan.words import for_the_record, listed, said_to_each


def plan_steps(incident: Incident) -> list[EscalationStep]:
    """Write the incident's chain as steps, each with when to tell it and when it is late."""
    chain = chain_for(incident.kind, incident.level)
    start = incident.reported_at
    steps, previous_due = [], start
    for order, rule in enumerate(chain.steps):
        due = start + datetime.timedelta(minutes=rule.minutes)
        notify = start if rule.always or order == 0 else previous_due
        steps.append(EscalationStep(incident=incident, order=order, level=rule.level,
                                    always=rule.always or order == 0, notify_at=notify,
                                    due_at=max(due, notify)))
        previous_due = due
    if chain.written_report_hours:
        incident.written_report_due_at = start + datetime.timedelta(
            hours=chain.written_report_hours)
        incident.save(update_fields=["written_report_due_at"])
    return EscalationStep.objects.bulk_create(steps)


def send_due_steps(now: datetime.datetime | None = None, incident: Incident | None = None) -> int:
    """Tell every step whose time has come (or skip it); return how many were told."""
    now = now or timezone.now()
    due = EscalationStep.objects.filter(sent_at__isnull=True, skipped_at__isnull=True,
                                        notify_at__lte=now)
    if incident is not None:
        due = due.filter(incident=incident)
    told = 0
    for step in due.select_related("incident__district", "incident__reported_by").order_by(
            "notify_at", "incident_id", "order"):
        with transaction.atomic():
            told += _send_or_skip(step, now)
    return told


def _send_or_skip(step: EscalationStep, now: datetime.datetime) -> int:
    pending = EscalationStep.objects.filter(pk=step.pk, sent_at__isnull=True,
                                            skipped_at__isnull=True)
    incident = step.incident
    if incident.status == Status.CLOSED or (not step.always and _previous_acknowledged(step)):
        pending.update(skipped_at=now)
        return 0
    if not pending.update(sent_at=now):
        return 0  # another worker has told it
    step.sent_at = now
    people = _deliver(step, now)
    step.recipients.set(people)
    # The incident's history is kept in the bureau's language; each alert is in its reader's.
    with for_the_record():
        names = listed(str(person) for person in people) or _("nobody on duty")
        text = _("%(level)s told: %(names)s; to acknowledge by %(due)s.") % {
            "level": step.get_level_display(), "names": names, "due": _hhmm(step.due_at)}
    IncidentAction.objects.create(incident=incident, kind=ActionKind.TOLD, at=now,
                                  text=text[:1000])
    return 1


def _previous_acknowledged(step: EscalationStep) -> bool:
    previous = EscalationStep.objects.filter(incident_id=step.incident_id,
                                             order=step.order - 1).first()
    if previous is None:
        return False
    if previous.skipped_at is not None:
        return True  # the chain stopped below it
    sync_acknowledgements(previous)
    return previous.acknowledged_at is not None and previous.acknowledged_at <= previous.due_at


def _deliver(step: EscalationStep, now: datetime.datetime) -> list[User]:
    incident = step.incident
    fields = {"topic": Topic.INCIDENT, "text": said_to_each(_alert_text, step),
              "url": incident.get_absolute_url(),
              "key": step.alert_key, "severity": Severity.WARNING, "at": now}
    if step.level == ChainLevel.DISTRICT:
        duty.alert(incident.district, **fields)
    elif step.level == ChainLevel.CITY:
        duty.alert(None, also=duty.on_duty(DutyRole.LEADER, None, now), **fields)
    else:
        duty.alert(None, also=User.objects.filter(role=Role.CITY_ADMIN, is_active=True),
                   **fields)
    return [item.recipient for item in
            Alert.objects.filter(key=step.alert_key).select_related("recipient").order_by("pk")]


def _alert_text(step: EscalationStep) -> str:
    incident = step.incident
    head = _("%(level)s incident, %(kind)s: %(place)s (%(district)s), reported %(at)s by "
             "%(user)s.") % {
        "level": incident.get_level_display(), "kind": incident.get_kind_display(),
        "place": incident.place, "district": incident.district,
        "at": _hhmm(incident.reported_at), "user": incident.reported_by}
    if not step.always:
        head = _("Not acknowledged in time below you. %(text)s") % {"text": head}
    return head + " " + _("Acknowledge by %(due)s.") % {"due": _hhmm(step.due_at)}


def _hhmm(moment: datetime.datetime) -> str:
    return f"{timezone.localtime(moment):%m-%d %H:%M}"


def sync_acknowledgements(step: EscalationStep) -> None:
    """Carry an acknowledgement made in the alerts inbox onto the step and the incident."""
    if step.acknowledged_at is not None or step.sent_at is None:
        return
    first = (Alert.objects.filter(key=step.alert_key, acknowledged_at__isnull=False)
             .select_related("recipient").order_by("acknowledged_at").first())
    if first is None:
        return
    claimed = EscalationStep.objects.filter(pk=step.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=first.acknowledged_at, acknowledged_by=first.recipient)
    step.acknowledged_at, step.acknowledged_by = first.acknowledged_at, first.recipient
    if claimed:
        _mark_incident_acknowledged(step.incident, first.recipient, first.acknowledged_at)


def _mark_incident_acknowledged(incident: Incident, user: User, at: datetime.datetime) -> None:
    updated = Incident.objects.filter(pk=incident.pk, acknowledged_at__isnull=True).exclude(
        status=Status.CLOSED).update(acknowledged_at=at, acknowledged_by=user,
                                     status=Status.ACKNOWLEDGED)
    if updated:
        incident.acknowledged_at, incident.acknowledged_by = at, user
        incident.status = Status.ACKNOWLEDGED
    IncidentAction.objects.create(incident=incident, kind=ActionKind.ACKNOWLEDGED, at=at, by=user,
                                  text=_("Acknowledged by %(user)s.") % {"user": user})


def sync_incident(incident: Incident) -> None:
    for step in incident.steps.filter(sent_at__isnull=False, acknowledged_at__isnull=True):
        sync_acknowledgements(step)


def alerts_to_acknowledge(incident: Incident, user: User):
    return Alert.objects.filter(recipient=user, acknowledged_at__isnull=True,
                                key__startswith=f"incident:{incident.pk}:step:")


@transaction.atomic
def acknowledge(incident: Incident, *, by: User, now: datetime.datetime | None = None) -> None:
    """The person told acknowledges: their alerts are acknowledged and the chain stops rising."""
    now = now or timezone.now()
    mine = list(alerts_to_acknowledge(incident, by))
    if not mine:
        raise Conflict(_("Only someone this incident was reported to can acknowledge it, "
                         "and only once."))
    for item in mine:
        duty.acknowledge(item, by=by, now=now)
    sync_incident(incident)


def stop(incident: Incident, now: datetime.datetime) -> None:
    """A closed incident goes no further up its chain."""
    incident.steps.filter(sent_at__isnull=True, skipped_at__isnull=True).update(skipped_at=now)


def sync_open_steps() -> int:
    """Acknowledgements made in the inbox, carried onto the open incidents' steps."""
    open_steps = EscalationStep.objects.filter(
        sent_at__isnull=False, acknowledged_at__isnull=True, skipped_at__isnull=True).exclude(
        incident__status=Status.CLOSED).select_related("incident")
    count = 0
    for step in open_steps:
        sync_acknowledgements(step)
        count += step.acknowledged_at is not None
    return count
