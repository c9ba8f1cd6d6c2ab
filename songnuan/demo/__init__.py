"""The demo: a deterministic generator with a step for each app's data.

The demo sits on the top floor: its steps import the apps, and no app imports the demo. Steps
run in order inside one transaction; each is a module of this package with `populate(ctx)`.
The default demo is Qingdao's, with its real places; `load(city="哈尔滨市")` sets the deployment
up for another city and generates a smaller winter there (see `songnuan.demo.city`).
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
from songnuan.demo.city import DemoCity, demo_city, qingdao
from songnuan.network.city import setup_city

# In order: each step reads what the steps before it made.
STEPS = [
    network, places, accounts, duty, people, shelter, weather, outreach, leads, tracing,
    dispatch, alerts, supplies, cameras, incidents, cases,
]

# Another city's generated winter leaves out the steps whose stories are Qingdao's own: its
# gazetteer, its cameras' owners, its incidents and casework at real places.
GENERATED_CITY_STEPS = [step for step in STEPS if step not in (places, cameras, incidents, cases)]

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
    city: DemoCity = field(default_factory=qingdao)

    def count(self, normal: int, minimum: int = 1) -> int:
        """How many of something to make at this size."""
        return max(minimum, round(normal * self.scale))


def load(seed: int = 2026, size: str = "normal", now: datetime.datetime | None = None,
         city: str | None = None):
    """Load the demo; `city` (a code or name) other than the default sets the deployment up
    for that city first. A city's name that is no city raises setup_city's refusal."""
    profile = demo_city(city)
    ctx = DemoContext(random.Random(seed), SIZES[size], now or timezone.now(), city=profile)
    with transaction.atomic(), acting_as(None):
        if profile.is_generated:
            setup_city(profile.code)
        for step in GENERATED_CITY_STEPS if profile.is_generated else STEPS:
            step.populate(ctx)
    return ctx
