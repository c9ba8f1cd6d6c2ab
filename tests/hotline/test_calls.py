"""The call log: logging a call (the rules and the form keeping input), scoping, the lead form's
link."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from songnuan.hotline import services
from songnuan.hotline.models import Call, CallKind
from songnuan.leads.models import Lead, Source
from songnuan.refusals import Refused
from tests.factories import LAOSHAN, district
from tests.hotline.factories import AT, log

pytestmark = pytest.mark.django_db


def make_lead(by, code=LAOSHAN, phone="13905320000") -> Lead:
    return Lead.objects.create(source=Source.HOTLINE, place="张村河桥洞", district=district(code),
                               reporter_phone=phone, received_by=by)


def test_a_call_is_logged_in_the_operators_district_with_the_number_normalized(cast):
    call = log(cast.laoshan_dispatcher, phone="+86 138-0532-1234", kind=CallKind.ENQUIRY)
    assert call.caller_phone == "13805321234"
    assert call.district == district(LAOSHAN)
    assert call.operator == cast.laoshan_dispatcher and call.duration_s == 95


def test_a_landline_and_a_hidden_number_are_taken(cast):
    assert log(cast.laoshan_dispatcher, phone="0532-8888 1234").caller_phone == "053288881234"
    assert log(cast.laoshan_dispatcher, phone="").caller_phone == ""


@pytest.mark.parametrize(("change", "field"), [
    ({"duration": -5}, "duration_s"),
    ({"at": AT + datetime.timedelta(hours=1)}, "started_at"),
    ({"kind": "gossip"}, "kind"),
    ({"phone": "打错了"}, "caller_phone"),
])
def test_a_bad_call_is_refused_by_field_and_nothing_is_stored(cast, change, field):
    data = services.CallInput(
        started_at=change.get("at", AT), kind=change.get("kind", CallKind.REPORT),
        duration_s=change.get("duration", 60), caller_phone=change.get("phone", ""))
    with pytest.raises(Refused) as refused:
        services.log_call(data, by=cast.laoshan_dispatcher, now=AT)
    assert refused.value.field == field
    assert not Call.objects.exists()


def test_a_call_with_a_lead_takes_the_leads_district_and_number(cast):
    lead = make_lead(cast.centre_dispatcher)
    call = log(cast.centre_dispatcher, phone="", lead=lead)
    assert call.district == district(LAOSHAN) and call.caller_phone == "13905320000"


def test_a_lead_outside_the_operators_reach_is_refused(cast):
    lead = make_lead(cast.laoshan_dispatcher, code=LAOSHAN)
    with pytest.raises(Refused) as refused:
        log(cast.shinan_dispatcher, lead=lead)
    assert refused.value.field == "lead"


def test_the_call_list_shows_a_district_its_own_calls_and_the_centre_all(cast, client_for):
    laoshan = log(cast.laoshan_dispatcher, phone="13805321111", note="崂山来电")
    shinan = log(cast.shinan_dispatcher, phone="13805322222", note="市南来电")
    centre = log(cast.centre_dispatcher, phone="13805323333")
    assert centre.district is None
    page = client_for(cast.laoshan_dispatcher).get(reverse("hotline:call_list"))
    assert page.status_code == 200
    shown = {call.pk for call in page.context["calls"]}
    assert shown == {laoshan.pk}
    assert "138****1111" in page.content.decode() and "13805321111" not in page.content.decode()
    assert client_for(cast.laoshan_dispatcher).get(
        reverse("hotline:call_detail", args=[shinan.pk])).status_code == 404
    everything = client_for(cast.centre_dispatcher).get(reverse("hotline:call_list"))
    assert {call.pk for call in everything.context["calls"]} == {laoshan.pk, shinan.pk,
                                                                  centre.pk}
    assert client_for(cast.laoshan_viewer).get(reverse("hotline:call_list")).status_code == 403


def test_the_call_list_filters_by_day_kind_and_operator(cast, client_for):
    first = log(cast.centre_dispatcher, kind=CallKind.COMPLAINT)
    log(cast.centre_dispatcher, kind=CallKind.SILENT, at=AT - datetime.timedelta(days=1))
    other = log(cast.city_admin, kind=CallKind.COMPLAINT)
    client = client_for(cast.city_admin)
    url = reverse("hotline:call_list")

    def shown(**query):
        return {call.pk for call in client.get(url, query).context["calls"]}

    assert shown(day="2026-12-04", kind="complaint") == {first.pk, other.pk}
    assert shown(day="2026-12-04", operator=str(cast.centre_dispatcher.pk)) == {first.pk}


def test_the_form_keeps_the_input_on_errors_and_stores_nothing(cast, client_for):
    client = client_for(cast.laoshan_dispatcher)
    future = (timezone.localtime() + datetime.timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    page = client.post(reverse("hotline:call_new"), {
        "started_at": future, "caller_phone": "13805321234", "duration_s": "-30",
        "kind": "complaint", "note": "投诉救助站态度"})
    assert page.status_code == 200
    form = page.context["form"]
    assert set(form.errors) == {"started_at", "duration_s"}
    html = page.content.decode()
    assert 'value="13805321234"' in html and "投诉救助站态度" in html and 'value="-30"' in html
    assert re.search(r'<input[^>]*value="complaint"[^>]*checked', html)
    assert not Call.objects.exists()


def test_the_form_logs_a_call_with_the_lead_from_the_hotline_form(cast, client_for):
    lead = make_lead(cast.laoshan_dispatcher)
    client = client_for(cast.laoshan_dispatcher)
    intake = client.get(reverse("leads:hotline"), {"last": lead.pk}).content.decode()
    link = f'{reverse("hotline:call_new")}?lead={lead.pk}'
    assert link in intake
    form_page = client.get(link)
    assert lead.tracking_code in form_page.content.decode()
    started = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    done = client.post(link, {"started_at": started, "duration_s": "180", "kind": "report",
                              "lead": str(lead.pk), "note": ""})
    call = Call.objects.get()
    assert done.status_code == 302 and call.lead == lead
    assert call.caller_phone == lead.reporter_phone
