"""Warming visits feed the seat count; "full" is derived from the occupancy interface."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from songnuan.network import occupancy, services
from songnuan.network.models import SiteLevel, WarmingVisit
from tests.factories import make_site


@pytest.fixture
def point(cast):
    return make_site("暖心小站", level=SiteLevel.RELIEF_POINT, parent=cast.shinan_substation,
                     seats=3)


def test_check_ins_and_outs_count_the_seats_in_use(point):
    assert services.check_in(point, 2) == 2
    assert occupancy.seats_in_use([point.pk]) == {point.pk: 2}
    assert services.check_out(point) == 1


def test_a_site_is_full_when_every_seat_is_taken(point):
    services.check_in(point, 3)
    assert services.loads([point])[point.pk].is_full
    assert services.shown_status(point, services.loads([point])[point.pk]) == "full"
    assert point.status == "open"  # full is derived, never stored


def test_a_bed_source_counts_towards_full(cast, monkeypatch):
    station = make_site("满员分站", parent=cast.central, seats=0, beds=2)
    monkeypatch.setattr(occupancy, "_bed_sources",
                        [lambda ids: {station.pk: 2} if station.pk in ids else {}])
    assert services.loads([station])[station.pk].is_full


def test_checking_out_more_people_than_are_in_is_refused(point, english):
    services.check_in(point, 1)
    with pytest.raises(ValidationError, match="Only 1"):
        services.check_out(point, 2)
    assert occupancy.seats_in_use([point.pk])[point.pk] == 1


def test_a_forgotten_check_in_stops_counting_after_a_while(point):
    WarmingVisit.objects.create(site=point, arrived_at=timezone.now() - datetime.timedelta(
        hours=services.VISIT_STALE_HOURS + 1))
    assert occupancy.seats_in_use([point.pk])[point.pk] == 0


def test_a_closed_site_takes_no_check_ins(point):
    point.status = "closed"
    with pytest.raises(ValidationError):
        services.check_in(point)


def test_staff_check_people_in_from_the_site_page(cast, client):
    client.force_login(cast.shinan_relief)
    url = f"/network/sites/{cast.shinan_point.pk}/visits/"
    response = client.post(url, {"direction": "in", "count": 4}, follow=True)
    assert response.status_code == 200
    assert occupancy.seats_in_use([cast.shinan_point.pk])[cast.shinan_point.pk] == 4


def test_the_api_records_visits_within_the_users_scope(cast, api_for):
    api = api_for(cast.shinan_relief)
    response = api.post(f"/api/v1/sites/{cast.shinan_point.pk}/visits",
                        {"direction": "in", "count": 2})
    assert response.status_code == 200 and response.json()["seats_in_use"] == 2
    outside = api.post(f"/api/v1/sites/{cast.laoshan_point.pk}/visits",
                       {"direction": "in", "count": 1})
    assert outside.status_code == 404
    assert not WarmingVisit.objects.filter(site=cast.laoshan_point).exists()
