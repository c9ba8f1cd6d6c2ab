"""The key-information ledger: who a district must keep an eye on, and its filed shape."""

from __future__ import annotations

import io

from django.urls import reverse
from django.utils import translation
from openpyxl import load_workbook

from songnuan.analytics.ledger import ledger
from songnuan.outreach.models import EncounterOutcome as O
from songnuan.outreach.models import FollowUp
from songnuan.people.models import Person, RiskLevel, Status
from tests.analytics.factories import STATION, at, encounter, person
from tests.factories import LAOSHAN, SHINAN, district
from tests.outreach.factories import make_squad


def _with(someone: Person, **fields) -> Person:
    # Set past the portrait's own bookkeeping: these tests are about who the ledger lists.
    Person.objects.filter(pk=someone.pk).update(**fields)
    someone.refresh_from_db()
    return someone


def _cast_of_people():
    squad = make_squad()
    critical = _with(person("张大爷"), risk_level=RiskLevel.CRITICAL)
    refuser = person("李四")
    for when in ("2027-01-11 23:00", "2027-01-13 23:30"):
        met = encounter(squad, when, O.REFUSED, [(refuser, O.REFUSED)])
    FollowUp.objects.create(person=refuser, encounter=met, district=district(SHINAN),
                            lat=STATION[0], lon=STATION[1], due_at=at("2027-01-14 21:00"))
    stranded = _with(person("王五"), categories=["robbed"])
    unknown = Person.objects.create(alias="栈桥老人", district=district(SHINAN))
    person("赵六")  # low risk, named, never refused: not on the ledger
    _with(person("孙七"), risk_level=RiskLevel.HIGH, status=Status.RETURNED_HOME)  # safe now
    _with(person("周八", LAOSHAN), risk_level=RiskLevel.HIGH)  # another district's
    return critical, refuser, stranded, unknown


def test_it_lists_who_needs_watching_with_reasons_contact_and_follow_up(cast):
    critical, refuser, stranded, unknown = _cast_of_people()

    with translation.override("zh-hans"):
        entries = ledger(cast.shinan_admin, {district(SHINAN).pk})

    assert {e.person for e in entries} == {critical, refuser, stranded, unknown}
    assert entries[0].person == critical
    by_person = {e.person: e for e in entries}
    assert by_person[refuser].reasons == ["拒绝救助 2 次"]
    assert by_person[refuser].last_contact == at("2027-01-13 23:30")
    assert by_person[refuser].next_follow_up == at("2027-01-14 21:00")
    assert by_person[unknown].reasons == ["身份未查明"]
    assert by_person[stranded].last_contact is None


def test_the_ledger_exports_as_a_numbered_table_and_stays_in_the_district(cast, client_for):
    _cast_of_people()
    client = client_for(cast.shinan_admin)

    answer = client.get(reverse("analytics:ledger"), {"format": "xlsx"})
    refused = client.get(reverse("analytics:ledger"),
                         {"district": district(LAOSHAN).pk, "format": "xlsx"})

    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert "市南区" in sheet["A1"].value
    body = list(sheet.iter_rows(min_row=4, values_only=True))
    assert [row[0] for row in body] == [1, 2, 3, 4]
    assert "周八" not in {row[1] for row in body}
    assert refused.status_code == 400 and "崂山区" in refused.content.decode()


def test_the_ledger_page_shows_the_district_and_is_closed_to_patrollers(cast, client_for):
    critical, *_others = _cast_of_people()

    page = client_for(cast.shinan_viewer).get(reverse("analytics:ledger"))

    assert page.status_code == 200
    assert list(page.context["entries"])[0].person == critical
    assert "张大爷" in page.content.decode()
    assert client_for(cast.shinan_patroller).get(reverse("analytics:ledger")).status_code == 403
