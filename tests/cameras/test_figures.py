"""Each camera's figures per night against hand-counted candidates, kept to the user's district,
exported as XLSX; and the leader on duty alerted of a candidate left waiting under the
protocol."""

from __future__ import annotations

import datetime
import io
import uuid

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from songnuan.cameras import figures, waiting
from songnuan.cameras.models import CandidateStatus, Detection, DismissReason, Label
from songnuan.duty.models import Alert, Topic
from tests.cameras.factories import laoshan_camera, make_camera, make_owner
from tests.duty.factories import make_shift
from tests.factories import SHINAN, district
from tests.leads.factories import report

pytestmark = pytest.mark.django_db

NIGHT = datetime.date(2026, 12, 5)


def at(day: int, hour: int, minute: int = 0) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(2026, 12, day, hour, minute))


def candidate(camera, taken, status=CandidateStatus.PENDING, decided=None, reason="",
              lead=None, received=None) -> Detection:
    return Detection.objects.create(
        owner=camera.owner, event_id=uuid.uuid4().hex, camera=camera, captured_at=taken,
        received_at=received or taken, first_seen_at=taken, label=Label.LYING, confidence=0.8,
        status=status, decided_at=decided, dismiss_reason=reason, lead=lead)


@pytest.fixture
def night(cast):
    owner, _secret = make_owner()
    shinan, laoshan = make_camera(owner), laoshan_camera(owner)
    lead = report(description="桥下有人躺着")
    lead.received_at = at(5, 22, 5)
    lead.save()
    candidate(shinan, at(5, 22), CandidateStatus.CONFIRMED, at(5, 22, 4), lead=lead)
    candidate(shinan, at(5, 23), CandidateStatus.DISMISSED, at(5, 23, 10),
              DismissReason.NOT_A_PERSON)
    candidate(shinan, at(6, 1), CandidateStatus.DISMISSED, at(6, 1, 2),
              DismissReason.WORKER_OR_PASSER_BY)
    candidate(shinan, at(6, 2))  # still waiting
    candidate(shinan, at(6, 3), CandidateStatus.MASKED)  # not a candidate
    candidate(shinan, at(6, 13))  # the next night
    candidate(laoshan, at(5, 21), CandidateStatus.DISMISSED, at(5, 21, 30),
              DismissReason.HELPED_TONIGHT)
    return shinan, laoshan


def test_a_nights_figures_are_counted_per_camera(night, cast):
    shinan, laoshan = night
    rows = figures.camera_nights(cast.centre_dispatcher, NIGHT, NIGHT, now=at(6, 9))
    by_camera = {row.camera: row for row in rows}
    row = by_camera[shinan]
    assert (row.candidates, row.confirmed, row.waiting) == (4, 1, 1)
    assert row.dismissed == {DismissReason.NOT_A_PERSON: 1,
                             DismissReason.WORKER_OR_PASSER_BY: 1}
    assert row.median_to_verification == 4.0  # of 4, 10 and 2 minutes
    assert row.median_to_lead == 5.0  # the lead was made at 22:05
    other = by_camera[laoshan]
    assert (other.candidates, other.dismissed_by(DismissReason.HELPED_TONIGHT)) == (1, 1)
    assert other.median_to_verification == 30.0 and other.median_to_lead is None


def test_two_nights_give_a_row_per_camera_and_night(night, cast):
    shinan, _laoshan = night
    rows = figures.camera_nights(cast.centre_dispatcher, NIGHT, NIGHT + datetime.timedelta(1))
    assert len(rows) == 4
    [next_night] = [r for r in rows if r.camera == shinan and r.night == datetime.date(2026, 12, 6)]
    assert next_night.candidates == 1 and next_night.waiting == 1


def test_a_district_dispatcher_sees_only_the_district_cameras(night, cast):
    shinan, _laoshan = night
    rows = figures.camera_nights(cast.shinan_dispatcher, NIGHT, NIGHT)
    assert [row.camera for row in rows] == [shinan]


def test_a_camera_silent_too_long_is_flagged(night, cast):
    shinan, laoshan = night
    shinan.last_picture_at = at(6, 1)
    laoshan.last_picture_at = at(6, 2, 50)
    for camera in (shinan, laoshan):
        camera.save()
    rows = figures.camera_nights(cast.centre_dispatcher, NIGHT, NIGHT, now=at(6, 3))
    assert {row.camera.code: row.is_silent for row in rows} == {"SN-ZQ-003": True,
                                                                "LS-ZC-001": False}


def test_the_page_and_the_export_show_the_figures(night, cast, client):
    client.force_login(cast.centre_dispatcher)
    page = client.get("/cameras/figures/", {"first": "2026-12-05", "last": "2026-12-05"})
    assert page.status_code == 200
    assert "青岛站东广场地下通道 3号" in page.content.decode()
    export = client.get("/cameras/figures.xlsx", {"first": "2026-12-05", "last": "2026-12-05"})
    sheet = load_workbook(io.BytesIO(export.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert len(lines) == 3
    shinan_line = next(line for line in lines if line[2] == "SN-ZQ-003")
    assert shinan_line[4:7] == (4, 1, 1)


def test_a_backwards_range_is_refused_and_kept_on_the_form(cast, client):
    client.force_login(cast.centre_dispatcher)
    page = client.get("/cameras/figures/", {"first": "2026-12-07", "last": "2026-12-05"})
    assert page.status_code == 422
    assert 'value="2026-12-07"' in page.content.decode()


def test_a_candidate_waiting_under_the_protocol_alerts_the_leader_on_duty(night, cast,
                                                                          settings):
    settings.WEATHER_FALLBACK_LEVEL = 2
    settings.CAMERAS_UNVERIFIED_ALERT_MINUTES = 5
    shinan, _laoshan = night
    make_shift(cast.shinan_admin, district=district(SHINAN), starts_at=at(6, 0), length=12)
    fresh = candidate(shinan, at(6, 2, 58))
    [sent] = waiting.alert_waiting_candidates(now=at(6, 3))
    assert sent.recipient == cast.shinan_admin and sent.topic == Topic.LEAD_OVERDUE
    assert sent.key == waiting.alert_key(Detection.objects.get(captured_at=at(6, 2)))
    assert f"#candidate-{fresh.pk}" not in sent.url  # two minutes is not late yet
    assert waiting.alert_waiting_candidates(now=at(6, 3, 5)) != []  # now the fresh one
    assert waiting.alert_waiting_candidates(now=at(6, 3, 10)) == []  # each told once


def test_no_alert_without_an_active_protocol(night, cast, settings):
    settings.WEATHER_FALLBACK_LEVEL = 0
    make_shift(cast.shinan_admin, district=district(SHINAN), starts_at=at(6, 0), length=12)
    assert waiting.alert_waiting_candidates(now=at(6, 3)) == []
    assert Alert.objects.count() == 0


def test_the_map_shows_the_cameras_in_the_users_district(night, cast, client):
    shinan, _laoshan = night
    client.force_login(cast.shinan_dispatcher)
    data = client.get("/cameras/map.json").json()
    cameras = [f["properties"]["code"] for f in data["features"]
               if f["properties"]["kind"] == "camera"]
    assert cameras == [shinan.code]
