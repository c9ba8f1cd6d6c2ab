"""Service levels (服务时效): time to assign, time to arrive and the outcome mix, per district
and per night, for managers."""

from __future__ import annotations

import datetime
import statistics
from collections import Counter
from dataclasses import dataclass, field

from songnuan.network.models import district_names
from songnuan.outreach.models import EncounterOutcome
from songnuan.outreach.patrols import night_of


@dataclass
class Row:
    district: str
    night: datetime.date
    tasks: int = 0
    assign_min: list[float] = field(default_factory=list)
    arrive_min: list[float] = field(default_factory=list)
    outcomes: Counter = field(default_factory=Counter)

    def outcome_counts(self) -> list[int]:
        """Counts in the order of `EncounterOutcome` (templates cannot index a Counter)."""
        return [self.outcomes[value] for value in EncounterOutcome.values]

    @property
    def median_assign_min(self) -> float | None:
        return round(statistics.median(self.assign_min), 1) if self.assign_min else None

    @property
    def median_arrive_min(self) -> float | None:
        return round(statistics.median(self.arrive_min), 1) if self.arrive_min else None


def service_levels(tasks, encounters, *, since: datetime.datetime) -> list[Row]:
    rows: dict[tuple[str, datetime.date], Row] = {}

    def row(district: str, at: datetime.datetime) -> Row:
        key = (district, night_of(at))
        if key not in rows:
            rows[key] = Row(district, key[1])
        return rows[key]

    names = district_names()
    for task in (tasks.filter(assigned_at__gte=since, lead__isnull=False)
                 .values("district_id", "assigned_at", "arrived_at", "arrived_client_at",
                         "lead__received_at")):
        target = row(names[task["district_id"]], task["assigned_at"])
        target.tasks += 1
        target.assign_min.append(_minutes(task["assigned_at"] - task["lead__received_at"]))
        # The squad's own clock when it sent one: a tap queued offline reached us late.
        arrived = task["arrived_client_at"] or task["arrived_at"]
        if arrived:
            target.arrive_min.append(_minutes(arrived - task["assigned_at"]))
    for encounter in encounters.filter(at__gte=since).values("district_id", "at", "outcome"):
        row(names[encounter["district_id"]], encounter["at"]).outcomes[encounter["outcome"]] += 1
    return sorted(rows.values(), key=lambda r: (r.night, r.district), reverse=True)


def _minutes(delta: datetime.timedelta) -> float:
    return max(0.0, delta.total_seconds() / 60)
