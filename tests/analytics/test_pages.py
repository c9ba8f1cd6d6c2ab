"""The analytics pages and exports at the HTTP boundary: who may see them, and how far."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from songnuan.outreach.models import EncounterOutcome as O
from tests.analytics.factories import encounter, lead, person
from tests.factories import LAOSHAN, SHINAN, district
from tests.outreach.factories import make_squad

WEEK = {"first": "2027-01-11", "last": "2027-01-17"}


def _two_districts():
    lead("2027-01-11 23:30", SHINAN)
    lead("2027-01-12 01:30", LAOSHAN)
    lead("2027-01-13 22:00", LAOSHAN)


def test_a_district_manager_sees_only_their_district(cast, client_for):
    _two_districts()

    page = client_for(cast.shinan_admin).get(reverse("analytics:when"), WEEK)

    assert page.status_code == 200
    assert page.context["leads_grid"].total == 1
    assert [name for _pk, name in page.context["form"].fields["district"].widget.choices
            if _pk] == ["市南区"]


def test_the_city_administrator_sees_every_district(cast, client_for):
    _two_districts()

    page = client_for(cast.city_admin).get(reverse("analytics:when"), WEEK)

    assert page.context["leads_grid"].total == 3


def test_asking_for_a_district_not_covered_is_refused_by_name(cast, client_for):
    _two_districts()
    laoshan = {**WEEK, "district": district(LAOSHAN).pk}
    client = client_for(cast.shinan_admin)

    for name in ("analytics:when", "analytics:when_export", "analytics:where",
                 "analytics:where_export", "analytics:rows"):
        answer = client.get(reverse(name), laoshan | {"figure": "leads_grid", "cell": "0-1"})
        assert answer.status_code == 400, name
        assert answer["Content-Type"].startswith("text/html")
        assert "崂山区" in answer.content.decode()
        assert answer.context["form"].data["district"] == str(district(LAOSHAN).pk)


def test_a_role_without_analytics_gets_no_page(cast, client_for):
    for user in (cast.shinan_patroller, cast.shinan_dispatcher, cast.police_liaison):
        assert client_for(user).get(reverse("analytics:when")).status_code == 403
        assert client_for(user).get(reverse("analytics:where_export")).status_code == 403


def test_bad_dates_keep_the_input_and_say_why(cast, client_for):
    answer = client_for(cast.city_admin).get(reverse("analytics:when"),
                                             {"first": "2027-02-01", "last": "2027-01-01"})

    assert answer.status_code == 400
    assert answer.context["form"].errors["first"]
    assert 'value="2027-02-01"' in answer.content.decode()


def test_the_export_holds_each_figure_of_the_page(cast, client_for):
    _two_districts()

    answer = client_for(cast.shinan_admin).get(reverse("analytics:when_export"), WEEK)

    assert answer["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(answer.content))
    assert len(book.sheetnames) == 8
    hours = book.worksheets[1]
    values = {(row[0], i): n for row in hours.iter_rows(min_row=2, values_only=True)
              for i, n in enumerate(row[1:]) if n}
    assert values == {("23:00", 0): 1}  # Shinan's one lead; Laoshan's are not there
    cover = book.worksheets[0]
    assert cover["B4"].value == "市南区"


def test_a_grid_cell_opens_to_its_leads_and_exports_them(cast, client_for):
    late = lead("2027-01-12 01:30", SHINAN)
    lead("2027-01-12 02:30", SHINAN)
    client = client_for(cast.shinan_admin)
    cell = WEEK | {"figure": "leads_grid", "cell": "0-1"}

    page = client.get(reverse("analytics:rows"), cell)
    sheet = client.get(reverse("analytics:rows"), cell | {"format": "xlsx"})

    assert list(page.context["page"]) == [late]
    assert late.tracking_code in page.content.decode()
    book = load_workbook(io.BytesIO(sheet.content))
    assert [row[0] for row in book.worksheets[1].iter_rows(min_row=2, values_only=True)] == [
        late.tracking_code]


def test_the_rows_never_reach_beyond_the_users_districts(cast, client_for):
    squad = make_squad(district_code=LAOSHAN)
    encounter(squad, "2027-01-12 01:00", O.REFUSED, [(person("钱一", LAOSHAN), O.REFUSED)],
              code=LAOSHAN)

    page = client_for(cast.shinan_admin).get(
        reverse("analytics:rows"), WEEK | {"figure": "outcome", "cell": "refused_nothing"})

    assert page.status_code == 200
    assert page.context["page"].paginator.count == 0


def test_the_menu_offers_analytics_to_those_who_may_see_it(cast, client_for):
    assert reverse("analytics:when") in client_for(cast.shinan_viewer).get("/").content.decode()
    assert reverse("analytics:when") not in client_for(
        cast.shinan_patroller).get("/").content.decode()


def test_a_long_list_of_rows_is_paged_keeping_the_cell(cast, client_for):
    for minute in range(101):
        lead(f"2027-01-11 23:{minute % 60:02d}", SHINAN)
    client = client_for(cast.shinan_admin)
    cell = WEEK | {"figure": "leads_grid", "cell": "0-23"}

    first = client.get(reverse("analytics:rows"), cell)
    second = client.get(reverse("analytics:rows"), cell | {"page": 2})

    assert first.context["page"].paginator.count == 101
    assert "figure=leads_grid&amp;cell=0-23&amp;page=2" in first.content.decode()
    assert len(second.context["page"]) == 1
