"""The city-wide stock overview: over many holders only what is short, in a fixed few queries."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.outreach.factories import make_squad
from tests.supplies.factories import stocked

pytestmark = pytest.mark.django_db


def stocked_squads(count: int, *, short: int = 0) -> list:
    """Squads with coats and food; the first `short` of them low on coats."""
    squads = []
    for n in range(count):
        squad = make_squad(f"市南区巡查{n + 1}队")
        stocked(squad, "coat", 2 if n < short else 20, reserve=10)
        stocked(squad, "food", 40, reserve=10)
        squads.append(squad)
    return squads


def test_over_many_holders_the_city_sees_only_what_is_short(cast, client_for):
    stocked_squads(8, short=1)
    response = client_for(cast.city_admin).get(reverse("supplies:stock"))
    [group] = response.context["groups"]
    assert group.holder.name == "市南区巡查1队"
    assert [row.item.name for row in group.rows] == ["军绿棉大衣"]
    assert (group.low, group.more) == (1, 1)
    assert response.context["stocked_well"] == 7


def test_a_few_holders_show_their_whole_stock(cast, client_for):
    stocked_squads(3, short=1)
    response = client_for(cast.city_admin).get(reverse("supplies:stock"))
    assert [len(group.rows) for group in response.context["groups"]] == [2, 2, 2]
    assert response.context["stocked_well"] == 0


def test_the_overview_costs_the_same_queries_for_ten_holders_or_forty(cast, client_for):
    client = client_for(cast.city_admin)
    stocked_squads(10, short=5)
    client.get(reverse("supplies:stock"))  # fills the per-process caches (the city, the worker)
    with CaptureQueriesContext(connection) as ten:
        assert client.get(reverse("supplies:stock")).status_code == 200
    stocked_squads(30, short=15)
    with CaptureQueriesContext(connection) as forty:
        assert client.get(reverse("supplies:stock")).status_code == 200
    assert len(forty) == len(ten)
