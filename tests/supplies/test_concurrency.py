"""Patrollers issuing from the same stock at the same moment never oversell it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.db.models import Sum

from songnuan.refusals import Refused
from songnuan.supplies import services
from songnuan.supplies.models import Stock
from tests.outreach.factories import make_squad
from tests.supplies.factories import item, stocked

THREADS = 6
on_postgresql = pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="SQLite's shared in-memory test database serialises writers")


def at_once(action, count: int = THREADS) -> list[object]:
    start = threading.Barrier(count)
    results: list[object] = []

    def run(index: int) -> None:
        try:
            start.wait()
            results.append(action(index))
        except Refused as refused:
            results.append(refused)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_six_issues_of_two_coats_from_five_hand_out_exactly_five(cast):
    squad = make_squad()
    coat = item("coat")
    stocked(squad, "coat", 5)
    results = at_once(lambda _i: services.issue(squad, {coat: 2}, by=None))
    stock = Stock.objects.get(squad=squad)
    handed = sum(-m.change for r in results for m in r.movements)
    assert (stock.quantity, handed) == (0, 5)
    assert stock.movements.aggregate(total=Sum("change"))["total"] == 0
    short = [s for r in results for s in r.shortfalls]
    assert sum(s.wanted - s.issued for s in short) == THREADS * 2 - 5


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_opposite_transfers_at_once_neither_deadlock_nor_lose_goods(cast):
    squad = make_squad()
    quilt = item("quilt")
    stocked(cast.shinan_substation, "quilt", 30)
    stocked(squad, "quilt", 30)

    def shuttle(index: int):
        source, target = ((cast.shinan_substation, squad) if index % 2
                          else (squad, cast.shinan_substation))
        return services.transfer(source, target, quilt, 4, by=None)

    results = at_once(shuttle)
    assert all(isinstance(r, tuple) for r in results), results
    total = Stock.objects.filter(item=quilt).aggregate(total=Sum("quantity"))["total"]
    assert total == 60
    for stock in Stock.objects.filter(item=quilt):
        assert stock.quantity == stock.movements.aggregate(total=Sum("change"))["total"] == 30
