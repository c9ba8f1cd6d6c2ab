"""Snapshots from cameras without AI: uploaded by staff or fetched from the camera's snapshot URL
at night, masked, searched by our detector, and followed from one snapshot to the next.

The masks are painted over before anything else, in the web request for an upload (so even the
queued job holds no masked-out pixel) and again before the search. A snapshot is never stored:
only the boxes found in it are kept, as tracks. A person found at the same place (boxes
overlapping by more than half) for `CAMERAS_STILL_MINUTES` while the camera is active becomes
one candidate in the verification queue, exactly like a platform's detection; a passer-by is in
one snapshot, or somewhere else in the next, and never becomes one.
"""

from __future__ import annotations

import base64
import datetime
import io
import logging

import requests
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from songnuan.cameras import addresses, detector, pictures, services
from songnuan.cameras.detector import Found
from songnuan.cameras.models import Camera, Detection, FeedKind, FoundBy, Label, Track
from songnuan.cameras.pictures import Box
from songnuan.refusals import Refused

log = logging.getLogger(__name__)

SAME_PLACE_IOU = 0.5
POLL_USER_AGENT = "Songnuan camera poller"


def masked(camera: Camera, image: Image.Image) -> Image.Image:
    """The picture in RGB with the camera's privacy masks painted black."""
    rgb = image.convert("RGB")
    return pictures.apply_masks(rgb, pictures.mask_rects(camera.masks, rgb.width, rgb.height))


def encode(image: Image.Image) -> str:
    """A masked picture as base64 PNG, for the job's arguments (lossless: the mask stays black)."""
    out = io.BytesIO()
    image.save(out, "PNG")
    return base64.b64encode(out.getvalue()).decode()


def upload(camera: Camera, raw: bytes, taken_at: datetime.datetime) -> str:
    """Check an uploaded picture and return it masked and encoded for the analysing job."""
    if camera.feed_kind == FeedKind.VENDOR_PUSH:
        raise Refused(_("This camera's owner sends detections itself; pictures are not "
                        "uploaded for it."), "picture")
    if taken_at > timezone.now() + datetime.timedelta(minutes=1):
        raise Refused(_("The picture's time is in the future."), "taken_at")
    return encode(masked(camera, services.open_picture(raw)))


def analyse(camera: Camera, image: Image.Image, taken_at: datetime.datetime,
            now: datetime.datetime | None = None) -> list[Detection]:
    """Search one snapshot and follow its people; return the candidates it made."""
    clean = masked(camera, image)  # first: a masked area is never searched
    found = detector.find_people(clean, settings.CAMERAS_DETECTOR_MIN_SCORE)
    with transaction.atomic():
        still = follow(camera, found, taken_at)
        candidates = [_candidate(camera, track, clean, taken_at, now) for track in still]
        services.note_seen(camera, taken_at, with_person=bool(found))
    return candidates


def follow(camera: Camera, found: list[Found], taken_at: datetime.datetime) -> list[Track]:
    """Match each person found to the camera's track at the same place, or start one; return the
    tracks that have just become still long enough at night and have no candidate yet."""
    gap = datetime.timedelta(minutes=settings.CAMERAS_TRACK_GAP_MINUTES)
    open_tracks = list(Track.objects.select_for_update().filter(
        camera=camera, last_seen_at__gte=taken_at - gap, last_seen_at__lt=taken_at))
    still = []
    for person in found:
        track = _same_place(person.box, open_tracks)
        if track is None:
            Track.objects.create(camera=camera, box=person.box.as_json(), is_lying=person.lying,
                                 score=person.score, first_seen_at=taken_at,
                                 last_seen_at=taken_at)
            continue
        open_tracks.remove(track)
        track.box, track.last_seen_at = person.box.as_json(), taken_at
        track.is_lying = track.is_lying or person.lying
        track.score, track.snapshots = max(track.score, person.score), track.snapshots + 1
        track.save()
        if _is_still(camera, track, taken_at):
            still.append(track)
    return still


def _same_place(box: Box, tracks: list[Track]) -> Track | None:
    scored = [(detector.iou(box, Box(*track.box)), track) for track in tracks]
    best = max(scored, key=lambda pair: pair[0], default=(0.0, None))
    return best[1] if best[0] > SAME_PLACE_IOU else None


def _is_still(camera: Camera, track: Track, taken_at: datetime.datetime) -> bool:
    return (track.detection_id is None
            and track.still_minutes >= settings.CAMERAS_STILL_MINUTES
            and camera.is_active_at(timezone.localtime(taken_at).time()))


def _candidate(camera: Camera, track: Track, clean: Image.Image, taken_at: datetime.datetime,
               now: datetime.datetime | None) -> Detection:
    data = services.DetectionInput(
        event_id=f"detector-track-{track.pk}", camera=camera.code, captured_at=taken_at,
        label=Label.LYING if track.is_lying else Label.SITTING_STILL,
        confidence=Found(Box(*track.box), track.is_lying, track.score).confidence,
        boxes=[track.box], snapshot_base64="")
    detection = services.record_picture(camera, data, clean, now=now or timezone.now(),
                                        first_seen=track.first_seen_at,
                                        found_by=FoundBy.DETECTOR)
    track.detection = detection
    track.save(update_fields=["detection"])
    return detection


def forget_old_tracks(now: datetime.datetime | None = None, keep_days: int = 2) -> int:
    """Tracks of stays long over: their boxes serve no later snapshot."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=keep_days)
    deleted, _rows = Track.objects.filter(last_seen_at__lt=cutoff).delete()
    return deleted


# ------------------------------------------------------------------------------ polling


def cameras_to_poll(now: datetime.datetime | None = None) -> list[Camera]:
    """Snapshot cameras with a URL whose active hours include now."""
    local = timezone.localtime(now or timezone.now()).time()
    cameras = Camera.objects.filter(is_active=True, feed_kind=FeedKind.SNAPSHOT_URL).exclude(
        snapshot_url="")
    return [camera for camera in cameras if camera.is_active_at(local)]


def fetch(url: str) -> bytes:
    """The camera's current picture, within the timeout and the size limit, from an address
    the poller may reach (`addresses`: checked on every connection, redirects included)."""
    limit = settings.CAMERAS_SNAPSHOT_MAX_BYTES
    with addresses.session() as session, session.get(
            url, timeout=settings.CAMERAS_POLL_TIMEOUT_S, stream=True,
            headers={"User-Agent": POLL_USER_AGENT}) as response:
        response.raise_for_status()
        raw = response.raw.read(limit + 1, decode_content=True)
    if len(raw) > limit:
        raise Refused(_("The snapshot is larger than %(kb)s KB.") % {"kb": limit // 1024},
                      "snapshot", "too_large")
    return raw


def poll(camera: Camera, now: datetime.datetime | None = None) -> list[Detection]:
    """Fetch and analyse one camera's picture if it is looking now; a camera that fails to
    answer, or whose URL leads where the poller may not go, is logged, its health shows why,
    and it is left to the silence flag."""
    now = now or timezone.now()
    if not camera.is_active or not camera.is_active_at(timezone.localtime(now).time()):
        return []
    try:
        image = services.open_picture(fetch(camera.snapshot_url))
    except (requests.RequestException, Refused) as error:
        log.warning("camera %s: no snapshot from its URL: %s", camera.code, error,
                    extra={"camera": camera.pk})
        note_fetch_problem(camera, _problem(error), now)
        return []
    note_fetch_problem(camera, "", now)
    return analyse(camera, image, now, now=now)


def _problem(error: Exception) -> str:
    if isinstance(error, Refused):
        return str(error.message)
    if isinstance(error, requests.TooManyRedirects):
        return _("The snapshot URL redirects too often.")
    if isinstance(error, requests.Timeout):
        return _("The camera did not answer in time.")
    if isinstance(error, requests.HTTPError):
        return _("The camera answered with HTTP %(status)s.") % {
            "status": error.response.status_code if error.response is not None else "?"}
    return _("The camera could not be reached.")


def note_fetch_problem(camera: Camera, problem: str, now: datetime.datetime) -> None:
    """Why the last fetch failed, for the camera's health (empty once a fetch succeeds)."""
    if problem == camera.fetch_problem:
        return
    camera.fetch_problem = problem[:300]
    camera.fetch_problem_at = now if problem else None
    Camera.objects.filter(pk=camera.pk).update(fetch_problem=camera.fetch_problem,
                                               fetch_problem_at=camera.fetch_problem_at)
