"""The demo's incidents and plans load on top of the small demo, through the real chains."""

from __future__ import annotations

from songnuan import demo
from songnuan.incidents import demo as incidents_demo
from songnuan.incidents.models import Checklist, EmergencyPlan, Incident, Status


def test_the_demo_has_plans_and_incidents_open_and_closed(db):
    ctx = demo.load(size="small")
    incidents_demo.populate(ctx)
    assert EmergencyPlan.objects.count() == len(incidents_demo.PLANS)
    statuses = set(Incident.objects.values_list("status", flat=True))
    assert {Status.CLOSED, Status.REPORTED} <= statuses
    assert Checklist.objects.filter(incident__kind="cold_injury").count() == 3
    violence = Incident.objects.get(kind="violence")
    assert violence.steps.get(order=1).sent_at is not None  # nobody acknowledged: escalated
