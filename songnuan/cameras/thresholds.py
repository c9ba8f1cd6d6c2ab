"""Each camera's confidence threshold (置信度阈值), learnt from what dispatchers said of its
candidates over the last nights.

A camera whose candidates are mostly dismissed as "not a person" or "a worker or a passer-by"
wastes the dispatchers' nights: its threshold rises with that share, from the default (at half
or less) to the highest (when every verified candidate was one). When confirmations come to
dominate again the share falls and the threshold comes back down to the default, never below.
Too few verified candidates teach nothing: the default holds. A detection under its camera's
threshold never enters the queue; it is stored as below the threshold and counted in the
figures, so that nothing is dropped without a trace.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.cameras.figures import last_night, night_start
from songnuan.cameras.models import Camera, CandidateStatus, Detection, DismissReason

FALSE_ALARMS = (DismissReason.NOT_A_PERSON, DismissReason.WORKER_OR_PASSER_BY)
MIN_VERIFIED = 5
# Up to this share of false alarms the default threshold holds.
TOLERATED_SHARE = 0.5


@dataclass(frozen=True)
class Threshold:
    """A camera's threshold and what it was learnt from."""

    value: float
    nights: int
    verified: int = 0
    false_alarms: int = 0
    confirmed: int = 0

    @property
    def is_raised(self) -> bool:
        return self.value > settings.CAMERAS_THRESHOLD_DEFAULT

    def explanation(self) -> str:
        figures = {"value": f"{self.value:.2f}", "nights": self.nights,
                   "verified": self.verified, "false": self.false_alarms,
                   "confirmed": self.confirmed}
        if self.verified < MIN_VERIFIED:
            return _("Threshold %(value)s, the default: %(verified)s candidates verified in the "
                     "last %(nights)s nights, too few to learn from.") % figures
        if self.is_raised:
            return _("Threshold %(value)s: in the last %(nights)s nights, %(false)s of "
                     "%(verified)s candidates were dismissed as not a person or a passer-by.") \
                % figures
        return _("Threshold %(value)s, the default: in the last %(nights)s nights, "
                 "%(confirmed)s of %(verified)s candidates were confirmed and %(false)s "
                 "dismissed as not a person or a passer-by.") % figures


def learnt_threshold(verified: int, false_alarms: int, default: float, highest: float) -> float:
    """The rule: the default up to the tolerated share of false alarms, then rising in step
    with the share to `highest` when all were false; bounded by both."""
    if verified < MIN_VERIFIED:
        return default
    share = min(max(false_alarms / verified, 0.0), 1.0)
    if share <= TOLERATED_SHARE:
        return default
    rise = (share - TOLERATED_SHARE) / (1 - TOLERATED_SHARE)
    return round(min(max(default + (highest - default) * rise, default), highest), 2)


def for_camera(camera: Camera, now: datetime.datetime | None = None) -> Threshold:
    """The camera's threshold from its candidates verified over the last nights."""
    nights = settings.CAMERAS_THRESHOLD_NIGHTS
    since = night_start(last_night(now) - datetime.timedelta(days=nights - 1))
    counts = (Detection.objects
              .filter(camera=camera, captured_at__gte=since, captured_at__lte=now or timezone.now(),
                      status__in=[CandidateStatus.CONFIRMED, CandidateStatus.DISMISSED])
              .aggregate(verified=Count("pk"),
                         false_alarms=Count("pk", filter=Q(dismiss_reason__in=FALSE_ALARMS)),
                         confirmed=Count("pk", filter=Q(status=CandidateStatus.CONFIRMED))))
    value = learnt_threshold(counts["verified"], counts["false_alarms"],
                             settings.CAMERAS_THRESHOLD_DEFAULT, settings.CAMERAS_THRESHOLD_MAX)
    return Threshold(value, nights, **counts)
