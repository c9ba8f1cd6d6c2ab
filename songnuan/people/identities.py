"""Identity written back (身份回填): each name the person gives, each confirmed match with a
family's report, each ID number checked against the police becomes an `Identity` with its source
and time. One is in force and the person file follows it; none is ever overwritten in silence.

A new identity that contradicts the one in force (another name or another ID number) needs an
explicit reason to supersede it. Callers that cannot ask for one (a police answer, a confirmed
candidate) hold it instead, for an officer to decide on the person file. A confirmed identity
supersedes a name the person merely gave without a reason: nicknames (老徐) are expected.
"""

from __future__ import annotations

import datetime
import unicodedata
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.actors import recorded
from songnuan.people import crypto
from songnuan.people.identity import IdNumberError, parse_id_number
from songnuan.people.models import Identity, IdentitySource, IdentityStatus, Person
from songnuan.people.services import apply_id_number, refresh_derived, today
from songnuan.refusals import Conflict, Refused


def in_force(person: Person) -> Identity | None:
    return person.identities.filter(status=IdentityStatus.IN_FORCE).first()


def history(person: Person) -> list[Identity]:
    return list(person.identities.select_related("recorded_by").order_by("-recorded_at", "-pk"))


def _same_name(one: str, other: str) -> bool:
    def plain(text: str) -> str:
        return "".join(unicodedata.normalize("NFKC", text).split())
    return plain(one) == plain(other)


def contradiction(current: Identity | None, new: Identity) -> str:
    """Why `new` contradicts the identity in force ("" when it does not)."""
    if current is None:
        return ""
    if current.source == IdentitySource.SELF_GIVEN and new.is_confirmed:
        return ""
    if current.id_number_digest and new.id_number_digest \
            and current.id_number_digest != new.id_number_digest:
        return _("another ID number")
    if current.name and new.name and not _same_name(current.name, new.name):
        return _("another name (%(name)s)") % {"name": current.name}
    return ""


@transaction.atomic
def record_identity(person: Person, *, source: str, name: str = "", id_number: str = "",
                    native_place: str = "", reference: str = "", reason: str = "",
                    by: Any = None, hold_on_conflict: bool = False,
                    now: datetime.datetime | None = None) -> Identity:
    """Record who the person is said to be; in force unless it contradicts the identity in
    force without a reason (then refused, or held when `hold_on_conflict`)."""
    now = now or timezone.now()
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.merged_into_id:
        raise Conflict(_("This file was merged into another: record the identity there."))
    if source not in IdentitySource.values:
        raise Refused(_("Say where this identity comes from."), field="source")
    new = Identity(person=person, source=source, name=name.strip()[:50],
                   native_place=native_place.strip()[:100], reference=reference.strip()[:100],
                   reason=reason.strip()[:200], recorded_at=now, recorded_by=recorded(by))
    if not new.name and not id_number.strip():
        raise Refused(_("Give a name or an ID number."), field="name")
    if id_number.strip():
        _set_number(new, id_number)
    current = in_force(person)
    conflict = contradiction(current, new)
    if conflict and not new.reason:
        if not hold_on_conflict:
            raise Refused(_("This contradicts the identity in force (%(what)s, %(source)s): give "
                            "the reason to supersede it.") % {
                "what": conflict, "source": current.get_source_display()}, field="reason")
        new.status = IdentityStatus.HELD
        new.save()
        return new
    return _put_in_force(person, new, current, now, by)


def _set_number(identity: Identity, raw: str) -> None:
    try:
        number = parse_id_number(raw).number
    except IdNumberError as error:
        raise Refused(error.message, field="id_number") from None
    identity.id_number_cipher = crypto.encrypt(number)
    identity.id_number_digest = crypto.keyed_hash(number)


@transaction.atomic
def supersede_with(held: Identity, *, reason: str, by: Any,
                   now: datetime.datetime | None = None) -> Identity:
    """Put a held identity in force, with the reason the one in force is wrong."""
    now = now or timezone.now()
    held = Identity.objects.select_for_update().get(pk=held.pk)
    if held.status != IdentityStatus.HELD:
        raise Conflict(_("Only an identity held for a decision can be put in force."))
    if not reason.strip():
        raise Refused(_("Give the reason to supersede the identity in force."), field="reason")
    person = Person.objects.select_for_update().get(pk=held.person_id)
    held.reason = reason.strip()[:200]
    return _put_in_force(person, held, in_force(person), now, by)


def _put_in_force(person: Person, new: Identity, current: Identity | None,
                  now: datetime.datetime, by: Any) -> Identity:
    if current is not None:
        current.status, current.superseded_at = IdentityStatus.SUPERSEDED, now
        current.save()
    new.status = IdentityStatus.IN_FORCE
    new.save()
    if current is not None:
        current.superseded_by = new
        current.save(update_fields=["superseded_by"])
    _write_back(person, new, by)
    return new


def _write_back(person: Person, identity: Identity, by: Any) -> None:
    """The person file follows the identity in force (a given name is kept as theirs)."""
    if identity.source == IdentitySource.SELF_GIVEN:
        # Put in force over a confirmed name (with a reason): that name is no longer shown.
        person.self_name, person.name = identity.name or person.self_name, ""
    elif identity.name:
        person.name = identity.name
    if identity.native_place:
        person.native_place = identity.native_place
    if identity.id_number_cipher and identity.id_number_digest != person.id_number_digest:
        clash = Person.objects.filter(id_number_digest=identity.id_number_digest,
                                      merged_into__isnull=True).exclude(pk=person.pk).first()
        if clash is not None:
            raise Conflict(_("Another file (#%(id)s) already has this ID number: merge the two "
                             "instead.") % {"id": clash.pk})
        person.sex = ""  # the number says; a sex typed before is not evidence against it
        errors = apply_id_number(person, identity.id_number(), today())
        if errors:
            raise Refused(next(iter(errors.values())), field="id_number")
    refresh_derived(person, today())
    person.save()


def record_staff_entry(person: Person, *, by: Any) -> Identity | None:
    """The name typed when a file is opened (from papers or as staff recorded it), as the
    first identity of the history."""
    if not person.name or person.identities.exists():
        return None
    identity = Identity.objects.create(
        person=person, name=person.name, native_place=person.native_place,
        id_number_cipher=person.id_number_cipher, id_number_digest=person.id_number_digest,
        source=IdentitySource.STAFF, status=IdentityStatus.IN_FORCE, recorded_by=recorded(by))
    return identity
