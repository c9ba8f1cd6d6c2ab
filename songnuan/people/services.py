"""Person-file rules: identity and age checks, the portrait, duplicates, merge and un-merge.

Rules refuse with `songnuan.refusals.Refused` (`Conflict` when the state of things is at fault):
forms show it at its field and the API answers 422 (409); every workflow runs in one transaction.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _

from songnuan.accounts import audit
from songnuan.accounts.roles import SENSITIVE
from songnuan.actors import recorded
from songnuan.people import crypto
from songnuan.people.identity import IdNumberError, parse_id_number
from songnuan.people.models import Person, PersonMerge, Sex
from songnuan.people.portrait import assess, derived_categories
from songnuan.refusals import Conflict, Refused

MAX_AGE_YEARS = 120
# Blank fields of the kept file that a merge fills from the merged one.
MERGE_FILL_FIELDS = (
    "name", "alias", "self_name", "sex", "birth_date", "age_estimate", "age_estimated_on",
    "id_number_cipher", "id_number_digest", "native_place", "dialect", "height_cm",
    "marks", "mental_state", "health_notes",
)
MERGE_UNION_FIELDS = ("categories", "flags")


# Checks other apps add before a merge (e.g. "both have an open stay"): fn(survivor, absorbed)
# returns a message to refuse with, or None.
MergeCheck = Callable[[Person, Person], "str | None"]
_merge_checks: list[MergeCheck] = []


def register_merge_check(check: MergeCheck) -> None:
    if check not in _merge_checks:
        _merge_checks.append(check)


def today() -> datetime.date:
    return timezone.localdate()


def check_dates(person: Person, day: datetime.date) -> dict[str, str]:
    """Impossible ages and dates, by field."""
    errors = {}
    if person.birth_date:
        if person.birth_date > day:
            errors["birth_date"] = _("The birth date is in the future.")
        elif day.year - person.birth_date.year > MAX_AGE_YEARS:
            errors["birth_date"] = _("That would make the person older than %(max)s years.") % {
                "max": MAX_AGE_YEARS}
    if person.age_estimate is not None and person.age_estimate > MAX_AGE_YEARS:
        errors["age_estimate"] = _("An age above %(max)s years is not possible.") % {
            "max": MAX_AGE_YEARS}
    if person.age_estimated_on and person.age_estimated_on > day:
        errors["age_estimated_on"] = _("The age cannot have been estimated in the future.")
    if person.age_estimate is not None and not person.age_estimated_on:
        person.age_estimated_on = day
    if person.height_cm is not None and not 40 <= person.height_cm <= 250:
        errors["height_cm"] = _("A height between 40 and 250 cm, please.")
    return errors


def apply_id_number(person: Person, raw: str, day: datetime.date) -> dict[str, str]:
    """Validate and store an ID number (encrypted, with its lookup hash); errors by field.

    Only the birth year stays in the clear beside it: the birth date and region it holds are
    read from the decrypted number when needed (`Person.id_birth_date`, `Person.id_region`).
    """
    if not raw.strip():
        return drop_birth_date_held_by_id_number(person)
    try:
        info = parse_id_number(raw, day)
    except IdNumberError as error:
        return {"id_number": error.message}
    errors = _birth_date_mismatch(person, info.birth_date)
    if person.sex and person.sex != info.sex:
        errors["sex"] = _("The sex does not match the ID number.")
    if errors:
        return errors
    person.birth_date = None
    person.birth_year = info.birth_date.year
    person.sex = person.sex or info.sex
    person.id_number_cipher = crypto.encrypt(info.number)
    person.id_number_digest = crypto.keyed_hash(info.number)
    return {}


def drop_birth_date_held_by_id_number(person: Person) -> dict[str, str]:
    """A birth date typed beside a number on file is checked against it and not kept apart."""
    if not person.birth_date or not person.has_id_number:
        return {}
    from_number = person.id_birth_date()
    if from_number is None:  # no configured key opens the number: keep what was typed
        return {}
    errors = _birth_date_mismatch(person, from_number)
    if not errors:
        person.birth_date = None
    return errors


def _birth_date_mismatch(person: Person, from_number: datetime.date) -> dict[str, str]:
    if person.birth_date and person.birth_date != from_number:
        return {"birth_date": _("The birth date does not match the ID number (%(date)s).") % {
            "date": from_number.isoformat()}}
    return {}


def find_by_id_number(raw: str, pool: Iterable[Person] | Any) -> Person | None:
    """Exact lookup through the keyed hash: the number itself is never queried."""
    try:
        number = parse_id_number(raw).number
    except IdNumberError:
        return None
    return pool.filter(id_number_digest=crypto.keyed_hash(number),
                       merged_into__isnull=True).first()


def refresh_derived(person: Person, day: datetime.date) -> None:
    """Birth year, age categories and the portrait follow from the rest of the file."""
    if person.birth_date:
        person.birth_year = person.birth_date.year
    elif person.has_id_number:
        born = person.id_birth_date()
        person.birth_year = born.year if born else person.birth_year
    elif person.age_estimate is not None:
        estimated_on = person.age_estimated_on or day
        person.birth_year = estimated_on.year - person.age_estimate
    else:
        person.birth_year = None
    person.categories = derived_categories(person, day)
    portrait = assess(person, day)
    person.risk_level = portrait.level
    person.risk_reasons = portrait.reasons


@transaction.atomic
def save_person(person: Person, *, id_number: str = "", by: Any = None,
                day: datetime.date | None = None) -> Person:
    """Check and save a person file; nothing is written when any check fails."""
    day = day or today()
    errors = check_dates(person, day)
    if not errors:
        errors = apply_id_number(person, id_number, day)
    if not errors and person.id_number_digest:
        clash = Person.objects.filter(
            id_number_digest=person.id_number_digest, merged_into__isnull=True
        ).exclude(pk=person.pk).first()
        if clash is not None:
            errors["id_number"] = _(
                "Another file (#%(id)s) already has this ID number: merge the two instead."
            ) % {"id": clash.pk}
    if person.sex not in Sex.values:
        errors["sex"] = _("Unknown sex.")
    if errors:
        field, message = next(iter(errors.items()))
        raise Refused(message, field=field)
    if person.pk is None and recorded(by) is not None:
        person.created_by = by
        if person.registered_at_id is None and by.site_id:
            person.registered_at_id = by.site_id
        if person.district_id is None:
            person.district_id = by.site.district_id if by.site_id else by.district_id
    refresh_derived(person, day)
    person.save()
    return person


def move_person(person: Person, status: str, *, site: Any = None, district_id: int | None = None,
                day: datetime.date | None = None) -> None:
    """Where the person is now: called by the apps that move people (stays, visits, outreach)."""
    person.status = status
    person.current_site = site
    if site is not None:
        person.district_id = site.district_id
    elif district_id is not None:
        person.district_id = district_id
    refresh_derived(person, day or today())
    person.save()


def record_sensitive_read(person: Person, user: Any, fields: list[str]) -> bool:
    """Log that `user` was shown these sensitive fields; False (and no log) without permission."""
    if not user.has_perm(SENSITIVE):
        return False
    if fields:
        audit.record_sensitive_read(person, fields, user=user)
    return True


def sensitive_fields_present(person: Person) -> list[str]:
    present = [name for name in ("mental_state", "health_notes") if getattr(person, name)]
    if person.has_id_number:
        present.insert(0, "id_number")
    if person.photos.exists():
        present.append("photos")
    return present


def _related_person_fields() -> list[tuple[type[Model], str]]:
    """Every foreign key to Person outside the merge bookkeeping: what a merge moves."""
    found = []
    for relation in Person._meta.related_objects:
        if not relation.one_to_many or relation.related_model is PersonMerge:
            continue
        if relation.related_model is Person:
            continue  # merged_into
        found.append((relation.related_model, relation.field.name))
    return found


@transaction.atomic
def merge(survivor: Person, absorbed: Person, *, by: Any, reason: str) -> PersonMerge:
    """Fold `absorbed` into `survivor`; everything that pointed at it now points at the survivor."""
    survivor = Person.objects.select_for_update().get(pk=survivor.pk)
    absorbed = Person.objects.select_for_update().get(pk=absorbed.pk)
    if survivor.pk == absorbed.pk:
        raise Refused(_("A file cannot be merged with itself."))
    if survivor.merged_into_id or absorbed.merged_into_id:
        raise Conflict(_("One of these files has already been merged."))
    if not reason.strip():
        raise Refused(_("Say why these files are the same person."), field="reason")
    if (survivor.id_number_digest and absorbed.id_number_digest
            and survivor.id_number_digest != absorbed.id_number_digest):
        raise Refused(_("The two files have different ID numbers: they are not one person."))
    for check in _merge_checks:
        refusal = check(survivor, absorbed)
        if refusal:
            raise Conflict(refusal)
    moved: dict[str, list[int]] = {}
    for model, field in _related_person_fields():
        rows = model._base_manager.filter(**{field: absorbed})
        pks = list(rows.values_list("pk", flat=True))
        if pks:
            rows.update(**{field: survivor})
            moved[f"{model._meta.label_lower}.{field}"] = pks
    filled: dict[str, list[Any]] = {}
    for name in MERGE_FILL_FIELDS:
        mine, theirs = getattr(survivor, name), getattr(absorbed, name)
        if mine in ("", None) and theirs not in ("", None):
            filled[name] = [_plain(mine), _plain(theirs)]
            setattr(survivor, name, theirs)
    for name in MERGE_UNION_FIELDS:
        mine = list(getattr(survivor, name))
        union = list(dict.fromkeys(mine + list(getattr(absorbed, name))))
        if union != mine:
            filled[name] = [mine, union]
            setattr(survivor, name, union)
    refusal = drop_birth_date_held_by_id_number(survivor)
    if refusal:
        raise Refused(refusal)
    absorbed.merged_into = survivor
    absorbed.save()
    refresh_derived(survivor, today())
    survivor.save()
    return PersonMerge.objects.create(
        survivor=survivor, absorbed=absorbed, reason=reason.strip(), moved=moved, filled=filled,
        merged_by=recorded(by),
    )


@transaction.atomic
def undo_merge(record: PersonMerge, *, by: Any) -> Person:
    """Give the merged file back what it brought; rows added since stay with the kept file."""
    record = PersonMerge.objects.select_for_update().get(pk=record.pk)
    if record.undone_at:
        raise Conflict(_("This merge has already been undone."))
    survivor = Person.objects.select_for_update().get(pk=record.survivor_id)
    absorbed = Person.objects.select_for_update().get(pk=record.absorbed_id)
    if survivor.merged_into_id:
        raise Conflict(_("The kept file has since been merged into another: undo that first."))
    for key, pks in record.moved.items():
        model_label, field = key.rsplit(".", 1)
        model = _model(model_label)
        model._base_manager.filter(pk__in=pks, **{field: survivor}).update(**{field: absorbed})
    for name, (before, after) in record.filled.items():
        if name not in MERGE_FILL_FIELDS and name not in MERGE_UNION_FIELDS:
            continue  # a column since dropped
        current = _plain(getattr(survivor, name))
        if current == after:  # untouched since the merge
            setattr(survivor, name, _parse(survivor, name, before))
    refresh_derived(survivor, today())
    survivor.save()  # first: it may give back the ID number the merged file takes again
    absorbed.merged_into = None
    absorbed.save()
    record.undone_at = timezone.now()
    record.undone_by = recorded(by)
    record.save()
    return absorbed


def _model(label: str) -> type[Model]:
    from django.apps import apps

    return apps.get_model(label)


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def _parse(person: Person, name: str, value: Any) -> Any:
    field = person._meta.get_field(name)
    if value is not None and field.get_internal_type() == "DateField":
        return datetime.date.fromisoformat(value)
    return value


def live(queryset):
    """Files that have not been merged into another."""
    return queryset.filter(merged_into__isnull=True)

