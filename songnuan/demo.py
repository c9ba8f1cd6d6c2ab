"""The Qingdao demo: a deterministic generator that each app contributes a step to.

Steps run in order inside one transaction; each is a module with `populate(ctx)`.
"""

from __future__ import annotations

import datetime
import importlib
import random
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils import timezone

from songnuan.accounts.audit import acting_as

STEPS = [
    "songnuan.network.demo",
    "songnuan.places.demo",
    "songnuan.accounts.demo",
    "songnuan.duty.demo",
    "songnuan.people.demo",
    "songnuan.shelter.demo",
    "songnuan.weather.demo",
    "songnuan.outreach.demo",
    "songnuan.leads.demo",
    "songnuan.tracing.demo",
    "songnuan.outreach.demo_dispatch",
    "songnuan.duty.demo_alerts",
    "songnuan.supplies.demo",
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
            importlib.import_module(step).populate(ctx)
    return ctx
