"""Camera work: the register, detections received from owners' platforms, verification into
leads, and the retention of pictures.

`receive` is the one way a detection comes in: idempotent on the owner's event id, everything
checked before anything is written, and the picture masked and blurred before it is stored.
`confirm` turns a candidate into a lead through `leads.services.submit_lead`, so the usual
dedup links a person already reported instead of dispatching twice.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import hashlib
import io
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from songnuan import images
from songnuan.accounts.scoping import may_place_in
from songnuan.cameras import addresses, pictures, thresholds
from songnuan.cameras.models import (
    Camera,
    CameraOwner,
    CandidateStatus,
    Detection,
    DismissReason,
    FeedKind,
    FoundBy,
    Label,
    UsedSignature,
)
from songnuan.cameras.pictures import Box
from songnuan.cameras.signing import SIGNATURE_HEADER, issue_secret
from songnuan.geo.coords import CoordError, CoordSystem, to_wgs84
from songnuan.leads import services as leads
from songnuan.leads.models import Flag, Lead, Source
from songnuan.leads.photos import CleanPhoto
from songnuan.network.geography import district_for_point
from songnuan.places.sources import nearest
from songnuan.refusals import Conflict, Refused
from songnuan.weather.protocol import temperature_c

log = logging.getLogger(__name__)

ACCEPTED_FORMATS = {"JPEG", "PNG"}
# Two pictures of a camera closer than this are the same stay of whoever is there.
STILLNESS_GAP = datetime.timedelta(minutes=20)
LABEL_WEIGHT = {Label.LYING: 3.0, Label.SITTING_STILL: 2.0, Label.PERSON: 1.0}
COLD_FROM_C = 5.0


# ---------------------------------------------------------------------------------------------
# The register


@dataclass
class CameraInput:
    code: str
    name: str
    owner: CameraOwner
    lat: float
    lon: float
    coord: str = "wgs84"
    hotspot_id: int | None = None
    feed_kind: str = "vendor_push"
    snapshot_url: str = ""
    active_from: datetime.time = datetime.time(18, 0)
    active_until: datetime.time = datetime.time(8, 0)
    masks: list[list[float]] = field(default_factory=list)
    silent_after_minutes: int = 60
    is_active: bool = True


def parse_masks(text: str) -> list[list[float]]:
    """Masks typed as `x,y,w,h` per line (fractions of the picture, 0–1)."""
    masks = []
    for number, line in enumerate(text.replace(";", "\n").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            x, y, w, h = (float(part) for part in line.replace("，", ",").split(","))
        except ValueError:
            raise Refused(_("Mask %(n)s: give four numbers x, y, width, height.") % {"n": number},
                          "masks", "invalid") from None
        if not (0 <= x < 1 and 0 <= y < 1 and 0 < w <= 1 - x + 1e-9 and 0 < h <= 1 - y + 1e-9):
            raise Refused(_("Mask %(n)s must lie inside the picture (fractions from 0 to 1).")
                          % {"n": number}, "masks", "invalid")
        masks.append([round(x, 4), round(y, 4), round(w, 4), round(h, 4)])
    return masks


def save_camera(data: CameraInput, *, by, camera: Camera | None = None) -> Camera:
    """Create or change a camera: its point in WGS-84, the district found from it, in the
    user's scope."""
    camera = checked_camera(data, by=by, camera=camera)
    camera.save()
    return camera


def checked_camera(data: CameraInput, *, by, camera: Camera | None = None) -> Camera:
    """The camera (a new one, or `camera`) with `data` applied and every rule checked, not yet
    saved: the register form saves it at once, the import only when every row passed."""
    try:
        lat, lon = to_wgs84(data.lat, data.lon, data.coord)
    except CoordError as error:
        raise Refused(str(error), "lat") from None
    district = district_for_point(lat, lon)
    if district is None:
        raise Refused(_("This point is outside the city."), "lat")
    if not may_place_in(by, district.pk):
        raise Refused(_("This point is outside your district."), "lat")
    taken = Camera.objects.filter(owner=data.owner, code=data.code.strip())
    if camera is not None:
        taken = taken.exclude(pk=camera.pk)
    if taken.exists():
        raise Refused(_("This owner already has a camera with this code."), "code")
    camera = camera or Camera()
    camera.code, camera.name, camera.owner = data.code.strip(), data.name.strip(), data.owner
    camera.lat, camera.lon = round(lat, 6), round(lon, 6)
    camera.coord_system = CoordSystem.parse(data.coord).value
    camera.district, camera.hotspot_id = district, data.hotspot_id
    if camera.hotspot_id is None:
        near = nearest("hotspot", lat, lon, settings.LEADS_HOTSPOT_RADIUS_M)
        camera.hotspot = near[0] if near else None
    camera.feed_kind, camera.masks = data.feed_kind, data.masks
    camera.snapshot_url = data.snapshot_url.strip()
    if camera.feed_kind == FeedKind.SNAPSHOT_URL and not camera.snapshot_url:
        raise Refused(_("Give the URL the camera's picture is fetched from."), "snapshot_url")
    if camera.snapshot_url:
        addresses.check_url(camera.snapshot_url)
    camera.active_from, camera.active_until = data.active_from, data.active_until
    camera.silent_after_minutes, camera.is_active = data.silent_after_minutes, data.is_active
    return camera


def create_owner(name: str, kind: str, *, by) -> tuple[CameraOwner, str]:
    """A new camera owner and its shared secret, which is shown this once."""
    if not name.strip():
        raise Refused(_("Give the owner's name."), "name")
    with transaction.atomic():
        owner = CameraOwner.objects.create(name=name.strip(), kind=kind)
        return owner, issue_secret(owner)


def rotate_secret(owner: CameraOwner, *, by) -> str:
    return issue_secret(owner)


# ---------------------------------------------------------------------------------------------
# Receiving detections


@dataclass
class DetectionInput:
    event_id: str
    camera: str
    captured_at: datetime.datetime
    label: str
    confidence: float
    boxes: list[list[int]]
    snapshot_base64: str

    def digest(self) -> str:
        """What makes two sendings the same event (the snapshot by its hash)."""
        snapshot = hashlib.sha256(self.snapshot_base64.encode()).hexdigest()
        plain = [self.event_id, self.camera, self.captured_at.isoformat(), self.label,
                 round(self.confidence, 4), self.boxes, snapshot]
        return hashlib.sha256(json.dumps(plain).encode()).hexdigest()


def receive(owner: CameraOwner, data: DetectionInput, signature: str,
            now: datetime.datetime | None = None) -> tuple[Detection, bool]:
    """Take a signed detection; return (detection, created). The same event again returns
    the first detection; a refusal stores nothing."""
    now = now or timezone.now()
    if UsedSignature.objects.filter(signature=signature).exists():
        raise Conflict(_("This signed request was already received: sign each sending afresh."),
                       SIGNATURE_HEADER, "replay")
    digest = data.digest()
    existing = _earlier(owner, data.event_id, digest)
    if existing is not None:
        _remember(signature, now)
        return existing, False
    camera = (Camera.objects.filter(owner=owner, code=data.camera, is_active=True)
              .select_related("district").first())
    if camera is None:
        raise Refused(_("No active camera of this owner has this code."), "camera",
                      "unknown_camera")
    if data.captured_at > now + datetime.timedelta(seconds=settings.CAMERAS_SIGNATURE_SKEW_S):
        raise Refused(_("The picture's time is in the future."), "captured_at", "future")
    image = open_snapshot(data.snapshot_base64)
    boxes = check_boxes(data.boxes, image.width, image.height)
    return _store(owner, camera, data, digest, image, boxes, signature, now)


def _earlier(owner: CameraOwner, event_id: str, digest: str) -> Detection | None:
    existing = Detection.objects.filter(owner=owner, event_id=event_id).first()
    if existing is not None and existing.request_digest != digest:
        raise Conflict(_("This event id was already sent with other content."), "event_id",
                       "event_id_reused")
    return existing


def _remember(signature: str, now: datetime.datetime) -> None:
    try:
        with transaction.atomic():
            UsedSignature.objects.create(signature=signature, seen_at=now)
    except IntegrityError:
        pass


def open_snapshot(encoded: str) -> Image.Image:
    """The snapshot decoded and checked: a JPEG or PNG, within the size limit, readable."""
    limit = settings.CAMERAS_SNAPSHOT_MAX_BYTES
    if len(encoded) > limit * 4 // 3 + 4:
        raise _too_large(limit)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise Refused(_("The snapshot is not valid base64."), "snapshot", "not_base64") from None
    return open_picture(raw)


def open_picture(raw: bytes) -> Image.Image:
    """A picture checked: a JPEG or PNG, within the size limit, readable."""
    limit = settings.CAMERAS_SNAPSHOT_MAX_BYTES
    if len(raw) > limit:
        raise _too_large(limit)
    not_image = Refused(_("The snapshot is not a JPEG or PNG picture."), "snapshot", "not_image")
    try:
        with Image.open(io.BytesIO(raw)) as probe:
            if probe.format not in ACCEPTED_FORMATS:
                raise not_image
            if probe.width * probe.height > images.MAX_PIXELS:
                raise _too_large(limit)
            probe.verify()
        image = Image.open(io.BytesIO(raw))
        image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError,
            Image.DecompressionBombError):
        raise not_image from None
    return image


def _too_large(limit: int) -> Refused:
    return Refused(_("The snapshot is larger than %(kb)s KB.") % {"kb": limit // 1024},
                   "snapshot", "too_large")


def check_boxes(boxes: list[list[int]], width: int, height: int) -> list[Box]:
    """Each box [x, y, width, height] in pixels, inside the picture."""
    checked = []
    for index, values in enumerate(boxes):
        x, y, w, h = values
        if x < 0 or y < 0 or w <= 0 or h <= 0 or x + w > width or y + h > height:
            raise Refused(_("Box %(n)s lies outside the %(w)s×%(h)s picture.")
                          % {"n": index + 1, "w": width, "h": height},
                          f"boxes.{index}", "outside")
        checked.append(Box(x, y, w, h))
    return checked


def _first_seen(camera: Camera, captured_at: datetime.datetime) -> datetime.datetime:
    """When the stay this picture belongs to began: the chain of this camera's earlier
    pictures, each within `STILLNESS_GAP` of the next."""
    earlier = (Detection.objects.filter(camera=camera, captured_at__lte=captured_at,
                                        captured_at__gte=captured_at - STILLNESS_GAP)
               .exclude(status=CandidateStatus.MASKED).order_by("captured_at")
               .values_list("first_seen_at", flat=True).first())
    return earlier or captured_at


def _store(owner, camera, data: DetectionInput, digest: str, image: Image.Image,
           boxes: list[Box], signature: str | None, now,
           first_seen: datetime.datetime | None = None,
           found_by: str = FoundBy.VENDOR) -> tuple[Detection, bool]:
    rects = pictures.mask_rects(camera.masks, image.width, image.height)
    kept = [box for box in boxes if not pictures.in_mask(box, rects)]
    threshold = thresholds.for_camera(camera, now).value
    detection = Detection(
        owner=owner, event_id=data.event_id, request_digest=digest, camera=camera,
        captured_at=data.captured_at, received_at=now, label=data.label,
        confidence=round(data.confidence, 4), boxes=[box.as_json() for box in kept],
        width=image.width, height=image.height, threshold=threshold,
        status=_status(kept, data.confidence, threshold),
        first_seen_at=first_seen or _first_seen(camera, data.captured_at), found_by=found_by,
    )
    written: list[str] = []
    try:
        with transaction.atomic():
            if detection.status == CandidateStatus.PENDING:
                prepared = pictures.prepare(image, camera.masks, kept)
                detection.faces_found = prepared.faces_found
                for name, content in (("picture", prepared.blurred),
                                      ("clear_picture", prepared.clear)):
                    getattr(detection, name).save("p.jpg", ContentFile(content), save=False)
                    written.append(getattr(detection, name).name)
            detection.save()
            if signature is not None:
                UsedSignature.objects.create(signature=signature, seen_at=now)
            note_seen(camera, data.captured_at, with_person=bool(kept))
    except BaseException as error:
        for name in written:
            default_storage.delete(name)
        if not isinstance(error, IntegrityError):
            raise
        existing = _earlier(owner, data.event_id, digest)  # a concurrent resend won
        if existing is None:
            raise Conflict(_("This signed request was already received: sign each sending "
                             "afresh."), SIGNATURE_HEADER, "replay") from None
        return existing, False
    return detection, True


def _status(kept: list[Box], confidence: float, threshold: float) -> str:
    """A candidate for the queue, or kept out of it (and its pictures not stored): nothing
    left outside the masks, or a detection under the camera's threshold."""
    if not kept:
        return CandidateStatus.MASKED
    if confidence < threshold:
        return CandidateStatus.BELOW_THRESHOLD
    return CandidateStatus.PENDING


def record_picture(camera: Camera, data: DetectionInput, image: Image.Image,
                   now: datetime.datetime | None = None,
                   first_seen: datetime.datetime | None = None,
                   found_by: str = FoundBy.VENDOR) -> Detection:
    """A detection from a picture taken here rather than sent by a platform (the demo, our own
    detector): the same checks, masks and blur, no signature."""
    boxes = check_boxes(data.boxes, image.width, image.height)
    detection, _created = _store(camera.owner, camera, data, data.digest(), image, boxes, None,
                                 now or timezone.now(), first_seen, found_by)
    return detection


def note_seen(camera: Camera, at: datetime.datetime, with_person: bool) -> None:
    """Move the camera's health times forward (never back: pictures of a burst arrive out of
    order, and each request holds its own copy of the camera)."""
    fields = ["last_picture_at", "last_detection_at"] if with_person else ["last_picture_at"]
    for name in fields:
        Camera.objects.filter(Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__lt": at}),
                              pk=camera.pk).update(**{name: at})


# ---------------------------------------------------------------------------------------------
# Verification


def risk(detection: Detection, temperature: float | None) -> float:
    """How urgently a candidate needs a look: a person lying scores over one sitting, a sure
    detection over a doubtful one, a cold night and a long stay add to both."""
    score = LABEL_WEIGHT.get(detection.label, 1.0) * detection.confidence * 10
    if temperature is not None and temperature < COLD_FROM_C:
        score += (COLD_FROM_C - temperature) * 1.5
    score += min(detection.stay_minutes, 240) / 15
    return round(score, 1)


def queue(user, now: datetime.datetime | None = None) -> list[Detection]:
    """The candidates waiting in the user's scope, riskiest first, each with `risk` and
    `temperature` set."""
    waiting = list(Detection.objects.restrict(user, "view")
                   .filter(status=CandidateStatus.PENDING)
                   .select_related("camera", "camera__district", "camera__hotspot"))
    temperatures: dict[int, float | None] = {}
    for detection in waiting:
        district_id = detection.camera.district_id
        if district_id not in temperatures:
            temperatures[district_id] = temperature_c(district_id, now)
        detection.temperature = temperatures[district_id]
        detection.risk = risk(detection, detection.temperature)
    waiting.sort(key=lambda d: (-d.risk, d.captured_at))
    return waiting


def _pending(detection: Detection) -> Detection:
    locked = (Detection.objects.select_for_update().select_related("camera")
              .get(pk=detection.pk))
    if locked.status != CandidateStatus.PENDING:
        raise Conflict(_("This candidate was already verified."), None, "decided")
    return locked


def confirm(detection: Detection, *, by, now: datetime.datetime | None = None) -> Lead:
    """A dispatcher confirms a candidate: a lead from the camera at its place with the blurred
    picture, linked to an open lead about the same person when intake finds one."""
    now = now or timezone.now()
    with transaction.atomic():
        detection = _pending(detection)
        camera = detection.camera
        with detection.picture.open("rb") as handle:
            content = handle.read()
        with Image.open(io.BytesIO(content)) as stored:
            width, height = stored.size
        data = leads.LeadInput(
            source=Source.CAMERA, lat=camera.lat, lon=camera.lon, coord="wgs84",
            place=camera.name, people_count=max(1, min(len(detection.boxes), 20)),
            flags=[Flag.LYING_DOWN] if detection.label == Label.LYING else [],
            description=_("Camera %(camera)s: %(label)s (confidence %(confidence)s%%), "
                          "picture taken %(at)s") % {
                "camera": camera.name, "label": detection.get_label_display(),
                "confidence": round(detection.confidence * 100),
                "at": timezone.localtime(detection.captured_at).strftime("%H:%M")},
            client_request_id=f"camera-detection-{detection.pk}",
            photos=[CleanPhoto(content, width, height, None)],
        )
        lead, _created = leads.submit_lead(data, now=now)
        detection.status, detection.lead = CandidateStatus.CONFIRMED, lead
        detection.decided_by, detection.decided_at = by, now
        detection.save()
    return lead


def dismiss(detection: Detection, reason: str, note: str = "", *, by,
            now: datetime.datetime | None = None) -> Detection:
    """A dispatcher dismisses a candidate with a reason; its pictures go after the retention
    period."""
    if reason not in DismissReason.values:
        raise Refused(_("Choose why the candidate is dismissed."), "reason")
    if reason == DismissReason.OTHER and not note.strip():
        raise Refused(_("Say why, in a few words."), "note")
    with transaction.atomic():
        detection = _pending(detection)
        detection.status, detection.dismiss_reason = CandidateStatus.DISMISSED, reason
        detection.decision_note = note.strip()[:300]
        detection.decided_by, detection.decided_at = by, now or timezone.now()
        detection.save()
    return detection


# ---------------------------------------------------------------------------------------------
# Retention


def purge_dismissed_pictures(now: datetime.datetime | None = None) -> list[int]:
    """Delete the pictures of candidates dismissed longer ago than the retention period (the
    rows stay, for the cameras' figures); forget signatures too old to be replayed. Returns
    the ids of the candidates whose pictures went, and logs them."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(days=settings.CAMERAS_DISMISSED_PICTURE_DAYS)
    due = list(Detection.objects.filter(status=CandidateStatus.DISMISSED,
                                        decided_at__lt=cutoff, pictures_deleted_at=None))
    removed = []
    for detection in due:
        for file in (detection.picture, detection.clear_picture):
            if file:
                file.storage.delete(file.name)
        Detection.objects.filter(pk=detection.pk).update(picture="", clear_picture="",
                                                         pictures_deleted_at=now)
        removed.append(detection.pk)
    skew = datetime.timedelta(seconds=settings.CAMERAS_SIGNATURE_SKEW_S * 2)
    UsedSignature.objects.filter(seen_at__lt=now - skew).delete()
    if removed:
        log.info("deleted the pictures of %d dismissed camera candidates: %s", len(removed),
                 ",".join(map(str, removed)), extra={"detections": removed})
    return removed
