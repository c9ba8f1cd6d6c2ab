"""Builders for supplies tests: items as the stations stock them, and stock received at a holder."""

from __future__ import annotations

from songnuan.supplies import services
from songnuan.supplies.models import ItemKind, Stock, SupplyItem

ITEMS = {
    "coat": ("军绿棉大衣", ItemKind.COAT, "件"),
    "quilt": ("加厚棉被", ItemKind.QUILT, "床"),
    "food": ("八宝粥", ItemKind.FOOD, "罐"),
    "gloves": ("棉手套", ItemKind.GLOVES, "副"),
}


def item(key: str) -> SupplyItem:
    name, kind, unit = ITEMS[key]
    found, _made = SupplyItem.objects.get_or_create(name=name, defaults={"kind": kind,
                                                                         "unit": unit})
    return found


def stocked(holder, key: str, quantity: int, *, reserve: int = 0, by=None) -> Stock:
    """The holder's stock of an item after receiving `quantity` from the city's allocation."""
    if quantity:
        services.receive(holder, item(key), quantity, by=by, source="市民政局统一调拨")
    stock = services.stock_of(holder, item(key))
    if reserve:
        Stock.objects.filter(pk=stock.pk).update(reserve_level=reserve)
    stock.refresh_from_db()
    return stock
