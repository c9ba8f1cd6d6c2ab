"""Who is on duty now: the page and the API, each scoped to the caller's districts."""

from __future__ import annotations

from django.urls import reverse

from songnuan.duty.models import DutyRole
from tests.duty.factories import on_duty_around_now
from tests.factories import LAOSHAN, SHINAN, district
from tests.outreach.factories import make_squad


def _roster(cast):
    cast.shinan_admin.phone = "13800138001"
    cast.shinan_admin.save()
    cast.shinan_dispatcher.phone = "13800138002"
    cast.shinan_dispatcher.save()
    cast.laoshan_admin.phone = "13900139001"
    cast.laoshan_admin.save()
    on_duty_around_now(cast.shinan_admin, district=district(SHINAN))
    on_duty_around_now(cast.shinan_dispatcher, district=district(SHINAN), role=DutyRole.OFFICER)
    on_duty_around_now(cast.laoshan_admin, district=district(LAOSHAN))
    squad = make_squad("市南区救助一队")
    squad.phone = "13700137001"
    squad.save()
    make_squad("市南区救助二队", on_shift=False)


def test_a_patroller_sees_their_districts_desk_with_tap_to_call(cast, client):
    _roster(cast)
    client.force_login(cast.shinan_patroller)
    page = client.get(reverse("duty:now")).content.decode()
    assert "当前值班" in page and "市南区" in page
    assert 'href="tel:13800138001"' in page and 'href="tel:13800138002"' in page
    assert "王芳" in page and "李伟" in page
    # The squads on shift too, from outreach; the one out of service is not on shift.
    assert "市南区救助一队" in page and 'href="tel:13700137001"' in page
    assert "市南区救助二队" not in page
    assert "崂山区" not in page and "13900139001" not in page


def test_a_district_without_a_duty_officer_says_nobody(cast, client):
    _roster(cast)
    client.force_login(cast.laoshan_patroller)
    page = client.get(reverse("duty:now")).content.decode()
    assert 'href="tel:13900139001"' in page
    assert "值班表上无人" in page
    assert "市南区" not in page


def test_the_city_administrator_sees_every_district(cast, client):
    _roster(cast)
    client.force_login(cast.city_admin)
    page = client.get(reverse("duty:now")).content.decode()
    assert "13800138001" in page and "13900139001" in page


def test_signed_out_visitors_are_sent_to_sign_in(client):
    response = client.get(reverse("duty:now"))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_api_answers_the_callers_districts_only(cast, api_for):
    _roster(cast)
    response = api_for(cast.shinan_patroller).get("/api/v1/duty/now")
    assert response.status_code == 200
    assert response.json() == [{
        "district_code": SHINAN, "district": "市南区",
        "leaders_on_duty": [{"id": cast.shinan_admin.pk, "name": "王芳",
                             "phone": "13800138001"}],
        "duty_officers": [{"id": cast.shinan_dispatcher.pk, "name": "李伟",
                           "phone": "13800138002"}],
        "squads_on_shift": [{"name": "市南区救助一队", "status": "在岗",
                             "phone": "13700137001"}],
    }]


def test_the_api_gives_the_city_every_district_and_needs_a_token(cast, api_for, client):
    _roster(cast)
    rows = api_for(cast.city_admin).get("/api/v1/duty/now").json()
    by_code = {row["district_code"]: row for row in rows}
    assert by_code[LAOSHAN]["leaders_on_duty"][0]["phone"] == "13900139001"
    assert by_code[LAOSHAN]["duty_officers"] == []
    assert client.get("/api/v1/duty/now").status_code == 401
