"""Supplies recorded as a JSON list before the ledger move into it, and nothing is lost."""

from __future__ import annotations

import pytest

from tests.factories import ensure_districts
from tests.migrating import migrate

# People as they were then too: later people migrations change the table these rows go into.
THEN = ("people", "0001_initial")
BEFORE = [("outreach", "0002_squads_tasks_encounters"), THEN]
AFTER = [("outreach", "0003_encounter_people_outcomes_and_supply_ledger"), THEN]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_old_supplies_become_ledger_rows_that_leave_the_squads_stock_unchanged():
    ensure_districts()  # an earlier transactional test may have flushed them
    old = migrate(BEFORE)
    District = old.get_model("network", "District")
    district = District.objects.get(code="370202")
    squad = old.get_model("outreach", "Squad").objects.create(
        name="市南区救助一队", district=district, base_lat=36.07, base_lon=120.32)
    person = old.get_model("people", "Person").objects.create(
        self_name="老李", sex="M", district=district)
    encounter = old.get_model("outreach", "Encounter").objects.create(
        client_request_id="legacy-1", squad=squad, district=district, lat=36.07, lon=120.32,
        outcome="refused", supplies=["coat", "food", "unknown"], contact_card_left=True)
    old.get_model("outreach", "EncounterPerson").objects.create(encounter=encounter,
                                                                 person=person)
    new = migrate(AFTER)
    met = new.get_model("outreach", "EncounterPerson").objects.get()
    assert met.outcome == "refused"
    Movement = new.get_model("supplies", "Movement")
    issued = Movement.objects.filter(kind="issue", encounter_id=encounter.pk)
    assert sorted(issued.values_list("stock__item__name", flat=True)) == ["方便食品", "棉大衣"]
    assert set(issued.values_list("person_id", flat=True)) == {person.pk}
    for stock in new.get_model("supplies", "Stock").objects.all():
        assert stock.squad_id == squad.pk and stock.quantity == 0
        assert sum(stock.movements.values_list("change", flat=True)) == 0
