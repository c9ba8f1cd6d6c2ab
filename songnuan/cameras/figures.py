"""Each camera's figures per night (每晚): candidates, confirmed, dismissed by reason, kept out
under the camera's threshold, and the minutes from the picture to its verification and to the
lead, beside the cameras silent for longer than their own limit. They tell which camera earns
its place and which threshold or mask needs a look. A night runs from noon to noon, local
time, and is named by its evening.
"""

from __future__ import annotations

import datetime
import io
import statistics
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from songnuan.cameras.models import Camera, CandidateStatus, Detection, DismissReason

MAX_NIGHTS = 31
NOON = datetime.time(12, 0)


@dataclass
class CameraNight:
    camera: Camera
    night: datetime.date
    candidates: int = 0
    confirmed: int = 0
    waiting: int = 0
    below_threshold: int = 0
    dismissed: dict[str, int] = field(default_factory=dict)
    to_verification: list[float] = field(default_factory=list)
    to_lead: list[float] = field(default_factory=list)
    is_silent: bool = False

    @property
    def dismissed_total(self) -> int:
        return sum(self.dismissed.values())

    @property
    def median_to_verification(self) -> float | None:
        return _median(self.to_verification)

    @property
    def median_to_lead(self) -> float | None:
        return _median(self.to_lead)

    def dismissed_by(self, reason: str) -> int:
        return self.dismissed.get(reason, 0)

    @property
    def dismissed_columns(self) -> list[tuple[str, int]]:
        return [(label, self.dismissed_by(value)) for value, label in DismissReason.choices]


def _median(values: list[float]) -> float | None:
    return round(statistics.median(values), 1) if values else None


def night_of(moment: datetime.datetime) -> datetime.date:
    """The evening a moment's night began on (before noon belongs to the night before)."""
    return (timezone.localtime(moment) - datetime.timedelta(hours=12)).date()


def night_start(night: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(night, NOON))


def last_night(now: datetime.datetime | None = None) -> datetime.date:
    return night_of(now or timezone.now())


def _minutes(later: datetime.datetime, earlier: datetime.datetime) -> float:
    return max(0.0, (later - earlier).total_seconds() / 60)


def camera_nights(user, first: datetime.date, last: datetime.date,
                  now: datetime.datetime | None = None) -> list[CameraNight]:
    """One row per camera in the user's scope and night from `first` to `last`, newest first."""
    now = now or timezone.now()
    cameras = list(Camera.objects.restrict(user, "view").select_related("district"))
    nights = [last - datetime.timedelta(days=n) for n in range((last - first).days + 1)]
    rows = {(camera.pk, night): CameraNight(camera, night, is_silent=camera.is_silent(now))
            for night in nights for camera in cameras}
    detections = (Detection.objects.restrict(user, "view")
                  .exclude(status=CandidateStatus.MASKED)
                  .filter(captured_at__gte=night_start(first),
                          captured_at__lt=night_start(last + datetime.timedelta(days=1)))
                  .select_related("lead"))
    for detection in detections:
        row = rows.get((detection.camera_id, night_of(detection.captured_at)))
        if row is not None:
            _count(row, detection)
    return [rows[(camera.pk, night)] for night in nights for camera in cameras]


def _count(row: CameraNight, detection: Detection) -> None:
    if detection.status == CandidateStatus.BELOW_THRESHOLD:
        row.below_threshold += 1
        return
    row.candidates += 1
    if detection.decided_at is not None:
        row.to_verification.append(_minutes(detection.decided_at, detection.captured_at))
    if detection.status == CandidateStatus.CONFIRMED:
        row.confirmed += 1
        if detection.lead is not None:
            made = max(detection.lead.received_at, detection.decided_at or detection.captured_at)
            row.to_lead.append(_minutes(made, detection.captured_at))
    elif detection.status == CandidateStatus.DISMISSED:
        reason = detection.dismiss_reason or DismissReason.OTHER
        row.dismissed[reason] = row.dismissed.get(reason, 0) + 1
    else:
        row.waiting += 1


def workbook(rows: list[CameraNight]) -> bytes:
    """The rows as an XLSX sheet, one line per camera and night."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Camera figures")[:31]
    sheet.append([_("Night of"), _("Camera"), _("camera code"), _("District"),
                  _("Candidates"), _("Confirmed"), _("Waiting"),
                  *[str(label) for label in DismissReason.labels], _("Below threshold"),
                  _("Minutes to verification (median)"), _("Minutes to lead (median)"),
                  _("Silent too long")])
    for row in rows:
        sheet.append([row.night, row.camera.name, row.camera.code, str(row.camera.district),
                      row.candidates, row.confirmed, row.waiting,
                      *[row.dismissed_by(reason) for reason in DismissReason.values],
                      row.below_threshold,
                      row.median_to_verification, row.median_to_lead,
                      _("yes") if row.is_silent else ""])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
