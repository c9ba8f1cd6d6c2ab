"""The person file's block of publicity cases: the cases proposed from it, and the way to
propose one from the file or from one of its encounters."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from songnuan.cases.models import Case
from songnuan.outreach.models import EncounterPerson
from songnuan.people.models import Person


def cases_of(person: Person) -> list[dict[str, Any]]:
    """One row, always: the file's cases and where to propose another."""
    propose = reverse("cases:propose", args=[person.pk])
    encounters = [met.encounter for met in EncounterPerson.objects.filter(person=person)
                  .select_related("encounter").order_by("-encounter__at")[:5]]
    return [{
        "cases": list(Case.objects.filter(person=person).exclude(status="withdrawn")),
        "propose_url": propose,
        "encounters": [(encounter, f"{propose}?encounter={encounter.pk}")
                       for encounter in encounters],
    }]
