"""The supplies ledger in the services: receipts, transfers, adjustments and issues."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum

from songnuan.refusals import Conflict, Refused
from songnuan.supplies import services
from songnuan.supplies.models import Movement, MovementKind, Stock
from tests.outreach.factories import make_squad
from tests.people.factories import make_person
from tests.supplies.factories import item, stocked

pytestmark = pytest.mark.django_db


def ledger_total(stock: Stock) -> int:
    return stock.movements.aggregate(total=Sum("change"))["total"] or 0


def test_a_receipt_raises_the_stock_and_records_its_source(cast):
    stock = stocked(cast.shinan_substation, "coat", 40)
    assert stock.quantity == 40
    receipt = stock.movements.get()
    assert (receipt.kind, receipt.change, receipt.balance) == (MovementKind.RECEIPT, 40, 40)
    assert receipt.reason == "市民政局统一调拨"
    assert stock.district == cast.shinan_substation.district


def test_taking_more_than_there_is_is_a_conflict_and_changes_nothing(cast):
    stock = stocked(cast.shinan_substation, "quilt", 3)
    with pytest.raises(Conflict) as refused:
        services.adjust(cast.shinan_substation, item("quilt"), -5, by=cast.shinan_station,
                        reason="盘点短少")
    assert "Only 3 床 of 加厚棉被 in stock" in refused.value.message
    assert (refused.value.status, refused.value.field) == (409, "quantity")
    stock.refresh_from_db()
    assert stock.quantity == 3
    assert stock.movements.count() == 1


def test_an_adjustment_needs_a_reason_and_a_change(cast):
    stocked(cast.shinan_substation, "food", 10)
    with pytest.raises(Refused) as refused:
        services.adjust(cast.shinan_substation, item("food"), -2, by=None, reason="  ")
    assert (refused.value.status, refused.value.field) == (422, "reason")
    with pytest.raises(Refused) as refused:
        services.adjust(cast.shinan_substation, item("food"), 0, by=None, reason="盘点")
    assert refused.value.field == "change"


def test_a_transfer_moves_both_sides_or_neither(cast):
    squad = make_squad("市南区救助一队")
    station = stocked(cast.shinan_substation, "coat", 10)
    taken, given = services.transfer(cast.shinan_substation, squad, item("coat"), 6,
                                     by=cast.shinan_station, reason="夜班前补充")
    station.refresh_from_db()
    at_squad = services.stock_of(squad, item("coat"))
    assert (station.quantity, at_squad.quantity) == (4, 6)
    assert taken.transfer_id == given.transfer_id
    assert (taken.counterpart, given.counterpart) == (at_squad, station)
    with pytest.raises(Refused):
        services.transfer(cast.shinan_substation, squad, item("coat"), 5, by=None)
    station.refresh_from_db()
    at_squad.refresh_from_db()
    assert (station.quantity, at_squad.quantity) == (4, 6)
    assert Movement.objects.count() == 3


def test_a_transfer_to_the_same_holder_is_refused(cast):
    stocked(cast.shinan_substation, "coat", 2)
    with pytest.raises(Refused) as refused:
        services.transfer(cast.shinan_substation, cast.shinan_substation, item("coat"), 1,
                          by=None)
    assert refused.value.field == "target"


def test_an_issue_gives_what_there_is_and_reports_the_rest(cast):
    squad = make_squad()
    stocked(squad, "coat", 1)
    stocked(squad, "food", 5)
    person = make_person()
    result = services.issue(squad, {item("coat"): 2, item("food"): 2}, by=None, person=person)
    assert sorted((m.stock.item.name, m.change) for m in result.movements) == [
        ("八宝粥", -2), ("军绿棉大衣", -1)]
    assert [(s.item.name, s.wanted, s.issued) for s in result.shortfalls] == [("军绿棉大衣", 2, 1)]
    assert services.stock_of(squad, item("coat")).quantity == 0
    assert person.supply_movements.count() == 2


def test_the_ledger_always_adds_up_to_the_stock_and_never_goes_negative(cast):
    squad = make_squad()
    stocked(cast.shinan_substation, "gloves", 12)
    services.transfer(cast.shinan_substation, squad, item("gloves"), 7, by=None)
    services.issue(squad, {item("gloves"): 3}, by=None)
    services.issue(squad, {item("gloves"): 9}, by=None)
    services.adjust(cast.shinan_substation, item("gloves"), -5, by=None, reason="受潮报废")
    for stock in Stock.objects.all():
        assert stock.quantity == ledger_total(stock) >= 0
    balances = list(Stock.objects.get(squad=squad).movements.order_by("pk")
                    .values_list("balance", flat=True))
    assert balances == [7, 4, 0]


def test_ledger_rows_cannot_be_changed_or_deleted(cast):
    movement = stocked(cast.shinan_substation, "coat", 2).movements.get()
    movement.change = 200
    with pytest.raises(ValidationError):
        movement.save()
    with pytest.raises(ValidationError):
        movement.delete()
    assert Movement.objects.get().change == 2


def test_low_stocks_are_those_under_their_reserve(cast):
    stocked(cast.shinan_substation, "coat", 5, reserve=20)
    stocked(cast.shinan_substation, "food", 50, reserve=20)
    low = services.low_stocks(Stock.objects.all())
    assert [s.item.name for s in low] == ["军绿棉大衣"]
