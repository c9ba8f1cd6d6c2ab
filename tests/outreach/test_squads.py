"""Squads, members and shifts: the overlap rules, and the management pages with their scoping."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from songnuan.outreach import squads
from songnuan.outreach.models import Agency, Shift, Squad, SquadMember
from songnuan.refusals import Refused
from tests.outreach.factories import make_squad

pytestmark = pytest.mark.django_db
HOUR = datetime.timedelta(hours=1)


def tomorrow_evening() -> datetime.datetime:
    day = timezone.localdate() + datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(18)))


def test_a_squad_cannot_have_two_overlapping_shifts():
    squad = make_squad("市南一队")
    start = tomorrow_evening()
    squads.add_shift(squad, start, start + 12 * HOUR)
    with pytest.raises(Refused, match="already works") as refused:
        squads.add_shift(squad, start + 11 * HOUR, start + 20 * HOUR)
    assert refused.value.field == "starts_at"
    squads.add_shift(squad, start + 12 * HOUR, start + 20 * HOUR)  # back to back is fine
    assert squad.shifts.filter(starts_at__gte=start).count() == 2


def test_a_member_cannot_work_two_squads_shifts_at_once(cast):
    first = make_squad("一队", members=[cast.shinan_patroller])
    second = make_squad("二队", members=[cast.shinan_patroller])
    start = tomorrow_evening()
    squads.add_shift(first, start, start + 12 * HOUR)
    with pytest.raises(Refused, match="works 一队's shift"):
        squads.add_shift(second, start + 2 * HOUR, start + 8 * HOUR)
    assert not second.shifts.filter(starts_at__gte=start).exists()


def test_a_member_already_on_another_squads_coming_shift_cannot_join(cast):
    first = make_squad("一队", members=[cast.shinan_patroller])
    second = make_squad("二队")
    start = tomorrow_evening()
    squads.add_shift(first, start, start + 12 * HOUR)
    squads.add_shift(second, start + HOUR, start + 10 * HOUR)
    with pytest.raises(Refused) as refused:
        squads.add_member(second, cast.shinan_patroller, Agency.POLICE)
    assert refused.value.field == "user"
    assert not SquadMember.objects.filter(squad=second, user=cast.shinan_patroller).exists()


def test_a_shift_must_end_after_it_starts_and_last_at_most_16_hours():
    squad = make_squad()
    start = tomorrow_evening()
    with pytest.raises(Refused, match="end after"):
        squads.add_shift(squad, start, start)
    with pytest.raises(Refused, match="16 hours"):
        squads.add_shift(squad, start, start + 17 * HOUR)


def test_the_week_lists_each_days_shifts():
    squad = make_squad()
    start = tomorrow_evening()
    squads.add_shift(squad, start, start + 12 * HOUR)
    week = dict(squads.week_schedule(squad, squads.week_of(start.date())))
    assert [s.starts_at for s in week[timezone.localtime(start).date()]] == [start]
    assert len(week) == 7


# ------------------------------------------------------------------ pages

def test_a_dispatcher_creates_a_squad_in_their_district(cast, client_for):
    response = client_for(cast.shinan_dispatcher).post(reverse("outreach:squad_new"), {
        "name": "市南夜巡三队", "district": cast.shinan_dispatcher.district_id,
        "vehicle": "鲁B·J2266", "phone": "0532-82861234", "base_lat": 36.0662,
        "base_lon": 120.3830, "capacity": 3, "duty_status": "on_duty", "is_active": "on"})
    squad = Squad.objects.get(name="市南夜巡三队")
    assert response.status_code == 302 and squad.vehicle == "鲁B·J2266"


def test_a_squad_based_outside_its_district_is_refused_at_the_field(cast, client_for):
    response = client_for(cast.shinan_dispatcher).post(reverse("outreach:squad_new"), {
        "name": "错位队", "district": cast.shinan_dispatcher.district_id, "base_lat": 36.1040,
        "base_lon": 120.4680, "capacity": 3})
    assert response.status_code == 422
    assert "The base is not in the squad" in response.content.decode()
    assert not Squad.objects.filter(name="错位队").exists()


def test_a_dispatcher_cannot_create_a_squad_in_another_district(cast, client_for):
    laoshan = cast.laoshan_dispatcher.district_id
    response = client_for(cast.shinan_dispatcher).post(reverse("outreach:squad_new"), {
        "name": "越界队", "district": laoshan, "base_lat": 36.1040, "base_lon": 120.4680,
        "capacity": 3})
    assert response.status_code == 422
    assert not Squad.objects.filter(name="越界队").exists()


def test_a_laoshan_dispatcher_cannot_open_a_shinan_squad(cast, client_for):
    squad = make_squad("市南一队")
    client = client_for(cast.laoshan_dispatcher)
    assert client.get(reverse("outreach:squad_detail", args=[squad.pk])).status_code == 404
    assert "市南一队" not in client.get(reverse("outreach:squad_list")).content.decode()


def test_a_patroller_cannot_manage_squads(cast, client_for):
    response = client_for(cast.shinan_patroller).get(reverse("outreach:squad_list"))
    assert response.status_code == 403


def test_the_page_adds_a_member_and_a_shift_and_refuses_an_overlap(cast, client_for):
    squad = make_squad("市南一队")
    client = client_for(cast.shinan_admin)
    url = reverse("outreach:squad_detail", args=[squad.pk])
    added = client.post(url, {"action": "member", "user": cast.shinan_patroller.pk,
                              "agency": Agency.POLICE, "is_leader": "on"})
    assert added.status_code == 302
    assert squad.members.get().agency == Agency.POLICE
    start = tomorrow_evening()
    fmt = "%Y-%m-%dT%H:%M"
    local = timezone.localtime(start)
    ok = client.post(url, {"action": "shift", "starts_at": local.strftime(fmt),
                           "ends_at": (local + 12 * HOUR).strftime(fmt)})
    assert ok.status_code == 302
    clash = client.post(url, {"action": "shift", "starts_at": (local + HOUR).strftime(fmt),
                              "ends_at": (local + 5 * HOUR).strftime(fmt)})
    assert clash.status_code == 422
    assert "already works" in clash.content.decode()
    assert Shift.objects.filter(squad=squad, starts_at__gte=start).count() == 1


def test_a_member_from_another_district_is_not_offered(cast, client_for):
    squad = make_squad("市南一队")
    response = client_for(cast.shinan_admin).post(
        reverse("outreach:squad_detail", args=[squad.pk]),
        {"action": "member", "user": cast.laoshan_patroller.pk, "agency": Agency.HEALTH})
    assert response.status_code == 422
    assert not squad.members.exists()
