"""Reporting chains: who must hear of an incident, and how soon.

Defaults follow the notice's "report at once" (四(四)) as the issue sets them: for a death or a
serious case the district's leader on duty within 15 minutes and the city within 1 hour, with a
written follow-up within 24 hours. A deployment changes them in `INCIDENT_CHAINS` (a kind, then
a severity, or "*" for any), each step `(level, minutes, always)`: `always` steps are told at
once and must be acknowledged within `minutes` of the report; the others are told only when the
step before them was not acknowledged in time (escalation), and then have `minutes` from the
report to acknowledge.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from songnuan.incidents.models import ChainLevel, Kind, Level


@dataclass(frozen=True)
class Step:
    level: str
    minutes: int
    always: bool = True


@dataclass(frozen=True)
class Chain:
    steps: tuple[Step, ...]
    written_report_hours: int | None


GRAVE = Chain((Step(ChainLevel.DISTRICT, 15), Step(ChainLevel.CITY, 60),
               Step(ChainLevel.BUREAU, 120, always=False)), 24)
SERIOUS = Chain((Step(ChainLevel.DISTRICT, 15), Step(ChainLevel.CITY, 60, always=False),
                 Step(ChainLevel.BUREAU, 120, always=False)), 24)
GENERAL = Chain((Step(ChainLevel.DISTRICT, 30), Step(ChainLevel.CITY, 90, always=False)), None)

DEFAULT_CHAINS: dict[str, dict[str, Chain]] = {
    Kind.DEATH: {"*": GRAVE},
    "*": {Level.MAJOR: GRAVE, Level.SERIOUS: SERIOUS, Level.GENERAL: GENERAL},
}


def _configured() -> dict[str, dict[str, Chain]]:
    chains = {kind: dict(by_level) for kind, by_level in DEFAULT_CHAINS.items()}
    for kind, by_level in getattr(settings, "INCIDENT_CHAINS", {}).items():
        for level, spec in by_level.items():
            steps = tuple(Step(*row) for row in spec["steps"])
            chains.setdefault(kind, {})[level] = Chain(steps, spec.get("written_report_hours"))
    return chains


def chain_for(kind: str, level: str) -> Chain:
    """The chain of an incident kind at a severity: the kind's own rule first, then any kind's."""
    chains = _configured()
    for by_level in (chains.get(kind, {}), chains["*"]):
        for key in (level, "*"):
            if key in by_level:
                return by_level[key]
    return GRAVE
