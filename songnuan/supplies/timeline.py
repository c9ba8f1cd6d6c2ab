"""The supplies part of the person file's timeline: what was handed to the person, and by whom."""

from __future__ import annotations

from collections.abc import Iterator
from itertools import groupby

from django.utils.translation import gettext as _

from songnuan.people.timeline import TimelineEvent
from songnuan.supplies.models import MovementKind
from songnuan.words import listed


def events(person) -> Iterator[TimelineEvent]:
    issues = (person.supply_movements.filter(kind=MovementKind.ISSUE)
              .select_related("stock__item", "stock__site", "stock__squad")
              .order_by("at", "stock__site", "stock__squad", "pk"))
    for (at, _holder), rows in groupby(issues, key=lambda m: (m.at, m.stock.holder)):
        rows = list(rows)
        yield TimelineEvent(
            at, "supplies", _("Supplies given by %(holder)s") % {"holder": rows[0].stock.holder},
            issued_summary(rows))


def issued_summary(movements) -> str:
    """"棉大衣 ×1、面包 ×2" for a group of issue rows."""
    return listed(f"{m.stock.item.name} ×{m.quantity}" for m in movements)
