"""The supplies ledger: receive, transfer, adjust and issue, one transaction each.

A stock's quantity moves only by a conditional UPDATE (`quantity >= taken`) made together with
the ledger row, so two patrollers issuing the last coat at once cannot both get it and a stock
never goes below zero, on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass
from typing import Any

from django.db import models, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.actors import Actor, recorded
from songnuan.refusals import Conflict, Refused
from songnuan.supplies import holders
from songnuan.supplies.models import Movement, MovementKind, Stock, SupplyItem

# A site, or a row of a kind a higher app registered in `holders` (a squad): anything with a
# district whose model names a `Stock` foreign key.
Holder = models.Model


@dataclass(frozen=True)
class Shortfall:
    item: SupplyItem
    wanted: int
    issued: int

    def __str__(self) -> str:
        return _("%(item)s: %(wanted)d wanted, %(issued)d issued") % {
            "item": self.item.name, "wanted": self.wanted, "issued": self.issued}


@dataclass
class Issued:
    movements: list[Movement]
    shortfalls: list[Shortfall]


def stock_of(holder: Holder, item: SupplyItem) -> Stock:
    """The holder's stock row of an item, opened at zero the first time it is needed."""
    stock, _created = Stock.objects.get_or_create(
        item=item, **{holders.field_of(holder): holder},
        defaults={"district_id": holder.district_id})
    return stock


def stocks_of(holder: Holder) -> QuerySet[Stock]:
    return Stock.objects.filter(**{holders.field_of(holder): holder}).select_related("item")


def holder_key_of(site_id: int | None, squad_id: int | None) -> str:
    """The key naming a stock holder in the stock pages' `holder` parameter: "site:ID" or
    "squad:ID"."""
    return f"site:{site_id}" if site_id else f"squad:{squad_id}"


def low_stocks(stocks: QuerySet[Stock]) -> QuerySet[Stock]:
    """Stocks below their reserve level (储备不足)."""
    return stocks.filter(quantity__lt=F("reserve_level"))


def receive(holder: Holder, item: SupplyItem, quantity: int, *, by: Actor, source: str = "",
            at: datetime.datetime | None = None) -> Movement:
    """Goods arriving from outside the network: a purchase, a donation, the city's allocation."""
    _check_positive(quantity)
    with transaction.atomic():
        return _move(stock_of(holder, item), quantity, MovementKind.RECEIPT, by=by,
                     reason=source.strip()[:200], at=at)


def transfer(source: Holder, target: Holder, item: SupplyItem, quantity: int, *, by: Actor,
             reason: str = "", at: datetime.datetime | None = None) -> tuple[Movement, Movement]:
    """Move goods between holders (a station stocking a squad before its shift): both or none."""
    _check_positive(quantity)
    if type(source) is type(target) and source.pk == target.pk:
        raise Refused(_("Choose a different holder to transfer to."), "target")
    with transaction.atomic():
        out_of, into = stock_of(source, item), stock_of(target, item)
        # Lock both rows in one order, so opposite transfers at once cannot deadlock.
        list(Stock.objects.select_for_update().filter(pk__in=[out_of.pk, into.pk])
             .order_by("pk"))
        pair, reason = uuid.uuid4(), reason.strip()[:200]
        taken = _move(out_of, -quantity, MovementKind.TRANSFER_OUT, by=by, reason=reason,
                      counterpart=into, transfer_id=pair, at=at)
        given = _move(into, quantity, MovementKind.TRANSFER_IN, by=by, reason=reason,
                      counterpart=out_of, transfer_id=pair, at=at)
        return taken, given


def adjust(holder: Holder, item: SupplyItem, change: int, *, by: Actor, reason: str) -> Movement:
    """A stock count that differs from the ledger, damage, expiry: always with a reason."""
    if not change:
        raise Refused(_("An adjustment must change the quantity."), "change")
    if not reason.strip():
        raise Refused(_("Say why the stock is adjusted."), "reason")
    with transaction.atomic():
        return _move(stock_of(holder, item), change, MovementKind.ADJUSTMENT, by=by,
                     reason=reason.strip()[:200])


def issue(holder: Holder, wanted: dict[SupplyItem, int], *, by: Actor, person=None, encounter=None,
          at: datetime.datetime | None = None) -> Issued:
    """Hand items to a person from the holder's stock, as much of each as there is.

    People come first: a short stock never stops the record of who was helped; what could not
    be given comes back as shortfalls for the patroller to see.
    """
    movements, shortfalls = [], []
    with transaction.atomic():
        for item, quantity in wanted.items():
            if quantity <= 0:
                continue
            stock = Stock.objects.select_for_update().filter(
                pk=stock_of(holder, item).pk).first()
            given = min(quantity, stock.quantity)
            if given:
                movements.append(_move(stock, -given, MovementKind.ISSUE, by=by, person=person,
                                       encounter=encounter, at=at))
            if given < quantity:
                shortfalls.append(Shortfall(item, quantity, given))
    return Issued(movements, shortfalls)


def set_reserve(holder: Holder, item: SupplyItem, level: int) -> Stock:
    """The quantity below which the holder is warned to restock (储备量)."""
    if level < 0:
        raise Refused(_("A reserve level cannot be negative."), "reserve_level")
    stock = stock_of(holder, item)
    stock.reserve_level = level
    stock.save(update_fields=["reserve_level"])
    return stock


def _move(stock: Stock, change: int, kind: str, *, by, at=None, **fields: Any) -> Movement:
    rows = Stock.objects.filter(pk=stock.pk)
    if change < 0:
        rows = rows.filter(quantity__gte=-change)
    if not rows.update(quantity=F("quantity") + change):
        left = Stock.objects.values_list("quantity", flat=True).get(pk=stock.pk)
        raise Conflict(_("Only %(left)d %(unit)s of %(item)s in stock: cannot take "
                            "%(n)d.") % {"left": left, "unit": stock.item.unit,
                                         "item": stock.item.name, "n": -change}, "quantity")
    balance = Stock.objects.values_list("quantity", flat=True).get(pk=stock.pk)
    return Movement.objects.create(stock=stock, kind=kind, change=change, balance=balance,
                                   by=recorded(by),
                                   at=at or timezone.now(), **fields)


def _check_positive(quantity: int) -> None:
    if quantity <= 0:
        raise Refused(_("Enter a quantity of at least 1."), "quantity")
