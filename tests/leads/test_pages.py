"""The public pages and the staff pages through HTTP."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from songnuan.leads import services
from songnuan.leads.models import Lead, LeadStatus, Outcome, TrustedReporter
from tests.leads.factories import SHINAN_STATION_SQUARE, report


def test_the_report_page_needs_no_login_and_shows_the_hotline(db, client, settings):
    page = client.get("/report/")
    assert page.status_code == 200
    html = page.content.decode()
    assert settings.RESCUE_HOTLINE in html and 'name="client_request_id"' in html
    assert "songnuan.css" not in html  # the light public stylesheet only


def test_a_report_with_a_typed_place_leads_to_its_status_page(db, client):
    response = client.post("/report/", {
        "client_request_id": "web-0000000001", "coord": "wgs84", "people_count": 2,
        "place": "海泊河杭州路桥洞", "flags": ["underdressed"], "description": "",
        "reporter_phone": "13812345678",
    })
    lead = Lead.objects.get()
    assert response.status_code == 302 and response.url.startswith(f"/report/{lead.tracking_code}/")
    assert lead.people_count == 2 and lead.flags == ["underdressed"]
    page = client.get(response.url).content.decode()
    assert lead.tracking_code in page


def test_without_any_location_the_page_says_where_to_give_one(db, client):
    response = client.post("/report/", {"client_request_id": "web-0000000002", "coord": "wgs84",
                                        "people_count": 1, "place": "", "description": ""})
    assert response.status_code == 422
    assert response.context["location_error"]
    assert not Lead.objects.exists()


def test_a_bad_phone_is_refused_at_the_phone_field(db, client):
    response = client.post("/report/", {"client_request_id": "web-0000000003", "coord": "wgs84",
                                        "people_count": 1, "place": "青岛站",
                                        "reporter_phone": "12345"})
    assert "reporter_phone" in response.context["form"].errors
    assert not Lead.objects.exists()


def test_the_status_page_follows_staff_action(cast, client):
    lead = report()
    assert client.get(f"/report/{lead.tracking_code}/").context["stage"] == "received"
    services.set_status(lead, LeadStatus.ASSIGNED, by=cast.shinan_dispatcher)
    assert client.get(f"/report/{lead.tracking_code}/").context["stage"] == "on_the_way"
    services.set_status(lead, LeadStatus.RESOLVED, by=cast.shinan_dispatcher,
                        outcome=Outcome.HELPED_TO_SITE)
    assert client.get(f"/report/{lead.tracking_code}/").context["stage"] == "helped"


def test_a_trusted_reporters_link_reports_for_their_organisation(cast, client, settings):
    settings.LEADS_IP_LIMIT = 1
    reporter = TrustedReporter(name="李师傅", phone="13900000001", kind="taxi",
                               organisation=cast.shinan_bureau)
    key = services.issue_reporter_key(reporter)
    page = client.get(f"/report/?key={key}").content.decode()
    assert "李师傅" in page
    for number in range(3):
        client.post(f"/report/?key={key}", {
            "client_request_id": f"partner-00000{number}", "coord": "wgs84",
            "people_count": 1, "place": f"出租车站{number}", "reporter_key": key})
    assert Lead.objects.filter(organisation=cast.shinan_bureau).count() == 3


def test_the_queue_is_scoped_to_the_district(cast, client):
    shinan = report()
    client.force_login(cast.laoshan_dispatcher)
    assert shinan.tracking_code not in client.get("/leads/").content.decode()
    assert client.get(f"/leads/{shinan.pk}/").status_code == 404
    client.force_login(cast.shinan_dispatcher)
    page = client.get("/leads/").content.decode()
    assert shinan.tracking_code in page


def test_the_queue_filters_by_status_and_priority(cast, client):
    calm = report()
    urgent = report(lat=SHINAN_STATION_SQUARE[0] + 0.01, flags=["child", "injured_ill"])
    client.force_login(cast.centre_dispatcher)
    page = client.get("/leads/", {"status": "open", "min_priority": 5}).content.decode()
    assert urgent.tracking_code in page and calm.tracking_code not in page
    page = client.get("/leads/", {"status": "resolved"}).content.decode()
    assert urgent.tracking_code not in page


def test_the_queue_says_who_is_in_danger(cast, client):
    report(flags=["elderly", "confused"])
    lying = report(lat=SHINAN_STATION_SQUARE[0] + 0.01, flags=["lying_down"])
    client.force_login(cast.centre_dispatcher)
    page = client.get("/leads/").content.decode()
    assert page.count("data-danger") == 1 and "有危险迹象" in page
    [row] = [row for row in page.split("<tr>") if lying.tracking_code in row]
    assert "data-danger" in row


def test_a_sign_a_reporter_only_described_is_on_the_lead_page_as_described(cast, client):
    client.post("/report/", {
        "client_request_id": "web-0000000002", "coord": "wgs84", "people_count": 1,
        "place": "海泊河杭州路桥洞", "description": "有个老大爷躺在地上，喊他没反应",
        "reporter_phone": "13812345679",
    })
    lead = Lead.objects.get()
    client.force_login(cast.centre_dispatcher)
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "+3 躺在地上（据描述）" in page and "+3 受伤或生病（据描述）" in page
    assert "有危险迹象" in page


def test_the_later_pages_of_the_queue_are_still_the_queue(cast, client):
    client.force_login(cast.centre_dispatcher)
    response = client.get("/leads/", {"page": 2})
    assert response.context["is_queue"]
    assert "status=open" in response.context["query"]


def test_all_statuses_list_works_out_priorities_in_a_fixed_few_queries(cast, client):
    client.force_login(cast.centre_dispatcher)
    report()
    client.get("/leads/", {"status": ""})  # fills the per-process caches (the city, the worker)
    with CaptureQueriesContext(connection) as one:
        client.get("/leads/", {"status": ""})
    for _ in range(6):
        report()
    with CaptureQueriesContext(connection) as seven:
        page = client.get("/leads/", {"status": ""})
    assert len(page.context["page"]) == 7
    assert all(lead.priority_now is not None for lead in page.context["page"])
    assert len(seven) == len(one)


def test_the_lead_page_explains_the_priority_and_closes_a_prank(cast, client):
    lead = report(flags=["lying_down"], reporter_phone="13812345678")
    client.force_login(cast.shinan_dispatcher)
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert "+3" in page and "138****5678" in page and "13812345678" not in page
    client.post(f"/leads/{lead.pk}/invalid/", {"reason": "回拨无人接听，现场无人", "prank": "on"})
    lead.refresh_from_db()
    assert lead.outcome == Outcome.PRANK


def test_revealing_the_reporters_phone_is_logged(cast, client):
    from songnuan.accounts.models import AuditEvent

    lead = report(reporter_phone="13812345678")
    client.force_login(cast.shinan_dispatcher)
    assert "13812345678" in client.get(f"/leads/{lead.pk}/?show_phone=1").content.decode()
    assert AuditEvent.objects.filter(action="read_sensitive", object_id=str(lead.pk)).exists()
    client.force_login(cast.shinan_viewer)
    assert "13812345678" not in client.get(f"/leads/{lead.pk}/?show_phone=1").content.decode()


def test_staff_move_a_lead_on_its_page(cast, client):
    lead = report()
    client.force_login(cast.shinan_dispatcher)
    client.post(f"/leads/{lead.pk}/status/", {"status": "en_route", "note": "二队出发"})
    lead.refresh_from_db()
    assert lead.status == LeadStatus.EN_ROUTE
    client.force_login(cast.shinan_viewer)
    assert client.post(f"/leads/{lead.pk}/status/", {"status": "on_scene"}).status_code == 404


def test_staff_link_a_missed_duplicate(cast, client):
    first = report()
    other = report(lat=SHINAN_STATION_SQUARE[0] + 0.01)
    client.force_login(cast.centre_dispatcher)
    client.post(f"/leads/{other.pk}/link/", {"tracking_code": first.tracking_code.lower()})
    other.refresh_from_db()
    assert other.duplicate_of == first and other.status == LeadStatus.DUPLICATE


def test_a_refused_action_on_the_lead_page_keeps_what_was_typed(cast, client):
    lead = report()
    client.force_login(cast.centre_dispatcher)
    typo = "sn-2612-zzzz"
    response = client.post(f"/leads/{lead.pk}/link/", {"tracking_code": typo})
    assert response.status_code == 422
    page = response.content.decode()
    assert f'value="{typo}"' in page and "没有此查询码的线索。" in page
    reason = "回拨两次无人接听，" * 60  # longer than a reason may be
    response = client.post(f"/leads/{lead.pk}/invalid/", {"reason": reason, "prank": "on"})
    assert response.status_code == 422 and reason in response.content.decode()
    lead.refresh_from_db()
    assert lead.duplicate_of is None and lead.is_open


def test_the_hotline_form_creates_a_lead_and_clears_for_the_next_call(cast, client):
    client.force_login(cast.shinan_dispatcher)
    assert client.get("/leads/hotline/").status_code == 200
    response = client.post("/leads/hotline/", {
        "caller_phone": "13812345678", "place": "青岛站东广场", "coordinates": "36.0648, 120.3135",
        "coord": "wgs84", "people_count": 1, "flags": ["elderly"], "description": "",
    })
    assert response.status_code == 302
    lead = Lead.objects.get()
    assert lead.source == "hotline" and lead.received_by == cast.shinan_dispatcher
    assert lead.district.code == "370202"


def test_the_hotline_form_wants_a_place(cast, client):
    client.force_login(cast.shinan_dispatcher)
    response = client.post("/leads/hotline/", {"coord": "wgs84", "people_count": 1})
    assert "place" in response.context["form"].errors


def test_a_viewer_cannot_take_hotline_calls(cast, client):
    client.force_login(cast.shinan_viewer)
    assert client.get("/leads/hotline/").status_code == 403


def test_a_trusted_reporter_is_added_with_a_one_time_link(cast, client):
    client.force_login(cast.city_admin)
    partner = cast.police.__class__.objects.create(name="青岛环卫集团", kind="partner")
    response = client.post("/leads/partners/new/", {
        "name": "王师傅", "phone": "13900000002", "kind": "sanitation",
        "organisation": partner.pk, "district": ""})
    assert response.status_code == 200
    link = response.context["link"]
    assert "/report/?key=" in link
    assert services.trusted_reporter_for_key(link.split("key=")[1]).name == "王师傅"


def test_the_nearby_hotspot_is_linked_only_for_those_who_may_open_it(cast, client):
    from tests.leads.factories import make_hotspot

    spot = make_hotspot()
    lead = report()
    assert lead.hotspot == spot
    link = f'href="/outreach/hotspots/{spot.pk}/"'
    client.force_login(cast.shinan_station)
    page = client.get(f"/leads/{lead.pk}/").content.decode()
    assert spot.name in page and link not in page
    client.force_login(cast.shinan_dispatcher)
    assert link in client.get(f"/leads/{lead.pk}/").content.decode()
