"""The demo's incidents and plans, loaded with the rest of the small demo through the real
chains."""

from __future__ import annotations

import pytest

from songnuan.demo import incidents as incidents_demo
from songnuan.incidents.models import Checklist, EmergencyPlan, Incident, Status

# The small demo is loaded once for the package (tests/demo/conftest.py).
pytestmark = pytest.mark.xdist_group("demo")


def test_the_demo_has_plans_and_incidents_open_and_closed(demo, db):
    assert EmergencyPlan.objects.count() == len(incidents_demo.PLANS)
    statuses = set(Incident.objects.values_list("status", flat=True))
    assert {Status.CLOSED, Status.REPORTED} <= statuses
    assert Checklist.objects.filter(incident__kind="cold_injury").count() == 3
    violence = Incident.objects.get(kind="violence")
    assert violence.steps.get(order=1).sent_at is not None  # nobody acknowledged: escalated
