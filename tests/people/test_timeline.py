"""The timeline is a registry: other apps add their events without the person file knowing them."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from songnuan.people import timeline
from songnuan.people.timeline import TimelineEvent, register_source, timeline_for
from tests.people.factories import make_person

pytestmark = pytest.mark.django_db


def test_a_registered_source_adds_its_events_in_time_order(cast, monkeypatch):
    monkeypatch.setattr(timeline, "_sources", list(timeline._sources))
    person = make_person("邹长林")
    seen = timezone.now() - datetime.timedelta(days=3)

    def leads(someone):
        if someone.pk == person.pk:
            yield TimelineEvent(seen, "lead", "市民上报：桥洞下有人", url="/leads/1/")

    register_source(leads)
    events = timeline_for(person)
    assert [event.kind for event in events][-1] == "lead"  # the oldest comes last
    assert any(event.kind == "file" for event in events)
