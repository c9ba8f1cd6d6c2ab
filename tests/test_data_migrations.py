"""Data migrations, tried on rows written as they were before each of them.

Moving the schema back and forth is the slow part (Django renders every model again for each
step), so the test database goes back once, to the oldest schema any of these migrations starts
from; the rows each migration will find are written there; then the database goes forward, and
each migration's rows are checked where it leaves them."""

from __future__ import annotations

import datetime

import pytest

from songnuan.linkage.idnumber import with_check
from songnuan.people import crypto
from songnuan.people.models import Person, PersonMerge
from songnuan.tracing.models import MissingReport
from tests.factories import ensure_districts
from tests.migrating import migrate, migrate_to_latest
from tests.people.factories import id_number
from tests.people.test_id_number_digits import plaintext_of

# Outreach before the supplies ledger, people before the ID number was kept only encrypted,
# tracing before a report's ID number was encrypted.
BEFORE = [("outreach", "0002_squads_tasks_encounters"), ("people", "0001_initial"),
          ("tracing", "0003_report_external_id")]
# The supplies ledger is checked right after its own migration: later ones change its tables.
LEDGER = [("outreach", "0003_encounter_people_outcomes_and_supply_ledger"),
          ("people", "0001_initial"), ("tracing", "0003_report_external_id")]
PERSON_NUMBER = id_number("370212", "19580512")
REPORT_NUMBER = with_check("37290119680315001")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("latest_schema_after")
def test_rows_written_before_each_data_migration_come_through_it():
    ensure_districts()  # an earlier transactional test may have flushed them
    old = migrate(BEFORE)
    supplies = write_supplies_as_a_list(old)
    people = write_people_with_plain_id_numbers(old)
    write_a_report_with_a_plain_id_number(old)

    check_supplies_became_ledger_rows(migrate(LEDGER), *supplies)
    migrate_to_latest()
    check_people_keep_no_digits_in_plain(*people)
    check_the_report_number_is_encrypted()


def write_supplies_as_a_list(old):
    district = old.get_model("network", "District").objects.get(code="370202")
    squad = old.get_model("outreach", "Squad").objects.create(
        name="市南区救助一队", district=district, base_lat=36.07, base_lon=120.32)
    person = old.get_model("people", "Person").objects.create(
        self_name="老李", sex="M", district=district)
    encounter = old.get_model("outreach", "Encounter").objects.create(
        client_request_id="legacy-1", squad=squad, district=district, lat=36.07, lon=120.32,
        outcome="refused", supplies=["coat", "food", "unknown"], contact_card_left=True)
    old.get_model("outreach", "EncounterPerson").objects.create(encounter=encounter,
                                                                 person=person)
    return squad, person, encounter


def check_supplies_became_ledger_rows(new, squad, person, encounter):
    met = new.get_model("outreach", "EncounterPerson").objects.get()
    assert met.outcome == "refused"
    Movement = new.get_model("supplies", "Movement")
    issued = Movement.objects.filter(kind="issue", encounter_id=encounter.pk)
    assert sorted(issued.values_list("stock__item__name", flat=True)) == ["方便食品", "棉大衣"]
    assert set(issued.values_list("person_id", flat=True)) == {person.pk}
    for stock in new.get_model("supplies", "Stock").objects.all():
        assert stock.squad_id == squad.pk and stock.quantity == 0
        assert sum(stock.movements.values_list("change", flat=True)) == 0


def write_people_with_plain_id_numbers(old):
    OldPerson = old.get_model("people", "Person")
    numbered = OldPerson.objects.create(
        name="刘德明", sex="M", birth_date=datetime.date(1958, 5, 12), birth_year=1958,
        id_number_cipher=crypto.encrypt(PERSON_NUMBER),
        id_number_digest=crypto.keyed_hash(PERSON_NUMBER), id_region="山东省青岛市崂山区")
    other = OldPerson.objects.create(name="孙桂兰", sex="F", birth_date=datetime.date(1950, 3, 2),
                                     birth_year=1950)
    merge = old.get_model("people", "PersonMerge").objects.create(
        survivor=numbered, absorbed=other, reason="同一人",
        filled={"id_region": ["", "山东省青岛市崂山区"], "birth_date": [None, "1958-05-12"],
                "dialect": ["", "胶东话"]})
    return numbered, other, merge


def check_people_keep_no_digits_in_plain(numbered, other, merge):
    migrated = Person.objects.get(pk=numbered.pk)
    assert migrated.birth_date is None and migrated.birth_year == 1958
    assert migrated.id_number() == PERSON_NUMBER
    assert migrated.id_region() == "山东省青岛市崂山区"
    for secret in ("370212", "19580512", "1958-05-12", "崂山区"):
        assert secret not in plaintext_of(migrated)
    assert Person.objects.get(pk=other.pk).birth_date == datetime.date(1950, 3, 2)
    assert PersonMerge.objects.get(pk=merge.pk).filled == {"dialect": ["", "胶东话"]}


def write_a_report_with_a_plain_id_number(old):
    district = old.get_model("network", "District").objects.get(code="370212")
    old.get_model("tracing", "MissingReport").objects.create(
        reference="XR202611290001", name="王秀英", id_number=REPORT_NUMBER,
        reporter_name="王建军", reporter_phone="13963952211", district_id=district.pk)


def check_the_report_number_is_encrypted():
    report = MissingReport.objects.get(reference="XR202611290001")
    assert report.id_number() == REPORT_NUMBER
    assert report.id_number_digest == crypto.keyed_hash(REPORT_NUMBER)
