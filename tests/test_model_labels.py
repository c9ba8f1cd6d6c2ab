"""What a record is called in the admin and the audit log: times in the city's time, not UTC."""

from __future__ import annotations

import datetime

from songnuan.outreach.models import Encounter, EncounterOutcome


def test_an_encounter_is_named_by_its_local_time():
    at = datetime.datetime(2027, 1, 15, 16, 30, tzinfo=datetime.UTC)  # 00:30 in Qingdao
    encounter = Encounter(outcome=EncounterOutcome.REFUSED, at=at)
    assert str(encounter).endswith("2027-01-16 00:30")
