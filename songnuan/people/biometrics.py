"""Biometrics at admission (入站采集): a photo cropped to the face and the fingerprints taken,
or the reason the person refused or could not give them.

The MCA working rules ask that everyone admitted is photographed and fingerprinted and that both
are entered in the system; tracing counts its "biometrics" step done only when `is_complete`.
A photo where no face is found is refused unless staff say why it has none (a bandaged face, a
person who turns away); the face embedding is computed in the background once the photo is saved.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan import images
from songnuan.actors import recorded
from songnuan.people import faces
from songnuan.people.models import (
    Biometric,
    BiometricNotTaken,
    FingerprintCapture,
    NotTakenReason,
    Person,
    PersonPhoto,
)
from songnuan.refusals import Refused

# Not a reason recorded on the file: the photo or fingerprints are still to take, and the
# tracing step stays open on its deadline.
LATER = "later"


@dataclass(frozen=True)
class CheckedPhoto:
    """A photo ready to store: re-encoded without metadata and cropped to the face when one
    was found (`face_found` None: no detector installed, nothing was checked)."""

    content: bytes
    face_found: bool | None
    without_face_reason: str = ""


def check_photo(upload: Any, without_face_reason: str = "") -> CheckedPhoto:
    """The photo cropped to the largest face; refused when it shows none and staff gave no
    reason, or when it is not a photo at all."""
    upload.seek(0)
    try:
        content, _width, _height = images.reencoded(upload.read())
    except ValidationError as error:
        raise Refused(error.messages[0], field="photo") from None
    reason = without_face_reason.strip()
    if not faces.available():
        return CheckedPhoto(content, None, reason)
    crop = faces.cropped_to_face(content)
    if crop is not None:
        return CheckedPhoto(crop, True)
    if not reason:
        raise Refused(_("No face found in this photo: take it again, facing the person in "
                        "good light, or say why the photo cannot show the face."),
                      field="photo")
    return CheckedPhoto(content, False, reason)


@dataclass
class FingerprintInput:
    device: str = ""
    police_reference: str = ""
    scan: Any = None
    captured_at: datetime.datetime | None = None


@dataclass
class BiometricsInput:
    """What the admission form gathered; a reason instead of a photo or fingerprints."""

    photo: CheckedPhoto | None = None
    photo_not_taken: str = ""  # a NotTakenReason, LATER or ""
    photo_note: str = ""
    fingerprint: FingerprintInput | None = None
    fingerprints_not_taken: str = ""
    fingerprints_note: str = ""


def check_input(data: BiometricsInput) -> None:
    """Each of photo and fingerprints is given, or a reason is (refused with the field)."""
    _check_one(data.photo is not None, data.photo_not_taken, data.photo_note, "photo")
    if data.fingerprint is not None:
        check_fingerprint(data.fingerprint)
    _check_one(data.fingerprint is not None, data.fingerprints_not_taken,
               data.fingerprints_note, "fingerprints")


def _check_one(given: bool, reason: str, note: str, field: str) -> None:
    if given:
        return
    if reason == LATER:
        return
    if reason not in NotTakenReason.values:
        raise Refused(_("Take it now, or say why it is not taken."), field=f"{field}_not_taken")
    if not note.strip():
        raise Refused(_("Say in a few words why."), field=f"{field}_note")


def check_fingerprint(data: FingerprintInput) -> None:
    if not data.device.strip():
        raise Refused(_("Which device took the fingerprints?"), field="fingerprint_device")
    if not data.police_reference.strip() and data.scan is None:
        raise Refused(_("Give the police system's reference number for the fingerprints, or "
                        "attach the scan."), field="fingerprint_reference")


@transaction.atomic
def record(person: Person, data: BiometricsInput, *, by: Any,
           now: datetime.datetime | None = None) -> None:
    """Store what was taken and the reasons for what was not (one transaction)."""
    now = now or timezone.now()
    check_input(data)
    if data.photo is not None:
        add_photo(person, data.photo, by=by, caption=_("At admission"))
    elif data.photo_not_taken in NotTakenReason.values:
        not_taken(person, Biometric.PHOTO, data.photo_not_taken, data.photo_note, by=by,
                  now=now)
    if data.fingerprint is not None:
        add_fingerprints(person, data.fingerprint, by=by, now=now)
    elif data.fingerprints_not_taken in NotTakenReason.values:
        not_taken(person, Biometric.FINGERPRINTS, data.fingerprints_not_taken,
                  data.fingerprints_note, by=by, now=now)


@transaction.atomic
def record_later(person: Person, data: BiometricsInput, *, by: Any,
                 now: datetime.datetime | None = None) -> list[str]:
    """What was taken after admission (a person who came back to it, fingerprints done at the
    police station): whatever is given, each part checked; returns what was recorded."""
    now = now or timezone.now()
    done = []
    if data.photo is not None:
        add_photo(person, data.photo, by=by, caption=_("After admission"))
        done.append(Biometric.PHOTO)
    elif data.photo_not_taken in NotTakenReason.values:
        not_taken(person, Biometric.PHOTO, data.photo_not_taken, data.photo_note, by=by,
                  now=now)
        done.append(Biometric.PHOTO)
    if data.fingerprint is not None:
        add_fingerprints(person, data.fingerprint, by=by, now=now)
        done.append(Biometric.FINGERPRINTS)
    elif data.fingerprints_not_taken in NotTakenReason.values:
        not_taken(person, Biometric.FINGERPRINTS, data.fingerprints_not_taken,
                  data.fingerprints_note, by=by, now=now)
        done.append(Biometric.FINGERPRINTS)
    if not done:
        raise Refused(_("Take the photo or the fingerprints, or say why they cannot be taken."))
    return done


def add_photo(person: Person, photo: CheckedPhoto, *, by: Any, caption: str = "") -> PersonPhoto:
    return PersonPhoto.objects.create(
        person=person, image=images.ScrubbedPhoto(photo.content, name="photo.jpg"),
        caption=caption[:100], taken_by=recorded(by), face_found=photo.face_found,
        without_face_reason=photo.without_face_reason[:200])


def add_fingerprints(person: Person, data: FingerprintInput, *, by: Any,
                     now: datetime.datetime | None = None) -> FingerprintCapture:
    check_fingerprint(data)
    capture = FingerprintCapture(
        person=person, device=data.device.strip()[:100], operator=recorded(by),
        captured_at=data.captured_at or now or timezone.now(),
        police_reference=data.police_reference.strip()[:50])
    if data.scan is not None:
        try:
            capture.scan = images.scrubbed(data.scan)
        except ValidationError as error:
            raise Refused(error.messages[0], field="fingerprint_scan") from None
    capture.save()
    return capture


def not_taken(person: Person, biometric: str, reason: str, note: str, *, by: Any,
              now: datetime.datetime | None = None) -> BiometricNotTaken:
    if reason not in NotTakenReason.values:
        raise Refused(_("Take it now, or say why it is not taken."),
                      field=f"{biometric}_not_taken")
    if not note.strip():
        raise Refused(_("Say in a few words why."), field=f"{biometric}_note")
    return BiometricNotTaken.objects.create(
        person=person, biometric=biometric, reason=reason, note=note.strip()[:200],
        recorded_at=now or timezone.now(), recorded_by=recorded(by))


def is_complete(person: Person) -> bool:
    """A photo and fingerprints on file, or the recorded reason each is missing."""
    waived = set(person.biometrics_not_taken.values_list("biometric", flat=True))
    has_photo = Biometric.PHOTO in waived or person.photos.exists()
    has_prints = Biometric.FINGERPRINTS in waived or person.fingerprints.exists()
    return has_photo and has_prints


def summary(person: Person) -> dict[str, Any]:
    """What the file shows of its biometrics: when the latest photo was taken (not the photo,
    which only its own view shows), the fingerprints, and the reasons either is missing."""
    not_taken = {row.biometric: row for row in person.biometrics_not_taken.all()}
    return {
        "pictured": person.photos.order_by("-taken_at").first(),
        "fingerprints": person.fingerprints.select_related("operator").first(),
        "no_picture": not_taken.get(Biometric.PHOTO),
        "no_prints": not_taken.get(Biometric.FINGERPRINTS),
        "complete": is_complete(person),
    }
