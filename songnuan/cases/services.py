"""The rules of publicity cases: proposing, consent, review, withdrawal and export.

Consent rules follow the Personal Information Protection Law (个人信息保护法): a person's
information is used only for the purposes they agreed to (arts. 14, 17), and they may withdraw
that consent at any time (art. 15), after which the processing stops and what was made from it is
deleted (art. 47). So a case goes to review only with consent recorded, is exported only for a
use its consent covers, and withdrawal deletes its anonymised copy and photos.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts import audit
from songnuan.accounts.models import User
from songnuan.accounts.roles import REVIEW_CASES
from songnuan.accounts.scoping import can
from songnuan.cases import anonymise
from songnuan.cases.models import (
    AUDIENCE_ORDER,
    Audience,
    Case,
    CasePhoto,
    Consent,
    ConsentGiver,
    ConsentMethod,
    Status,
    covers,
)
from songnuan.network.models import Site
from songnuan.outreach.models import Encounter, Hotspot
from songnuan.people.models import Person, PersonPhoto
from songnuan.places.models import Place
from songnuan.refusals import Conflict, Refused

REVIEW = REVIEW_CASES
MAX_PHOTOS = 6


def known_places() -> dict[str, str]:
    """Every place name the project knows, with the name of its district."""
    places: dict[str, str] = {}
    for model in (Place, Hotspot, Site):
        for name, district in model.objects.values_list("name", "district__name"):
            if name and district:
                places.setdefault(name, district)
    return places


def terms_for(person: Person, district_name: str) -> anonymise.Terms:
    return anonymise.terms_for_names([person.name, person.self_name, person.alias],
                                     known_places(), district_name)


def _anonymise(case: Case) -> None:
    terms = terms_for(case.person, case.district.name)
    case.public_title = anonymise.anonymise_text(case.title, terms)
    case.public_story = anonymise.anonymise_text(case.story, terms)


def _add_photo(case: Case, data: bytes, source: PersonPhoto | None = None) -> None:
    photo = anonymise.anonymise_photo(data)
    CasePhoto.objects.create(case=case, source=source, faces_found=photo.faces_found,
                             image=ContentFile(photo.data, name="case.jpg"))


@dataclass
class Proposal:
    title: str
    story: str
    photos: list[PersonPhoto]
    uploads: list[bytes]
    encounter: Encounter | None = None


def propose(person: Person, proposal: Proposal, *, by: User) -> Case:
    """A new draft case from a person file, anonymised at once."""
    if not by.has_perm("cases.add_case") or not can(by, "view", person):
        raise Refused(_("You may not propose a case from this person file."))
    if not proposal.title.strip() or not proposal.story.strip():
        raise Refused(_("Give the case a title and its story."), field="story")
    if len(proposal.photos) + len(proposal.uploads) > MAX_PHOTOS:
        raise Refused(_("Choose at most %(count)d photos.") % {"count": MAX_PHOTOS},
                      field="photos")
    if any(photo.person_id != person.pk for photo in proposal.photos):
        raise Refused(_("Choose photos of this person only."), field="photos")
    if person.district_id is None:
        raise Refused(_("The person file has no district: set it before proposing a case."))
    with transaction.atomic():
        case = Case(person=person, encounter=proposal.encounter, district=person.district,
                    title=proposal.title.strip(), story=proposal.story.strip(), proposed_by=by)
        _anonymise(case)
        case.save()
        for photo in proposal.photos:
            with photo.image.open("rb") as handle:
                _add_photo(case, handle.read(), source=photo)
        for data in proposal.uploads:
            _add_photo(case, data)
    return case


def edit(case: Case, *, title: str, story: str, by: User) -> Case:
    """Rewrite a draft or returned case; the anonymised copy follows."""
    if not case.is_editable:
        raise Conflict(_("Only a draft or returned case can be changed."))
    if not title.strip() or not story.strip():
        raise Refused(_("Give the case a title and its story."), field="story")
    case.title, case.story = title.strip(), story.strip()
    _anonymise(case)
    case.save()
    return case


@dataclass
class ConsentInput:
    given_by: str
    given_on: datetime.date
    method: str
    scope: str
    guardian_name: str = ""
    witness: str = ""


def record_consent(case: Case, given: ConsentInput, *, by: User) -> Consent:
    """Record the informed consent of the person or their guardian."""
    if case.is_withdrawn:
        raise Conflict(_("Consent to this case was withdrawn."))
    if Consent.objects.filter(case=case).exists():
        raise Conflict(_("Consent is already recorded for this case; it can only be withdrawn."))
    if given.given_on > timezone.localdate():
        raise Refused(_("Consent cannot be given in the future."), field="given_on")
    if given.given_by == ConsentGiver.GUARDIAN and not given.guardian_name.strip():
        raise Refused(_("Name the guardian who consented."), field="guardian_name")
    if given.method == ConsentMethod.VERBAL and not given.witness.strip():
        raise Refused(_("Verbal consent needs a witness."), field="witness")
    return Consent.objects.create(
        case=case, given_by=given.given_by, guardian_name=given.guardian_name.strip(),
        given_on=given.given_on, method=given.method, witness=given.witness.strip(),
        scope=given.scope, recorded_by=by)


def valid_consent(case: Case) -> Consent | None:
    consent = Consent.objects.filter(case=case).first()
    return consent if consent is not None and consent.is_valid else None


def submit(case: Case, *, by: User) -> Case:
    """Send the anonymised case to a manager for review: only with consent recorded."""
    if not case.is_editable:
        raise Conflict(_("Only a draft or returned case can be sent for review."))
    if valid_consent(case) is None:
        raise Refused(_("Record the person's consent before sending the case for review."))
    case.status = Status.IN_REVIEW
    case.save(update_fields=["status"])
    return case


def may_review(user: User, case: Case) -> bool:
    return user.has_perm(REVIEW) and can(user, "change", case)


def review(case: Case, *, approve: bool, note: str = "", by: User,
           now: datetime.datetime | None = None) -> Case:
    """A manager approves the anonymised case, or returns it with a note saying why."""
    if not may_review(by, case):
        raise Refused(_("Only a district or city administrator may review this case."))
    if case.status != Status.IN_REVIEW:
        raise Conflict(_("This case is not waiting for review."))
    if approve and valid_consent(case) is None:
        raise Refused(_("The person's consent is not valid: the case cannot be approved."))
    if not approve and not note.strip():
        raise Refused(_("Say why the case is returned."), field="note")
    case.status = Status.APPROVED if approve else Status.RETURNED
    case.review_note = note.strip()
    case.reviewed_by, case.reviewed_at = by, now or timezone.now()
    case.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    return case


def withdraw(case: Case, *, on: datetime.date, reason: str, by: User) -> Case:
    """Consent withdrawn: the case is taken down, its anonymised text and photos deleted."""
    consent = valid_consent(case)
    if consent is None:
        raise Conflict(_("There is no consent to withdraw."))
    if not reason.strip():
        raise Refused(_("Give the reason for the withdrawal."), field="reason")
    if on > timezone.localdate() or on < consent.given_on:
        raise Refused(_("The withdrawal date must lie between the consent and today."),
                      field="withdrawn_on")
    with transaction.atomic():
        consent.withdrawn_on, consent.withdrawal_reason = on, reason.strip()
        consent.withdrawal_recorded_by = by
        consent.save()
        for photo in case.photos.all():
            photo.image.delete(save=False)
            photo.delete()
        case.status = Status.WITHDRAWN
        case.public_title = case.public_story = ""
        case.save()
        audit.record("consent_withdrawn", case, user=by,
                     changes={"withdrawn_on": on.isoformat(), "reason": reason.strip()})
    return case


def exportable(cases: QuerySet[Case], audience: str) -> QuerySet[Case]:
    """The approved cases whose valid consent covers this use."""
    wide_enough = [scope for scope in AUDIENCE_ORDER if covers(scope, audience)]
    return cases.filter(status=Status.APPROVED, consent__withdrawn_on__isnull=True,
                        consent__scope__in=wide_enough)


def export_docx(cases: Iterable[Case], audience: str, *, by: User) -> bytes:
    """A Word document of approved cases for one use; refused if any may not go there."""
    # Here: python-docx is read only when a document is made.
    from docx import Document
    from docx.shared import Cm

    cases = list(cases)
    if audience not in Audience.values:
        raise Refused(_("Choose what the document is for."), field="audience")
    if not cases:
        raise Refused(_("There is no approved case to export for this use."))
    allowed = set(exportable(Case.objects.filter(pk__in=[case.pk for case in cases]), audience)
                  .values_list("pk", flat=True))
    if any(case.pk not in allowed for case in cases):
        raise Refused(_("Only approved cases whose consent covers this use can be exported."))
    document = Document()
    document.add_heading(_("Publicity cases"), level=0)
    document.add_paragraph(_("For: %(use)s") % {"use": Audience(audience).label})
    for case in cases:
        document.add_heading(case.public_title, level=1)
        for paragraph in case.public_story.splitlines():
            if paragraph.strip():
                document.add_paragraph(paragraph.strip())
        for photo in case.photos.all():
            with photo.image.open("rb") as handle:
                document.add_picture(io.BytesIO(handle.read()), width=Cm(12))
        audit.record("export", case, user=by, changes={"audience": audience})
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
