"""Roster rules and who is on duty at a moment."""

from __future__ import annotations

import datetime

import pytest

from songnuan.duty import services
from songnuan.duty.models import DutyRole, DutyShift
from songnuan.refusals import Refused
from tests.duty.factories import HANDOVER, hours, make_shift
from tests.factories import LAOSHAN, SHINAN, district


def test_the_district_leader_is_on_duty_from_the_handover_until_the_next(cast):
    shinan = district(SHINAN)
    make_shift(cast.shinan_admin, district=shinan)
    assert services.leaders_on_duty(shinan, HANDOVER) == [cast.shinan_admin]
    assert services.leaders_on_duty(shinan, HANDOVER + hours(23.99)) == [cast.shinan_admin]
    assert cast.shinan_admin not in services.leaders_on_duty(shinan, HANDOVER + hours(24))
    assert cast.shinan_admin not in services.leaders_on_duty(shinan, HANDOVER - hours(0.01))


def test_at_the_handover_the_next_leader_takes_over(cast):
    shinan = district(SHINAN)
    deputy = cast.shinan_dispatcher
    make_shift(cast.shinan_admin, district=shinan)
    make_shift(deputy, district=shinan, starts_at=HANDOVER + hours(24))
    assert services.leaders_on_duty(shinan, HANDOVER + hours(24)) == [deputy]


def test_a_district_with_nobody_falls_back_to_the_city_duty_officer(cast):
    make_shift(cast.centre_dispatcher, role=DutyRole.OFFICER)
    make_shift(cast.shinan_admin, district=district(SHINAN))
    assert services.leaders_on_duty(district(LAOSHAN), HANDOVER + hours(3)) == [
        cast.centre_dispatcher]


def test_with_no_city_officer_either_the_city_administrators_are_told(cast):
    assert services.leaders_on_duty(district(LAOSHAN), HANDOVER) == [cast.city_admin]


def test_a_shift_must_end_after_it_starts(cast):
    with pytest.raises(Refused) as refused:
        make_shift(cast.shinan_admin, district=district(SHINAN), length=0)
    assert refused.value.field == "ends_at"
    assert not DutyShift.objects.exists()


def test_two_leaders_for_the_same_district_at_once_are_refused(cast):
    shinan = district(SHINAN)
    make_shift(cast.shinan_admin, district=shinan)
    with pytest.raises(Refused) as refused:
        make_shift(cast.shinan_dispatcher, district=shinan, starts_at=HANDOVER + hours(20))
    assert "王芳" in str(refused.value)
    assert refused.value.field == "starts_at"
    assert DutyShift.objects.count() == 1


def test_a_leader_and_an_officer_may_overlap_and_shifts_may_touch(cast):
    shinan = district(SHINAN)
    make_shift(cast.shinan_admin, district=shinan)
    make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER)
    make_shift(cast.shinan_station, district=shinan, starts_at=HANDOVER + hours(24))
    assert DutyShift.objects.count() == 3


def test_the_same_leader_in_two_districts_is_not_a_clash_of_posts(cast):
    make_shift(cast.shinan_admin, district=district(SHINAN))
    make_shift(cast.laoshan_admin, district=district(LAOSHAN))
    assert services.leaders_on_duty(district(LAOSHAN), HANDOVER) == [cast.laoshan_admin]


def test_the_person_must_work_in_the_rosters_district(cast):
    with pytest.raises(Refused) as refused:
        make_shift(cast.laoshan_admin, district=district(SHINAN))
    assert refused.value.field == "user"
    with pytest.raises(Refused):
        make_shift(cast.shinan_admin)  # the city roster takes city-wide staff only
    make_shift(cast.shinan_station, district=district(SHINAN))  # through their station


def test_one_person_cannot_hold_two_shifts_at_once(cast):
    shinan = district(SHINAN)
    make_shift(cast.shinan_admin, district=shinan)
    with pytest.raises(Refused):
        make_shift(cast.shinan_admin, district=shinan, role=DutyRole.OFFICER,
                   starts_at=HANDOVER + hours(1))


def test_editing_a_shift_does_not_clash_with_itself(cast):
    shift = make_shift(cast.shinan_admin, district=district(SHINAN))
    shift.ends_at = HANDOVER + hours(12)
    services.save_shift(shift)
    shift.refresh_from_db()
    assert shift.ends_at == HANDOVER + hours(12)


def test_the_week_view_lists_a_shift_on_its_handover_day(cast):
    shinan = district(SHINAN)
    make_shift(cast.shinan_admin, district=shinan)
    make_shift(cast.shinan_dispatcher, district=shinan, starts_at=HANDOVER - hours(48))
    monday = services.week_of(HANDOVER.date())
    days = services.roster_week(DutyShift.objects.filter(district=shinan), monday)
    assert [day.day for day in days] == [monday + datetime.timedelta(days=n) for n in range(7)]
    assert [s.user for s in days[0].shifts] == [cast.shinan_dispatcher]  # began on Sunday
    assert [s.user for s in days[1].shifts] == [cast.shinan_admin]
    assert not any(day.shifts for day in days[2:])
