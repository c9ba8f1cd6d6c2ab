"""Which squad to send to a lead (派单建议): the nearest available squad, weighed by its load.

Distance is road distance estimated as haversine × `routing.ROAD_FACTOR` (no offline road
graph), turned into minutes at the squad's speed; each open task a squad already carries adds
`LOAD_PENALTY_MIN` minutes, since it must finish those first. Squads off shift or at capacity are
never suggested; squads with no known position are ranked after those with one. Pure Python.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from songnuan.outreach.routing import DEFAULT_SPEED_KMH, road_distance_m

LOAD_PENALTY_MIN = 20.0  # an open task ahead in the queue, in minutes of delay
UNKNOWN_POSITION_MIN = 24 * 60.0  # sorts squads with no position after every located one


@dataclass(frozen=True)
class Candidate:
    key: int | str
    name: str
    lat: float | None
    lon: float | None
    on_shift: bool
    load: int
    capacity: int = 3
    speed_kmh: float = DEFAULT_SPEED_KMH


@dataclass(frozen=True)
class Suggestion:
    candidate: Candidate
    distance_m: float | None
    travel_min: float | None
    score_min: float
    reason: str

    @property
    def key(self) -> int | str:
        return self.candidate.key


def rank_squads(lat: float, lon: float, candidates: list[Candidate],
                limit: int | None = None) -> list[Suggestion]:
    """Available squads for a lead at (lat, lon), best first, each with why it ranks there."""
    scored = [_score(lat, lon, c) for c in candidates if is_available(c)]
    scored.sort(key=lambda s: (s[0], str(s[3].name), str(s[3].key)))
    return [_suggestion(*item) for item in scored[:limit]]


def is_available(candidate: Candidate) -> bool:
    return candidate.on_shift and candidate.load < candidate.capacity


def _score(lat: float, lon: float, candidate: Candidate
           ) -> tuple[float, float | None, float | None, Candidate]:
    if candidate.lat is None or candidate.lon is None:
        return (UNKNOWN_POSITION_MIN + LOAD_PENALTY_MIN * candidate.load, None, None,
                candidate)
    distance = road_distance_m(lat, lon, candidate.lat, candidate.lon)
    minutes = distance / 1000 / candidate.speed_kmh * 60
    return minutes + LOAD_PENALTY_MIN * candidate.load, distance, minutes, candidate


def _suggestion(score: float, distance: float | None, minutes: float | None,
                candidate: Candidate) -> Suggestion:
    load_text = ngettext("%(n)d open task", "%(n)d open tasks", candidate.load) % {
        "n": candidate.load}
    if distance is None or minutes is None:
        reason = _("Position unknown; %(load)s") % {"load": load_text}
    else:
        reason = _("%(km).1f km by road (about %(min)d min); %(load)s") % {
            "km": distance / 1000, "min": round(minutes), "load": load_text}
    return Suggestion(candidate, distance, minutes, score, reason)
