"""Who holds stock besides sites: a higher app whose rows hold stock (outreach's squads)
registers its kind here from its `AppConfig.ready()`, so the ledger, which sits below dispatch,
reads them without importing that app (as `people.timeline.register_source` does)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models


@dataclass(frozen=True)
class HolderKind:
    """One kind of holder: `field` is the `Stock` foreign key naming it ("squad")."""

    field: str
    visible: Callable[[Any], models.QuerySet]  # the active holders a user may see
    in_districts: Callable[[set[int]], models.QuerySet]  # the active holders of districts
    member_of: Callable[[Any], models.QuerySet]  # ids of the holders a user belongs to


_kinds: dict[str, HolderKind] = {}


def register_holder(kind: HolderKind) -> None:
    _kinds[kind.field] = kind


def holder_kinds() -> list[HolderKind]:
    return list(_kinds.values())


def field_of(holder: models.Model) -> str:
    """The `Stock` field naming this holder: its model's name ("site", "squad")."""
    return holder._meta.model_name
