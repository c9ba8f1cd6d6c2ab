"""A patroller meets two people: one goes in, one refuses and is handed a coat and food from
the squad's stock. The squad's stock drops and the person's file shows what happened."""

from __future__ import annotations

from playwright.sync_api import expect

from songnuan.outreach.models import Encounter
from songnuan.people.models import Person
from songnuan.supplies import services
from tests.e2e.conftest import DESKTOP, PHONE, log_in, screenshot
from tests.factories import PASSWORD
from tests.outreach.factories import assigned_task, make_squad
from tests.supplies.factories import item, stocked


def test_a_refusal_draws_on_the_squads_stock_and_lands_on_the_file(cast, new_page):
    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    stocked(squad, "coat", 5, reserve=5)
    stocked(squad, "food", 10, reserve=4)
    stocked(cast.shinan_substation, "quilt", 12, reserve=40)
    task = assigned_task(squad, cast.shinan_dispatcher, place="中山路天桥下")

    phone = new_page(PHONE)
    log_in(phone, cast.shinan_patroller.username, PASSWORD)
    phone.goto(f"/outreach/tasks/{task.pk}/")
    phone.check("input[name=outcome][value=escorted]")
    phone.fill("input[name=p0-age]", "70")
    phone.fill("input[name=p0-name]", "老周")
    phone.select_option("select[name=site]", str(cast.shinan_substation.pk))
    phone.click("#add-person")
    second = phone.locator("fieldset.person[data-person='1']")
    expect(second).to_be_visible()
    second.locator("input[name=p1-age]").fill("52")
    second.locator("input[name=p1-name]").fill("王大姐")
    second.locator("input[name=p1-outcome][value=refused]").check()
    second.locator("details.handed summary").click()  # the counters come after what matters
    coat = second.locator(".stepper", has_text="军绿棉大衣")
    food = second.locator(".stepper", has_text="八宝粥")
    coat.locator("button[data-step='1']").click()
    food.locator("button[data-step='1']").click()
    food.locator("button[data-step='1']").click()
    food.locator("button[data-step='-1']").click()
    food.locator("button[data-step='1']").click()
    expect(coat.locator("input")).to_have_value("1")
    expect(food.locator("input")).to_have_value("2")
    screenshot(phone, "supplies-encounter-two-people-phone")
    phone.locator("form.encounter button[type=submit]").click()
    phone.wait_for_url("**/outreach/my/")

    encounter = Encounter.objects.get()
    assert sorted(encounter.people.values_list("person__self_name", "outcome")) == [
        ("王大姐", "refused"), ("老周", "escorted")]
    assert services.stock_of(squad, item("coat")).quantity == 4
    assert services.stock_of(squad, item("food")).quantity == 8

    phone.goto(f"/supplies/?holder=squad:{squad.pk}")
    expect(phone.locator("tr[data-item='军绿棉大衣'] .quantity")).to_contain_text("4 件")
    expect(phone.locator("tr[data-item='八宝粥'] .quantity")).to_contain_text("8 罐")
    expect(phone.locator("tr.is-low[data-item='军绿棉大衣']")).to_have_count(1)
    screenshot(phone, "supplies-squad-stock-phone")

    refuser = Person.objects.get(self_name="王大姐")
    desk = new_page(DESKTOP)
    log_in(desk, cast.shinan_dispatcher.username, PASSWORD)
    desk.goto(f"/people/{refuser.pk}/")
    table = desk.locator("table.encounters")
    expect(table).to_contain_text("市南救助一队")
    expect(table).to_contain_text("中山路天桥下")
    expect(table).to_contain_text("拒绝")
    expect(table.locator(".issued")).to_have_count(2)
    expect(table).to_contain_text("军绿棉大衣 ×1")
    expect(table).to_contain_text("八宝粥 ×2")
    expect(desk.locator(".timeline .event-supplies")).to_contain_text("军绿棉大衣 ×1")
    expect(desk.locator(".timeline .event-encounter")).to_have_count(1)
    screenshot(desk, "supplies-person-file-desktop")
    phone.goto(f"/people/{refuser.pk}/")
    expect(phone.locator("table.encounters")).to_contain_text("八宝粥 ×2")
    screenshot(phone, "supplies-person-file-phone")

    station = new_page(DESKTOP)
    log_in(station, cast.shinan_station.username, PASSWORD)
    expect(station.locator(".card", has_text="物资低于储备")).to_contain_text("加厚棉被")
    screenshot(station, "supplies-station-home-desktop")
    station.goto("/supplies/")
    expect(station.locator("tr.is-low[data-item='加厚棉被']")).to_have_count(1)
    for english in ("Below reserve", "Recent movements", "Holder", "In stock"):
        expect(station.locator("main")).not_to_contain_text(english)
    screenshot(station, "supplies-stock-desktop")
    station.goto("/supplies/transfer/")
    expect(station.locator("select[name=holder]")).to_have_value(
        f"site:{cast.shinan_substation.pk}")
    station.select_option("select[name=target]", f"squad:{squad.pk}")
    station.select_option("select[name=item]", str(item("quilt").pk))
    station.fill("input[name=quantity]", "4")
    station.fill("input[name=reason]", "夜班前补充")
    expect(station.locator("label[for=id_holder]")).to_contain_text("调出方")
    screenshot(station, "supplies-transfer-desktop")
    station.locator("form.stacked button[type=submit]").click()
    expect(station.locator(f"section[data-holder='site:{cast.shinan_substation.pk}'] "
                           "tr[data-item='加厚棉被'] .quantity")).to_contain_text("8 床")
    assert services.stock_of(squad, item("quilt")).quantity == 4
