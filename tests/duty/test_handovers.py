"""Handovers: written by someone on the scope's roster at the change of shift, acknowledged once
by someone of the next shift, and seen only within the scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.duty import handovers
from songnuan.duty.models import DutyRole, Handover
from songnuan.refusals import Conflict, Refused
from tests.duty.factories import HANDOVER, hours, make_shift, on_duty_around_now
from tests.factories import LAOSHAN, district

NEXT_MORNING = HANDOVER + hours(24)


@pytest.fixture
def two_shifts(cast):
    laoshan = district(LAOSHAN)
    make_shift(cast.laoshan_dispatcher, district=laoshan, role=DutyRole.OFFICER)
    make_shift(cast.laoshan_station, district=laoshan, role=DutyRole.OFFICER,
               starts_at=NEXT_MORNING)
    return cast


def write(by, at=NEXT_MORNING, **parts):
    parts = parts or {"open_leads": "QD1234 张村河桥洞，待复查", "watch": "今夜寒潮蓝色预警"}
    return handovers.write(district(LAOSHAN), by=by, now=at, **parts)


def test_the_desk_officer_hands_over_and_the_next_shift_acknowledges(two_shifts):
    note = write(two_shifts.laoshan_dispatcher)
    with pytest.raises(Refused):
        handovers.acknowledge(note, by=two_shifts.laoshan_dispatcher, now=NEXT_MORNING)
    done = handovers.acknowledge(note, by=two_shifts.laoshan_station, now=NEXT_MORNING + hours(0.1))
    assert done.acknowledged_by == two_shifts.laoshan_station
    with pytest.raises(Conflict):
        handovers.acknowledge(note, by=two_shifts.laoshan_station, now=NEXT_MORNING + hours(1))


def test_only_the_roster_writes_and_acknowledges(two_shifts):
    with pytest.raises(Refused):
        write(two_shifts.laoshan_patroller)
    with pytest.raises(Refused):  # an hour and a half after the shift ended
        write(two_shifts.laoshan_dispatcher, at=NEXT_MORNING + hours(1.5))
    note = write(two_shifts.laoshan_dispatcher, at=NEXT_MORNING + hours(0.5))
    with pytest.raises(Refused):
        handovers.acknowledge(note, by=two_shifts.laoshan_admin, now=NEXT_MORNING + hours(1))


def test_an_empty_handover_is_refused(two_shifts):
    with pytest.raises(Refused) as refused:
        write(two_shifts.laoshan_dispatcher, open_leads="  ", watch="")
    assert refused.value.field == "open_leads"
    assert not Handover.objects.exists()


def test_the_log_page_writes_and_shows_it_to_its_district_only(cast, client_for):
    laoshan = district(LAOSHAN)
    on_duty_around_now(cast.laoshan_dispatcher, district=laoshan, role=DutyRole.OFFICER)
    client = client_for(cast.laoshan_dispatcher)
    url = reverse("duty:handovers")
    refused = client.post(url, {"open_leads": "", "watch": ""})
    assert refused.status_code == 422
    client.post(url, {"open_leads": "QD1234 张村河桥洞，待复查", "watch": "今夜寒潮"})
    note = Handover.objects.get()
    assert "张村河桥洞" in client.get(url).content.decode()
    assert client_for(cast.shinan_dispatcher).get(note.get_absolute_url()).status_code == 404
