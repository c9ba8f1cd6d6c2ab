"""Candidates left waiting: during an active cold-weather protocol, a camera candidate nobody
has verified within `CAMERAS_UNVERIFIED_ALERT_MINUTES` is told to the district's leader on duty
(once per candidate, through duty's alerts), since a person lying out on such a night cannot
wait for a busy dispatcher."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.cameras.models import CandidateStatus, Detection
from songnuan.duty import services as duty
from songnuan.duty.models import Alert, Severity, Topic
from songnuan.weather.protocol import active_districts
from songnuan.words import said_to_each


def alert_key(detection: Detection) -> str:
    return f"camera-candidate-waiting:{detection.pk}"


def alert_waiting_candidates(now: datetime.datetime | None = None) -> list[Alert]:
    """Alert the leaders on duty of candidates waiting too long under an active protocol."""
    now = now or timezone.now()
    cutoff = now - datetime.timedelta(minutes=settings.CAMERAS_UNVERIFIED_ALERT_MINUTES)
    late = list(Detection.objects.filter(status=CandidateStatus.PENDING, received_at__lte=cutoff)
                .select_related("camera", "camera__district").order_by("received_at"))
    protocol = active_districts({d.camera.district_id for d in late}, now)
    sent: list[Alert] = []
    for detection in late:
        if detection.camera.district_id not in protocol:
            continue
        minutes = int((now - detection.received_at).total_seconds() // 60)
        sent += duty.alert(detection.camera.district, topic=Topic.LEAD_OVERDUE,
                           severity=Severity.SEVERE,
                           text=said_to_each(_waited_text, detection, minutes),
                           url=f"{reverse('cameras:queue')}#candidate-{detection.pk}",
                           key=alert_key(detection), at=now)
    return sent


def _waited_text(detection: Detection, minutes: int) -> str:
    return _("A camera candidate at %(camera)s (%(label)s) has waited %(minutes)s minutes "
             "for verification under the cold-weather protocol.") % {
        "camera": detection.camera.name, "label": detection.get_label_display(),
        "minutes": minutes}
