"""Each camera's threshold learnt from its dismissals: raised with the share of false alarms
over the last nights, back to the default when confirmations dominate, bounded; a detection
under it kept out of the queue but counted; the camera page says why."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from songnuan.cameras import services, thresholds
from songnuan.cameras.models import CandidateStatus, Detection, DismissReason
from songnuan.cameras.thresholds import learnt_threshold
from tests.cameras.factories import make_camera, make_owner, payload, send
from tests.cameras.test_figures import candidate

DEFAULT, HIGHEST = 0.35, 0.8


@pytest.mark.parametrize(("verified", "false_alarms", "expected"), [
    (0, 0, DEFAULT),         # nothing verified yet
    (4, 4, DEFAULT),         # too few to learn from
    (10, 5, DEFAULT),        # half false alarms: tolerated
    (10, 2, DEFAULT),        # confirmations dominate: never below the default
    (12, 9, 0.57),           # three quarters: halfway up
    (10, 10, HIGHEST),       # all false alarms: the highest, no more
])
def test_the_threshold_rises_with_the_share_of_false_alarms(verified, false_alarms, expected):
    assert learnt_threshold(verified, false_alarms, DEFAULT, HIGHEST) == expected


def test_the_threshold_never_leaves_its_bounds():
    for verified in range(0, 40):
        for false_alarms in range(0, verified + 1):
            value = learnt_threshold(verified, false_alarms, DEFAULT, HIGHEST)
            assert DEFAULT <= value <= HIGHEST


def test_confirmations_bring_a_raised_threshold_back_down():
    raised = learnt_threshold(12, 9, DEFAULT, HIGHEST)
    later = learnt_threshold(16, 9, DEFAULT, HIGHEST)  # four confirmations since
    settled = learnt_threshold(18, 9, DEFAULT, HIGHEST)
    assert raised > later > settled == DEFAULT


NOW = timezone.make_aware(datetime.datetime(2026, 12, 8, 23, 0))


def days_ago(days: float, now: datetime.datetime = NOW) -> datetime.datetime:
    return now - datetime.timedelta(days=days)


def a_week_of_false_alarms(camera, now: datetime.datetime = NOW) -> None:
    """Nine candidates dismissed as false alarms and three confirmed over the last six days."""
    for n in range(9):
        reason = DismissReason.NOT_A_PERSON if n % 2 else DismissReason.WORKER_OR_PASSER_BY
        candidate(camera, days_ago(n % 6 + 0.1, now), CandidateStatus.DISMISSED,
                  days_ago(n % 6, now), reason)
    for n in range(3):
        candidate(camera, days_ago(n + 0.2, now), CandidateStatus.CONFIRMED, days_ago(n, now))


@pytest.mark.django_db
def test_a_camera_learns_from_its_last_nights_only(settings):
    settings.CAMERAS_THRESHOLD_DEFAULT, settings.CAMERAS_THRESHOLD_MAX = DEFAULT, HIGHEST
    camera = make_camera(make_owner()[0])
    a_week_of_false_alarms(camera)
    for n in range(6):  # a fortnight ago: forgotten
        candidate(camera, days_ago(14 + n), CandidateStatus.CONFIRMED, days_ago(14 + n))
    candidate(camera, days_ago(1), CandidateStatus.DISMISSED, days_ago(1),
              DismissReason.HELPED_TONIGHT)  # a real person: not a false alarm
    learnt = thresholds.for_camera(camera, NOW)
    assert (learnt.verified, learnt.false_alarms, learnt.confirmed) == (13, 9, 3)
    assert learnt.value == learnt_threshold(13, 9, DEFAULT, HIGHEST) > DEFAULT
    assert learnt.explanation() == (
        f"阈值 {learnt.value:.2f}：近7晚 13 次中 9 次被驳回为非人员或路人。")


@pytest.mark.django_db
def test_a_detection_under_the_threshold_is_kept_out_of_the_queue_and_counted(cast, client,
                                                                             settings):
    settings.CAMERAS_THRESHOLD_DEFAULT, settings.CAMERAS_THRESHOLD_MAX = DEFAULT, HIGHEST
    owner, secret = make_owner()
    camera = make_camera(owner)
    now = timezone.now()
    for n in range(10):
        candidate(camera, now - datetime.timedelta(hours=n + 1), CandidateStatus.DISMISSED,
                  now - datetime.timedelta(hours=n), DismissReason.NOT_A_PERSON)
    doubtful = send(client, owner, secret, payload(confidence=0.6))
    sure = send(client, owner, secret, payload(confidence=0.95))
    assert (doubtful.status_code, sure.status_code) == (201, 201)
    kept_out = Detection.objects.get(confidence=0.6)
    assert kept_out.status == CandidateStatus.BELOW_THRESHOLD
    assert kept_out.threshold == HIGHEST and not kept_out.picture
    assert [d.confidence for d in services.queue(cast.shinan_dispatcher)] == [0.95]
    client.force_login(cast.centre_dispatcher)
    figures = client.get("/cameras/figures/").context["rows"]
    row = next(row for row in figures if row.camera == camera)
    assert row.below_threshold == 1 and row.waiting == 1


@pytest.mark.django_db
def test_the_camera_page_explains_its_threshold(cast, client_for, settings):
    settings.CAMERAS_THRESHOLD_DEFAULT, settings.CAMERAS_THRESHOLD_MAX = DEFAULT, HIGHEST
    camera = make_camera(make_owner()[0])
    page = client_for(cast.shinan_admin).get(f"/cameras/{camera.pk}/").content.decode()
    assert "阈值 0.35，默认值" in page
    a_week_of_false_alarms(camera, timezone.now())
    page = client_for(cast.shinan_admin).get(f"/cameras/{camera.pk}/").content.decode()
    assert "次中 9 次被驳回为非人员或路人" in page
