"""Camera background work: our detector's snapshots (uploaded or polled at night), the alert of
candidates left waiting, and the retention of dismissed candidates' pictures."""

from __future__ import annotations

import base64
import datetime
import io

from django.conf import settings
from django.utils.dateparse import parse_datetime
from django_tasks import task
from PIL import Image

from songnuan.cameras import services, snapshots, waiting
from songnuan.cameras.models import Camera
from songnuan.scheduling import periodic


@periodic(every=datetime.timedelta(hours=1))
@task(queue_name="periodic")
def purge_dismissed_pictures() -> int:
    snapshots.forget_old_tracks()
    return len(services.purge_dismissed_pictures())


@task()
def analyse_snapshot(camera_id: int, taken_at: str, masked_png_base64: str) -> int:
    """Search an uploaded snapshot (already masked by the request that took it)."""
    camera = Camera.objects.filter(pk=camera_id).first()
    moment = parse_datetime(taken_at)
    if camera is None or moment is None:
        return 0
    with Image.open(io.BytesIO(base64.b64decode(masked_png_base64))) as image:
        image.load()
        return len(snapshots.analyse(camera, image, moment))


@task()
def poll_camera(camera_id: int) -> int:
    camera = Camera.objects.filter(pk=camera_id).first()
    return len(snapshots.poll(camera)) if camera else 0


@periodic(every=datetime.timedelta(minutes=settings.CAMERAS_POLL_MINUTES))
@task(queue_name="periodic")
def poll_snapshot_cameras() -> int:
    """One job per camera looking now, so that several workers share a night's polling."""
    cameras = snapshots.cameras_to_poll()
    for camera in cameras:
        poll_camera.enqueue(camera.pk)
    return len(cameras)


@periodic(every=datetime.timedelta(minutes=1))
@task(queue_name="periodic")
def alert_waiting_candidates() -> int:
    return len(waiting.alert_waiting_candidates())
