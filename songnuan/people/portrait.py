"""The portrait (画像): vulnerability flags and categories weighed into a risk level with reasons.

Weights follow the notice's focus groups (三(三): jobless migrant workers, rough sleepers, suspected
mental illness) and the people it orders sent to hospital at once (三(四): the critically ill).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from songnuan.people.models import (
    ADULT_AGE,
    ELDERLY_AGE,
    Category,
    Flag,
    Person,
    RiskLevel,
    Status,
)

VERY_OLD_AGE = 75

# reason key -> (weight, label)
REASONS = {
    "critically_ill": (7, _("Critically ill")),
    "mental_illness": (3, _("Suspected mental illness")),
    "minor": (3, _("A minor")),
    "very_old": (3, _("Aged 75 or over")),
    "elderly": (2, _("Aged 60 or over")),
    "disability": (2, _("Has a disability")),
    "frostbite": (3, _("Frostbite")),
    "infectious": (3, _("Infectious symptoms")),
    "pregnant": (3, _("Pregnant")),
    "injured": (2, _("Injured")),
    "intoxicated": (2, _("Intoxicated")),
    "chronic_illness": (1, _("Chronic illness")),
    "domestic_violence": (2, _("Domestic-violence victim")),
    "sleeping_rough": (2, _("Sleeping rough in winter")),
    "no_warm_clothing": (1, _("No warm clothing")),
    "refuses_help": (1, _("Refuses help")),
    "communication": (1, _("Cannot communicate")),
    "unidentified": (1, _("Unidentified")),
}
# The lowest score of each level, highest first.
THRESHOLDS = ((7, RiskLevel.CRITICAL), (4, RiskLevel.HIGH), (2, RiskLevel.MEDIUM))


@dataclass(frozen=True)
class Portrait:
    level: str
    reasons: list[str]

    def labels(self) -> list[str]:
        return [str(REASONS[key][1]) for key in self.reasons if key in REASONS]


def derived_categories(person: Person, today: datetime.date) -> list[str]:
    """Categories with minor/elderly set from the known age, so nobody has to remember to."""
    categories = [c for c in person.categories if c not in (Category.MINOR, Category.ELDERLY)]
    age = person.age_on(today)
    if age is None:
        return [c for c in person.categories if c in Category.values]
    if age < ADULT_AGE:
        categories.append(Category.MINOR)
    elif age >= ELDERLY_AGE:
        categories.append(Category.ELDERLY)
    return [c for c in dict.fromkeys(categories) if c in Category.values]


def assess(person: Person, today: datetime.date) -> Portrait:
    reasons = []
    categories = set(person.categories)
    flags = set(person.flags)
    age = person.age_on(today)
    for category in (Category.CRITICALLY_ILL, Category.MENTAL_ILLNESS, Category.DISABILITY,
                     Category.DOMESTIC_VIOLENCE):
        if category in categories:
            reasons.append(str(category))
    if age is not None and age < ADULT_AGE or Category.MINOR in categories:
        reasons.append("minor")
    if age is not None and age >= VERY_OLD_AGE:
        reasons.append("very_old")
    elif age is not None and age >= ELDERLY_AGE or Category.ELDERLY in categories:
        reasons.append("elderly")
    for flag in (Flag.FROSTBITE, Flag.INFECTIOUS_SYMPTOMS, Flag.PREGNANT, Flag.INJURED,
                 Flag.INTOXICATED, Flag.CHRONIC_ILLNESS, Flag.NO_WARM_CLOTHING,
                 Flag.REFUSES_HELP, Flag.COMMUNICATION):
        if flag in flags:
            reasons.append(str(flag))
    if person.status == Status.ON_STREET and _is_winter(today):
        reasons.append("sleeping_rough")
    if person.is_unidentified:
        reasons.append("unidentified")
    reasons.sort(key=lambda key: -REASONS[key][0])
    score = sum(REASONS[key][0] for key in reasons)
    level = next((lvl for floor, lvl in THRESHOLDS if score >= floor), RiskLevel.LOW)
    return Portrait(level=level, reasons=reasons)


def _is_winter(day: datetime.date) -> bool:
    return day.month in (11, 12, 1, 2, 3)
