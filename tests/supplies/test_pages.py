"""The supplies pages over HTTP: scoped stock, receive, transfer, adjust, bad input."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.supplies import services
from songnuan.supplies.models import Movement
from tests.outreach.factories import make_squad
from tests.supplies.factories import item, stocked

pytestmark = pytest.mark.django_db


def test_the_station_sees_its_stock_with_low_reserve_warnings(cast, client_for):
    stocked(cast.shinan_substation, "coat", 8, reserve=30)
    stocked(cast.shinan_substation, "food", 200, reserve=50)
    stocked(cast.laoshan_substation, "quilt", 3, reserve=10)
    response = client_for(cast.shinan_station).get(reverse("supplies:stock"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "市南区救助管理分站" in page and "崂山区救助管理分站" not in page
    assert page.count('class="is-low"') == 1
    assert '<tr class="is-low" data-item="军绿棉大衣">' in page


def test_the_low_filter_lists_only_stocks_under_reserve(cast, client_for):
    stocked(cast.shinan_substation, "coat", 8, reserve=30)
    stocked(cast.shinan_substation, "food", 200, reserve=50)
    page = client_for(cast.shinan_admin).get(reverse("supplies:stock") + "?low=1")
    text = page.content.decode()
    assert "军绿棉大衣" in text and 'data-item="八宝粥"' not in text


def test_a_patroller_sees_their_own_squads_stock(cast, client_for):
    squad = make_squad("市南区救助一队", members=[cast.shinan_patroller])
    stocked(squad, "gloves", 6)
    response = client_for(cast.shinan_patroller).get(
        reverse("supplies:stock") + f"?holder=squad:{squad.pk}")
    assert response.status_code == 200
    assert "棉手套" in response.content.decode()


def test_a_patroller_may_not_receive_or_adjust(cast, client_for):
    client = client_for(cast.shinan_patroller)
    for name in ("supplies:receive", "supplies:transfer", "supplies:adjust"):
        assert client.get(reverse(name)).status_code == 403


def test_receiving_adds_to_the_chosen_holder(cast, client_for):
    coat = item("coat")
    response = client_for(cast.shinan_station).post(reverse("supplies:receive"), {
        "holder": f"site:{cast.shinan_substation.pk}", "item": coat.pk, "quantity": "50",
        "source": "青岛市慈善总会捐赠"})
    assert response.status_code == 302
    assert services.stock_of(cast.shinan_substation, coat).quantity == 50
    assert Movement.objects.get().reason == "青岛市慈善总会捐赠"


def test_the_station_stocks_a_squad_of_its_district_before_the_night(cast, client_for):
    squad = make_squad("市南区救助一队")
    stocked(cast.shinan_substation, "coat", 20)
    response = client_for(cast.shinan_station).post(reverse("supplies:transfer"), {
        "holder": f"site:{cast.shinan_substation.pk}", "target": f"squad:{squad.pk}",
        "item": item("coat").pk, "quantity": "8", "reason": "夜班前补充"})
    assert response.status_code == 302
    assert services.stock_of(squad, item("coat")).quantity == 8
    assert services.stock_of(cast.shinan_substation, item("coat")).quantity == 12


def test_a_transfer_beyond_the_stock_gets_a_field_error_and_moves_nothing(cast, client_for):
    squad = make_squad("市南区救助一队")
    stocked(cast.shinan_substation, "coat", 2)
    response = client_for(cast.shinan_station).post(reverse("supplies:transfer"), {
        "holder": f"site:{cast.shinan_substation.pk}", "target": f"squad:{squad.pk}",
        "item": item("coat").pk, "quantity": "5"})
    assert response.status_code == 422
    assert "Only 2 件 of 军绿棉大衣 in stock" in str(response.context["form"].errors["quantity"])
    assert services.stock_of(squad, item("coat")).quantity == 0
    assert Movement.objects.count() == 1


def test_bad_numbers_and_a_missing_reason_are_field_errors_not_500s(cast, client_for):
    client = client_for(cast.shinan_station)
    holder = f"site:{cast.shinan_substation.pk}"
    response = client.post(reverse("supplies:receive"), {
        "holder": holder, "item": item("coat").pk, "quantity": "-4"})
    assert response.status_code == 422 and "quantity" in response.context["form"].errors
    response = client.post(reverse("supplies:adjust"), {
        "holder": holder, "item": item("coat").pk, "change": "abc", "reason": ""})
    assert response.status_code == 422
    assert set(response.context["form"].errors) == {"change", "reason"}
    response = client.post(reverse("supplies:receive"), {
        "holder": holder, "item": "999999", "quantity": "4"})
    assert response.status_code == 422 and "item" in response.context["form"].errors
    assert not Movement.objects.exists()


def test_a_station_cannot_stock_another_districts_holder(cast, client_for):
    response = client_for(cast.shinan_station).post(reverse("supplies:receive"), {
        "holder": f"site:{cast.laoshan_substation.pk}", "item": item("coat").pk,
        "quantity": "5"})
    assert response.status_code == 404
    assert not Movement.objects.exists()


def test_a_relief_point_receives_into_its_own_stock(cast, client_for):
    response = client_for(cast.shinan_relief).post(reverse("supplies:receive"), {
        "holder": f"site:{cast.shinan_point.pk}", "item": item("food").pk, "quantity": "30",
        "source": "社区捐赠"})
    assert response.status_code == 302
    assert services.stock_of(cast.shinan_point, item("food")).quantity == 30


def test_the_home_page_warns_of_stock_under_reserve(cast, client_for):
    stocked(cast.shinan_substation, "coat", 4, reserve=30)
    page = client_for(cast.shinan_station).get(reverse("home")).content.decode()
    assert "Supplies below reserve" in page and "军绿棉大衣" in page


def test_a_city_wide_overview_lists_only_what_is_below_reserve(cast, client_for):
    for number in range(7):
        squad = make_squad(f"救助{number + 1}队")
        stocked(squad, "coat", 10, reserve=5)
        stocked(squad, "food", 2 if number == 0 else 20, reserve=5)
    page = client_for(cast.city_admin).get(reverse("supplies:stock")).content.decode()
    assert page.count('data-item="八宝粥"') == 1
    assert 'data-item="军绿棉大衣"' not in page
    # only the short squad gets a section; the six others are counted, not listed
    assert page.count('class="panel holder"') == 1
    assert "1 more item at or above reserve" in page
    assert "6 other holders have every item at or above their reserve levels" in page


def test_the_station_sets_a_reserve_level_and_the_warning_follows(cast, client_for):
    stocked(cast.shinan_substation, "quilt", 30)
    client = client_for(cast.shinan_station)
    response = client.post(reverse("supplies:reserve"), {
        "holder": f"site:{cast.shinan_substation.pk}", "item": item("quilt").pk,
        "reserve_level": "50"})
    assert response.status_code == 302
    stock = services.stock_of(cast.shinan_substation, item("quilt"))
    assert stock.reserve_level == 50 and stock.is_low
    assert stock.quantity == 30  # a reserve level moves no goods
    response = client.post(reverse("supplies:reserve"), {
        "holder": f"site:{cast.shinan_substation.pk}", "item": item("quilt").pk,
        "reserve_level": "-1"})
    assert response.status_code == 422 and "reserve_level" in response.context["form"].errors


def test_a_patroller_cannot_set_reserve_levels(cast, client_for):
    assert client_for(cast.shinan_patroller).get(reverse("supplies:reserve")).status_code == 403
