"""The admission wizard's photo and fingerprint scan, kept between its steps and across errors.

A browser cannot put a file back into a file input, so each upload is checked as soon as it
arrives (the face found and cropped, or refused) and held with `pending_uploads` under a token the
page carries back, signed with what the check found. Only a file that could not be kept (it was
refused, or its token has expired) has to be taken again, and the page says so.
"""

from __future__ import annotations

from typing import Any

from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from songnuan import images, pending_uploads
from songnuan.people import biometrics
from songnuan.people.biometrics import BiometricsInput, CheckedPhoto, FingerprintInput
from songnuan.refusals import Refused

SALT = "songnuan.shelter.admission.held"


class HeldFiles:
    """The files of one admission POST: checked, held, and read back on the next step."""

    def __init__(self, request: HttpRequest) -> None:
        self.user = request.user
        self.refusals: list[Refused] = []
        self.tokens: dict[str, str] = {}
        post = request.POST
        self.photo = self._photo(request.FILES.get("photo"), post.get("photo_token", ""),
                                 post.get("without_face_reason", ""))
        self.scan = self._scan(request.FILES.get("fingerprint_scan"), post.get("scan_token", ""))

    def _photo(self, upload: Any, token: str, without_face_reason: str) -> CheckedPhoto | None:
        if upload is not None:
            try:
                checked = biometrics.check_photo(upload, without_face_reason)
            except Refused as refused:
                self.refusals.append(refused)
                return None
            self._hold("photo_token", checked.content, checked.face_found)
            return checked
        found = self._read("photo_token", token)
        if found is None:
            return None
        content, face_found = found
        reason = without_face_reason.strip() if face_found is False else ""
        return CheckedPhoto(content, face_found, reason)

    def _scan(self, upload: Any, token: str) -> images.ScrubbedPhoto | None:
        if upload is not None:
            try:
                clean = images.scrubbed(upload)
            except ValidationError as error:
                self.refusals.append(Refused(error.messages[0], field="fingerprint_scan"))
                return None
            self._hold("scan_token", clean.read(), None)
            clean.seek(0)
            return clean
        found = self._read("scan_token", token)
        return images.ScrubbedPhoto(found[0], name="scan.jpg") if found else None

    def _hold(self, name: str, content: bytes, face_found: bool | None) -> None:
        token = pending_uploads.hold(images.ScrubbedPhoto(content, name="held.jpg"), self.user)
        if token:
            self.tokens[name] = signing.dumps([token, face_found], salt=SALT)

    def _read(self, name: str, signed: str) -> tuple[bytes, bool | None] | None:
        if not signed:
            return None
        try:
            token, face_found = signing.loads(signed, salt=SALT)
        except (signing.BadSignature, ValueError, TypeError):
            return None
        held = pending_uploads.held(token, self.user)
        if held is None:
            return None
        self.tokens[name] = signed
        return held.read(), face_found

    def biometrics(self, data: dict) -> BiometricsInput:
        """The admission's biometrics from the form's cleaned data and the held files."""
        fingerprint = None
        if data["fingerprint_device"] or data["fingerprint_reference"] or self.scan is not None:
            fingerprint = FingerprintInput(device=data["fingerprint_device"],
                                           police_reference=data["fingerprint_reference"],
                                           scan=self.scan)
        return BiometricsInput(
            photo=self.photo, photo_not_taken=data["photo_not_taken"],
            photo_note=data["photo_note"], fingerprint=fingerprint,
            fingerprints_not_taken=data["fingerprints_not_taken"],
            fingerprints_note=data["fingerprints_note"])

    def release(self) -> None:
        tokens = []
        for signed in self.tokens.values():
            try:
                tokens.append(signing.loads(signed, salt=SALT)[0])
            except signing.BadSignature:
                continue
        pending_uploads.release(tokens, self.user)
