"""Zoned accommodation (分区居住): which zone a person may be housed in, and which bed to suggest.

The notice (三(四)) asks stations to house people apart by sex, age and physical and mental
condition. The rules here are plain functions of the person's sex, age group and the condition
their screening calls for, so they can be tested on their own and explained to staff word by word.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from songnuan.people.models import ADULT_AGE, ELDERLY_AGE
from songnuan.shelter.models import AgeGroup, Condition

# Which zone conditions may house a person needing each condition. Isolation houses only the
# infectious (it would expose others); mental-health observation only those who need it.
ZONES_FOR_CONDITION = {
    Condition.GENERAL: (Condition.GENERAL, Condition.MEDICAL),
    Condition.MEDICAL: (Condition.MEDICAL,),
    Condition.MENTAL: (Condition.MENTAL,),
    Condition.ISOLATION: (Condition.ISOLATION,),
}
# Which zone age groups may house each age group: minors only with minors; the elderly may
# share an adult zone, but adults do not take elderly places.
ZONES_FOR_AGE = {
    AgeGroup.MINOR: (AgeGroup.MINOR,),
    AgeGroup.ADULT: (AgeGroup.ADULT,),
    AgeGroup.ELDERLY: (AgeGroup.ELDERLY, AgeGroup.ADULT),
}


@dataclass(frozen=True)
class Screening:
    """What the admission's health screening found."""

    temperature_c: Decimal | float | None = None
    infectious_symptoms: bool = False
    mental_illness_signs: bool = False
    injuries: str = ""
    frostbite: bool = False
    intoxicated: bool = False
    critically_ill: bool = False


@dataclass(frozen=True)
class Placement:
    """Who is being placed: the inputs of the zone rules."""

    sex: str  # "M", "F" or "" when unknown
    age_group: str
    condition: str


def age_group_for(age: int | None) -> str:
    if age is None:
        return AgeGroup.ADULT
    if age < ADULT_AGE:
        return AgeGroup.MINOR
    if age >= ELDERLY_AGE:
        return AgeGroup.ELDERLY
    return AgeGroup.ADULT


def has_fever(screening: Screening, fever_c: float) -> bool:
    return screening.temperature_c is not None and float(screening.temperature_c) >= fever_c


def condition_for(screening: Screening, fever_c: float) -> str:
    """The most protective condition the screening calls for."""
    if has_fever(screening, fever_c) or screening.infectious_symptoms:
        return Condition.ISOLATION
    if screening.mental_illness_signs:
        return Condition.MENTAL
    if (screening.injuries.strip() or screening.frostbite or screening.intoxicated
            or screening.critically_ill):
        return Condition.MEDICAL
    return Condition.GENERAL


def violations(zone: Any, placement: Placement) -> list[str]:
    """Why this zone may not house this person; empty when it may."""
    found = []
    if zone.sex:
        if not placement.sex:
            found.append(_("The person's sex is not recorded; this zone is for one sex only."))
        elif zone.sex != placement.sex:
            if zone.sex == "F":
                found.append(_("A man cannot be placed in a women's zone."))
            else:
                found.append(_("A woman cannot be placed in a men's zone."))
    if zone.age_group not in ZONES_FOR_AGE[placement.age_group]:
        if placement.age_group == AgeGroup.MINOR:
            found.append(_("A minor cannot be placed outside a minors' zone."))
        elif zone.age_group == AgeGroup.MINOR:
            found.append(_("An adult cannot be placed in a minors' zone."))
        else:
            found.append(_("This zone is for the elderly."))
    if zone.condition not in ZONES_FOR_CONDITION[placement.condition]:
        if placement.condition == Condition.ISOLATION:
            found.append(_("A person with fever or infectious symptoms must be in isolation."))
        elif placement.condition == Condition.MENTAL:
            found.append(_("Signs of mental illness call for a mental-health observation zone."))
        elif placement.condition == Condition.MEDICAL:
            found.append(_("Injuries, frostbite or intoxication call for medical observation."))
        elif zone.condition == Condition.ISOLATION:
            found.append(_("Only people with infectious symptoms are placed in isolation."))
        else:
            found.append(_("This zone is for people under observation."))
    return found


def rank(zone: Any, placement: Placement) -> tuple[int, int]:
    """Lower is better: an exact condition and age match first."""
    return (
        0 if zone.condition == placement.condition else 1,
        0 if zone.age_group == placement.age_group else 1,
    )
