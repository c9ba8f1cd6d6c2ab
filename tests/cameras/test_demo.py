"""The demo's cameras and night: cameras at the hotspots, candidates waiting, confirmed and
dismissed, pictures generated and blurred like any other."""

from __future__ import annotations

import random
import types

import pytest
from django.utils import timezone

from songnuan.cameras.models import Camera, CandidateStatus, Detection
from songnuan.demo import cameras as demo
from songnuan.leads.models import Source
from tests.leads.factories import LAOSHAN_ZHANGCUN, make_hotspot

pytestmark = pytest.mark.django_db


def test_the_demo_night_has_cameras_and_candidates_in_every_state(cast):
    hotspots = [make_hotspot(), make_hotspot("张村河桥洞", *LAOSHAN_ZHANGCUN),
                make_hotspot("五四广场地下通道", 36.0618, 120.3845),
                make_hotspot("海泊河杭州路桥洞", 36.0935, 120.3620)]
    ctx = types.SimpleNamespace(rng=random.Random(4), now=timezone.now(),
                                shared={"hotspots": hotspots})
    demo.populate(ctx)
    cameras = list(Camera.objects.all())
    assert {camera.hotspot for camera in cameras} == set(hotspots)
    assert sum(camera.is_silent(ctx.now) for camera in cameras) <= 1
    states = set(Detection.objects.values_list("status", flat=True))
    assert CandidateStatus.PENDING in states
    assert states <= {CandidateStatus.PENDING, CandidateStatus.CONFIRMED,
                      CandidateStatus.DISMISSED}
    for detection in Detection.objects.exclude(status=CandidateStatus.PENDING):
        assert detection.decided_by is not None
        if detection.status == CandidateStatus.CONFIRMED:
            assert detection.lead.source == Source.CAMERA and detection.lead.photos.exists()
    assert all(d.picture and d.clear_picture for d in Detection.objects.all())
