"""Hotline rules: logging a call, attaching its recording, the retention of recordings.

`log_call` is the one way a call is logged (the form, or right after the hotline lead form);
`attach_recording` the one way a recording comes in (the signed connector, the folder import):
audio only, within the size limit, for a call that exists, or refused with a reason and nothing
stored. `purge_expired_recordings` is the periodic job's work.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts.scoping import may_place_in
from songnuan.hotline.models import Call, CallKind, Recording, UsedSignature
from songnuan.leads.models import Lead
from songnuan.network.city import served_city
from songnuan.notify.phones import normalize_mobile
from songnuan.refusals import Conflict, Refused
from songnuan.tracing.models import MissingReport

log = logging.getLogger(__name__)

# Calls are logged while or just after they happen; a clock a minute ahead is not the future.
CLOCK_SLACK = datetime.timedelta(minutes=1)
MAX_DURATION_S = 24 * 3600
SHORTEN_PERMISSION = "hotline.shorten_retention"
_SEPARATORS = re.compile(r"[\s\-()]")
_LANDLINE = re.compile(r"^0\d{9,11}$")
_SHORT_NUMBER = re.compile(r"^\d{3,8}$")
# The city's own area code, as its hotline is written (0451-12345), for the example.
_AREA_CODE = re.compile(r"^0\d{2,3}(?=\D)")


def normalize_caller(value: str) -> str:
    """A caller's number as stored: a mobile in its 11 digits (like every phone of the project),
    a landline with its area code, or a short service number; '' for a hidden number."""
    digits = _SEPARATORS.sub("", value or "")
    if not digits:
        return ""
    try:
        return normalize_mobile(digits)
    except ValidationError:
        pass
    if digits.startswith("+86"):
        digits = "0" + digits[3:].lstrip("0")
    if _LANDLINE.match(digits) or _SHORT_NUMBER.match(digits):
        return digits
    area = _AREA_CODE.match(served_city().hotline)
    message = (_("Write the caller's number in digits: a mobile, or a landline with its area "
                 "code (%(area)s…).") % {"area": area.group()} if area else
               _("Write the caller's number in digits: a mobile, or a landline with its area "
                 "code."))
    raise Refused(message, "caller_phone", "invalid_phone")


@dataclass
class CallInput:
    started_at: datetime.datetime | None
    kind: str
    duration_s: int | None = 0
    caller_phone: str = ""
    note: str = ""
    lead: Lead | None = None
    missing_report: MissingReport | None = None


def call_refusals(data: CallInput, now: datetime.datetime) -> list[Refused]:
    """Everything wrong with a call, field by field (the form shows them all)."""
    found = []
    if data.started_at is None:
        found.append(Refused(_("When did the call start?"), "started_at"))
    elif data.started_at > now + CLOCK_SLACK:
        found.append(Refused(_("The call cannot start in the future."), "started_at", "future"))
    if data.duration_s is None or data.duration_s < 0:
        found.append(Refused(_("The duration is a number of seconds, 0 or more."),
                             "duration_s", "negative"))
    elif data.duration_s > MAX_DURATION_S:
        found.append(Refused(_("A call lasts at most a day."), "duration_s"))
    if data.kind not in CallKind.values:
        found.append(Refused(_("Choose what kind of call it was."), "kind"))
    if len(data.note) > 1000:
        found.append(Refused(_("At most 1000 characters."), "note"))
    try:
        normalize_caller(data.caller_phone)
    except Refused as refusal:
        found.append(refusal)
    return found


def log_call(data: CallInput, *, by, now: datetime.datetime | None = None) -> Call:
    """Log a call answered by `by`. Its district is the lead's or the missing report's, else the
    operator's; a call with a lead or report outside the operator's reach is refused."""
    now = now or timezone.now()
    for refusal in call_refusals(data, now):
        raise refusal
    if data.lead is not None and not Lead.objects.restrict(by).filter(pk=data.lead.pk).exists():
        raise Refused(_("This lead is outside your reach."), "lead")
    if data.missing_report is not None and not MissingReport.objects.restrict(by).filter(
            pk=data.missing_report.pk).exists():
        raise Refused(_("This missing report is outside your reach."), "missing_report")
    district_id = (data.lead.district_id if data.lead is not None and data.lead.district_id
                   else data.missing_report.district_id if data.missing_report is not None
                   else by.district_id or (by.site.district_id if by.site_id else None))
    if data.lead is None and data.missing_report is None and not may_place_in(by, district_id):
        raise Refused(_("You may not log calls here."))
    phone = normalize_caller(data.caller_phone)
    if not phone and data.lead is not None:
        phone = data.lead.reporter_phone
    if not phone and data.missing_report is not None:
        phone = data.missing_report.reporter_phone
    return Call.objects.create(
        started_at=data.started_at, caller_phone=phone, duration_s=data.duration_s,
        operator=by, district_id=district_id, kind=data.kind, note=data.note.strip(),
        lead=data.lead, missing_report=data.missing_report, logged_at=now)


# ---------------------------------------------------------------------------------------------
# Recordings

def audio_extension(head: bytes) -> str | None:
    """The kind of audio a file holds, from its first bytes, or None when it is not audio we
    take: WAV (RIFF…WAVE), MP3 (an ID3 tag or a frame sync), AMR (#!AMR), Ogg (OggS), M4A
    (an ISO media file, `ftyp` with an audio brand)."""
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "wav"
    if head[:3] == b"ID3" or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0):
        return "mp3"
    if head[:5] == b"#!AMR":
        return "amr"
    if head[:4] == b"OggS":
        return "ogg"
    if head[4:8] == b"ftyp" and head[8:12] in (b"M4A ", b"M4B ", b"mp42", b"isom"):
        return "m4a"
    return None


CONTENT_TYPES = {"wav": "audio/wav", "mp3": "audio/mpeg", "amr": "audio/amr",
                 "ogg": "audio/ogg", "m4a": "audio/mp4"}


def too_large() -> Refused:
    limit = settings.HOTLINE_RECORDING_MAX_BYTES
    return Refused(_("The recording is larger than %(mb).1f MB.") % {"mb": limit / 1_000_000},
                   "recording", "too_large")


def check_recording(content: bytes) -> str:
    """The recording's extension, or a refusal saying why it is not taken."""
    if not content:
        raise Refused(_("The recording is empty."), "recording", "empty")
    if len(content) > settings.HOTLINE_RECORDING_MAX_BYTES:
        raise too_large()
    extension = audio_extension(content[:16])
    if extension is None:
        raise Refused(_("This is not an audio recording (WAV, MP3, AMR, Ogg or M4A)."),
                      "recording", "not_audio")
    return extension


def standard_keep_until(call: Call) -> datetime.datetime:
    return call.started_at + datetime.timedelta(days=settings.HOTLINE_RECORDING_RETENTION_DAYS)


def find_call(call_id) -> Call:
    call = Call.objects.filter(pk=call_id).first() if str(call_id).isdigit() else None
    if call is None:
        raise Refused(_("No call %(id)s is logged: log the call first.") % {"id": call_id},
                      "call", "unknown_call")
    return call


def attach_recording(call: Call, content: bytes, *, name: str = "", signature: str = "",
                     now: datetime.datetime | None = None) -> Recording:
    """Store a call's recording, kept for the retention period from the call. A connector's
    signature is remembered in the same transaction, so a replay finds it."""
    now = now or timezone.now()
    extension = check_recording(content)
    try:
        with transaction.atomic():
            if signature:
                UsedSignature.objects.create(signature=signature, seen_at=now)
            recording = Recording(call=call, extension=extension, size=len(content),
                                  original_name=Path(name).name[:200], received_at=now,
                                  keep_until=standard_keep_until(call))
            recording.audio.save(f"recording.{extension}", ContentFile(content), save=False)
            recording.save()
    except IntegrityError:
        raise Conflict(_("This signed request was already received: sign each sending afresh."),
                       "X-Hotline-Signature", "replay") from None
    return recording


def receive(call_id: str, content: bytes, signature: str,
            now: datetime.datetime | None = None) -> Recording:
    """A recording from the connector, its signature already checked."""
    if UsedSignature.objects.filter(signature=signature).exists():
        raise Conflict(_("This signed request was already received: sign each sending afresh."),
                       "X-Hotline-Signature", "replay")
    return attach_recording(find_call(call_id), content, signature=signature, now=now)


def shorten_retention(recording: Recording, *, days: int, reason: str, by,
                      now: datetime.datetime | None = None) -> Recording:
    """Keep a recording for fewer days than the standard period: a manager, with a reason."""
    if not by.has_perm(SHORTEN_PERMISSION):
        raise Refused(_("Only a manager may keep a recording for a shorter period."))
    standard = settings.HOTLINE_RECORDING_RETENTION_DAYS
    if not 1 <= days < standard:
        raise Refused(_("Give a number of days from 1 to %(max)s.") % {"max": standard - 1},
                      "days")
    if not reason.strip():
        raise Refused(_("Say why the recording is kept for a shorter period."), "reason")
    recording.keep_until = recording.call.started_at + datetime.timedelta(days=days)
    recording.shortened_reason, recording.shortened_by = reason.strip()[:300], by
    recording.save()
    return recording


def purge_expired_recordings(now: datetime.datetime | None = None) -> list[int]:
    """Delete the recordings past their `keep_until` (file and row) and the signatures too old
    to be replayed; log what was removed. Returns the ids of the recordings deleted."""
    now = now or timezone.now()
    removed = []
    for recording in Recording.objects.filter(keep_until__lt=now).select_related("call"):
        recording.audio.storage.delete(recording.audio.name)
        log.info("deleted hotline recording %s of call %s (kept until %s)", recording.pk,
                 recording.call_id, recording.keep_until.isoformat(),
                 extra={"recording": recording.pk, "call": recording.call_id})
        removed.append(recording.pk)
        recording.delete()
    skew = datetime.timedelta(seconds=settings.HOTLINE_SIGNATURE_SKEW_S * 2)
    UsedSignature.objects.filter(seen_at__lt=now - skew).delete()
    if removed:
        log.info("deleted %d expired hotline recordings: %s", len(removed),
                 ",".join(map(str, removed)), extra={"recordings": removed})
    return removed


# ---------------------------------------------------------------------------------------------
# The folder import

# call-<id>.<ext>, or <caller number>_<YYYYMMDD>-<HHMMSS>.<ext> in local time.
BY_ID = re.compile(r"^call-(\d+)$", re.IGNORECASE)
BY_CALLER = re.compile(r"^(\+?[\d]+)_(\d{8})-(\d{6})$")
# How far the start time in a file name may be from the logged start of the call.
NAME_TIME_SLACK = datetime.timedelta(minutes=2)


def call_for_file(name: str) -> Call:
    """The call a file name names, or a refusal saying why none."""
    stem = Path(name).stem
    if matched := BY_ID.match(stem):
        return find_call(matched.group(1))
    if matched := BY_CALLER.match(stem):
        phone = normalize_caller(matched.group(1))
        try:
            started = timezone.make_aware(datetime.datetime.strptime(
                matched.group(2) + matched.group(3), "%Y%m%d%H%M%S"))
        except ValueError:
            raise Refused(_("The time in the file name is not a real time."), "call") from None
        calls = list(Call.objects.filter(
            caller_phone=phone, started_at__gte=started - NAME_TIME_SLACK,
            started_at__lte=started + NAME_TIME_SLACK)[:2])
        if len(calls) != 1:
            raise Refused(_("No single call from this number at this time is logged.")
                          if not calls else _("Two calls from this number at this time: name "
                                              "the file call-<id>."), "call", "unknown_call")
        return calls[0]
    raise Refused(_("Name the file call-<id> or <number>_<YYYYMMDD>-<HHMMSS>."), "call",
                  "bad_name")


@dataclass(frozen=True)
class ImportOutcome:
    path: Path
    recording: Recording | None = None
    refused: str = ""


def import_folder(folder: Path, now: datetime.datetime | None = None) -> list[ImportOutcome]:
    """Attach every file of `folder` to the call its name names; a file already attached to
    its call (same name) is skipped, so the import may run again."""
    outcomes = []
    for path in sorted(p for p in folder.iterdir() if p.is_file()):
        try:
            call = call_for_file(path.name)
            if call.recordings.filter(original_name=path.name).exists():
                raise Conflict(_("Already attached to call %(id)s.") % {"id": call.pk})
            if path.stat().st_size > settings.HOTLINE_RECORDING_MAX_BYTES:
                raise too_large()
            recording = attach_recording(call, path.read_bytes(), name=path.name, now=now)
        except Refused as refusal:
            outcomes.append(ImportOutcome(path, refused=str(refusal.message)))
        else:
            outcomes.append(ImportOutcome(path, recording=recording))
    return outcomes
