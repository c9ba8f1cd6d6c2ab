"""The demo is reproducible: the same seed and demo clock give the same data, load after load."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from songnuan.leads.models import Lead, RewardClaim
from tests.demo.conftest import DEMO_CLOCK, snapshot

# The package's demo (tests/demo/conftest.py) is the second of two loads from the same empty
# database with the default seed; the first was snapshotted and rolled back.
pytestmark = pytest.mark.xdist_group("demo")


def test_the_same_seed_gives_the_same_demo_twice(demo, db):
    clock = timezone.make_aware(datetime.datetime.fromisoformat(DEMO_CLOCK))
    assert not RewardClaim.objects.filter(created_at__gt=clock).exists()
    assert not Lead.objects.filter(received_at__gt=clock).exists()
    first, second = demo.first_load, snapshot()
    assert first["leads.Lead"][0] > 100 and first["leads.RewardClaim"][0] > 0
    differing = [label for label in first if first[label] != second[label]]
    assert differing == []
