"""Leads that only name a place: located from the gazetteer at intake, or by staff later."""

from __future__ import annotations

import uuid

import pytest
from django.utils import translation

from songnuan.leads import services
from songnuan.leads.models import Lead, LeadStatus, Source
from songnuan.places.models import Place
from songnuan.refusals import Refused
from tests.factories import LAOSHAN, SHINAN, district
from tests.leads.factories import make_hotspot

UNDERPASS = "台东步行街东口地下通道"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def typed(place: str, **fields) -> Lead:
    fields.setdefault("source", Source.PUBLIC_API)
    lead, _created = services.submit_lead(services.LeadInput(
        place=place, client_request_id=uuid.uuid4().hex, **fields))
    return lead


def test_a_report_with_only_a_typed_place_gets_its_coordinates_and_district(gazetteer):
    hotspot = make_hotspot("台东三路地下通道", lat=36.0841, lon=120.3547)
    lead = typed("台东步行街东口的地下通道附近")
    place = Place.objects.get(name=UNDERPASS)
    assert (lead.lat, lead.lon) == (place.lat, place.lon)
    assert lead.location_source == "gazetteer"
    assert lead.district.name == "市北区"
    assert lead.hotspot == hotspot
    assert lead.status == LeadStatus.TRIAGED


def test_a_typo_in_the_typed_place_still_locates_the_report(gazetteer):
    lead = typed("台东步行街东口地下通到")
    assert lead.has_location and lead.location_source == "gazetteer"


def test_an_ambiguous_place_gets_no_coordinates(gazetteer):
    lead = typed("地下通道")
    assert not lead.has_location
    assert lead.location_source == "place"
    assert lead.district is None
    assert lead.status == LeadStatus.RECEIVED


def test_an_unknown_place_keeps_the_district_its_text_names(gazetteer):
    lead = typed("市南区一个公交站的候车亭")
    assert not lead.has_location
    assert lead.district == district(SHINAN)
    assert lead.status == LeadStatus.TRIAGED


def test_the_operators_district_wins_over_the_text_and_limits_the_search(cast, gazetteer):
    lead = typed("崂山区那边的地下通道", source=Source.HOTLINE, received_by=cast.shinan_dispatcher,
                 district_id=district(SHINAN).pk)
    assert not lead.has_location and lead.district == district(SHINAN)
    located = typed("五四广场", source=Source.HOTLINE, received_by=cast.shinan_dispatcher,
                    district_id=district(SHINAN).pk)
    assert located.has_location and located.district == district(SHINAN)


def test_given_coordinates_win_over_the_typed_place(gazetteer):
    lead = typed(UNDERPASS, lat=36.0617, lon=120.3842)
    assert lead.location_source == "given" and lead.district == district(SHINAN)


# ---------------------------------------------------------------------------------------------
# Staff set the place


def test_staff_put_a_lead_at_a_pin_and_the_history_says_so(cast, gazetteer):
    lead = typed("地下通道")
    lead = services.set_location(lead, 36.1160, 120.4560, by=cast.laoshan_dispatcher,
                                 source="pin")
    assert (lead.lat, lead.lon) == (36.1160, 120.4560)
    assert lead.district == district(LAOSHAN)
    assert lead.location_source == "pin"
    assert lead.status == LeadStatus.TRIAGED
    step = lead.history.last()
    assert step.by == cast.laoshan_dispatcher
    assert "地图标注" in step.note and "崂山区" in step.note  # in the bureau's language
    assert lead.priority == sum(reason["points"] for reason in lead.priority_reasons)


def test_a_gcj02_point_is_stored_in_wgs84(cast, gazetteer):
    lead = services.set_location(typed("地下通道"), 36.0612, 120.3896,
                                 by=cast.city_admin, source="coordinates", coord="gcj02")
    assert lead.lat == pytest.approx(36.0617, abs=0.001)
    assert lead.lon == pytest.approx(120.3842, abs=0.001)


def test_a_pin_outside_the_city_is_refused_and_nothing_changes(cast, gazetteer):
    lead = typed("地下通道")
    with pytest.raises(Refused) as refused:
        services.set_location(lead, 39.9087, 116.3975, by=cast.city_admin, source="pin")
    assert refused.value.field == "lat"
    assert "outside Qingdao" in refused.value.message
    lead.refresh_from_db()
    assert not lead.has_location and lead.history.count() == 1


def test_coordinates_no_place_can_have_are_refused_on_the_latitude(cast, gazetteer):
    with pytest.raises(Refused) as refused:
        services.set_location(typed("地下通道"), 120.3842, 36.0617, by=cast.city_admin,
                              source="pin")
    assert refused.value.field == "lat"


def test_a_resolved_lead_keeps_its_place(cast, gazetteer):
    lead = typed("五四广场")
    services.mark_invalid(lead, reason="重复来电", by=cast.city_admin)
    with pytest.raises(Refused):
        services.set_location(lead, 36.0644, 120.3128, by=cast.city_admin, source="pin")


def test_a_lead_placed_by_staff_is_linked_to_the_open_leads_around_it(cast, gazetteer):
    """Placed later, a lead is set beside its neighbours as if its caller had said where: the
    board shows them together and one squad may take both."""
    neighbour = typed("", lat=36.1161, lon=120.4561, description="一个老大爷躺着")
    far = typed("", lat=36.1300, lon=120.4700, description="一个老大爷躺着")
    lead = typed("地下通道", description="有个年轻女的坐在台阶上")
    services.set_location(lead, 36.1160, 120.4560, by=cast.laoshan_dispatcher, source="pin")
    assert services.nearby_leads([lead.pk]) == {lead.pk: [neighbour.pk]}
    link = lead.nearby_links.get()
    assert 10 < link.distance_m < 20 and link.probability is not None
    assert far.pk not in services.nearby_leads([far.pk]).get(far.pk, [])
    # Nothing is merged: staff placed it, and link it to the same people themselves.
    lead.refresh_from_db()
    assert lead.status == LeadStatus.TRIAGED and lead.duplicate_of is None


def test_a_lead_is_linked_once_to_each_neighbour_however_often_it_is_placed(cast, gazetteer):
    neighbour = typed("", lat=36.1161, lon=120.4561, description="一个老大爷躺着")
    lead = typed("", lat=36.1162, lon=120.4562, description="有个年轻女的坐在台阶上")
    assert services.nearby_leads([lead.pk]) == {lead.pk: [neighbour.pk]}  # linked at intake
    for lat in (36.1160, 36.1159):
        services.set_location(lead, lat, 120.4560, by=cast.laoshan_dispatcher, source="pin")
    assert services.nearby_leads([lead.pk]) == {lead.pk: [neighbour.pk]}
    links = services.nearby_of(lead)
    assert [other.pk for other in links] == [neighbour.pk]


def test_a_lead_placed_beside_a_closed_one_is_not_linked_to_it(cast, gazetteer):
    closed = typed("", lat=36.1161, lon=120.4561)
    services.mark_invalid(closed, reason="恶作剧", by=cast.city_admin)
    lead = services.set_location(typed("地下通道"), 36.1160, 120.4560,
                                 by=cast.laoshan_dispatcher, source="pin")
    assert services.nearby_of(lead) == []
