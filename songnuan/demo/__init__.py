"""The Qingdao demo: a deterministic generator with a step for each app's data.

The demo sits on the top floor: its steps import the apps, and no app imports the demo. Steps
run in order inside one transaction; each is a module of this package with `populate(ctx)`.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from songnuan.accounts.audit import acting_as
from songnuan.demo import (
    accounts,
    alerts,
    cameras,
    cases,
    dispatch,
    duty,
    incidents,
    leads,
    network,
    outreach,
    people,
    places,
    shelter,
    supplies,
    tracing,
    weather,
)

# In order: each step reads what the steps before it made.
STEPS = [
    network, places, accounts, duty, people, shelter, weather, outreach, leads, tracing,
    dispatch, alerts, supplies, cameras, incidents, cases,
]

DEMO_PASSWORD = "songnuan-demo-2026"
SIZES = {"small": 0.3, "normal": 1.0, "large": 3.0}


@dataclass
class DemoContext:
    rng: random.Random
    scale: float
    now: datetime.datetime
    password: str = DEMO_PASSWORD
    logins: list[dict[str, str]] = field(default_factory=list)
    shared: dict[str, Any] = field(default_factory=dict)

    def count(self, normal: int, minimum: int = 1) -> int:
        """How many of something to make at this size."""
        return max(minimum, round(normal * self.scale))


def load(seed: int = 2026, size: str = "normal", now: datetime.datetime | None = None):
    ctx = DemoContext(random.Random(seed), SIZES[size], now or timezone.now())
    with transaction.atomic(), acting_as(None):
        for step in STEPS:
            step.populate(ctx)
    return ctx
