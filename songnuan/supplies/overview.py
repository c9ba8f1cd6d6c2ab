"""The stock page's overview: every holder's table, or over many holders only what is short."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Q, QuerySet

from songnuan.supplies.models import Stock
from songnuan.supplies.services import holder_key_of, low_stocks

# Over this many holders, the overview lists only what is below reserve: a city-wide page with
# every item of every relief point would be too long to read and too slow to render.
FULL_TABLES_UP_TO = 6


@dataclass
class HolderStock:
    holder: Any
    key: str
    rows: list[Stock] = field(default_factory=list)
    low: int = 0
    more: int = 0  # items at or above reserve left out of rows


@dataclass
class Overview:
    groups: list[HolderStock]
    stocked_well: int = 0  # holders left out because nothing of theirs is below reserve


def stock_overview(stocks: QuerySet[Stock], holders: dict[str, Any], *,
                   one_holder: bool) -> Overview:
    """The stocks grouped by holder ("site:ID"/"squad:ID" keys of holders, in that order of
    district, site and squad); holders not in `holders` are left out."""
    tallies = {key: tally for key, tally in _tallies(stocks).items() if key in holders}
    summary = not one_holder and len(tallies) > FULL_TABLES_UP_TO
    shown = low_stocks(stocks) if summary else stocks
    groups: dict[str, HolderStock] = {}
    for row in shown.select_related("item").order_by(
            "district__code", "site__name", "squad__name", "item__kind"):
        key = holder_key_of(row.site_id, row.squad_id)
        if key not in holders:
            continue
        group = groups.setdefault(key, HolderStock(holders[key], key))
        group.rows.append(row)
        group.low += row.is_low
    if not summary:
        return Overview(list(groups.values()))
    for key, group in groups.items():
        group.more = tallies[key][0] - group.low
    return Overview(list(groups.values()),
                    stocked_well=sum(1 for _total, low in tallies.values() if not low))


def _tallies(stocks: QuerySet[Stock]) -> dict[str, tuple[int, int]]:
    """Each holder's count of stock rows and of those below reserve, in one query."""
    rows = stocks.order_by().values("site_id", "squad_id").annotate(
        total=Count("pk"), low=Count("pk", filter=Q(quantity__lt=F("reserve_level"))))
    return {holder_key_of(row["site_id"], row["squad_id"]): (row["total"], row["low"])
            for row in rows}
