"""The audit log as people read it: models, fields and choice values by their labels ("到场 →
已处置"), objects and referenced rows by their names, times in local time.

The log stores raw values (codes, ids, UTC ISO strings) so that it never depends on today's
labels; this module translates a page of events at read time, with one query per referenced
model, for the log page and its XLSX export alike.
"""

from __future__ import annotations

import datetime
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from songnuan.accounts.audit import MASK
from songnuan.accounts.models import AuditEvent
from songnuan.words import listed

# Names in audit details that are not model fields: the key of a sensitive read and what it read.
READ_LABELS = {
    "fields": _("Fields read"),
    "id_number": _("ID number"),
    "photos": _("photos"),
    "photo": _("photo"),
    "stay_health_screening": _("health screening at admission"),
    "refused": _("Why refused"),
    "until": _("Retry after"),
}
# Values in the details of a sign-in turned away unchecked (accounts.lockout).
DETAIL_VALUES = {
    "source_locked": _("address locked"),
    "throttled": _("slowed down"),
}
# What Django's default __str__ writes: "EncounterPerson object (324)".
DEFAULT_REPR = re.compile(r"^\w+ object \((?P<pk>[^)]*)\)$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
LOCAL_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
EMPTY = "∅"
# Names of the rows a nameless row points to (an encounter's person, a log's stay) are enough.
MAX_PARENTS_NAMED = 2


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str | None  # None: a detail, not a change


@dataclass(frozen=True)
class ShownEvent:
    """One audit event in human terms."""

    event: AuditEvent
    at: datetime.datetime  # local
    object_type: str
    object_name: str
    changes: list[Change]

    @property
    def actor(self) -> str:
        return self.event.actor_name or str(_("System"))

    @property
    def action(self) -> str:
        return str(self.event.get_action_display())


def model_of(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def model_label(model: type[models.Model] | None, fallback: str) -> str:
    """The model's name in the reader's language; models that never named themselves get their
    automatic English name looked up in the catalogue ("encounter person" → "遇到的人员")."""
    if model is None:
        return fallback
    return gettext(str(model._meta.verbose_name))


def local_text(value: datetime.datetime) -> str:
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return value.strftime(LOCAL_TIME_FORMAT)


def has_own_name(model: type[models.Model]) -> bool:
    return model.__str__ is not models.Model.__str__


class _Names:
    """Rows referenced by a page of events, fetched once per model."""

    def __init__(self) -> None:
        self.wanted: dict[type[models.Model], set[Any]] = defaultdict(set)
        self.found: dict[type[models.Model], dict[Any, models.Model]] = {}

    def want(self, model: type[models.Model], pk: Any) -> None:
        if pk not in (None, ""):
            self.wanted[model].add(pk)

    def fetch(self) -> None:
        for model, pks in self.wanted.items():
            keys = {_key(model, pk) for pk in pks} - {None}
            related = [field.name for field in model._meta.concrete_fields
                       if field.is_relation and has_own_name(field.related_model)]
            rows = model._default_manager.filter(pk__in=keys)
            if not has_own_name(model):
                rows = rows.select_related(*related[:MAX_PARENTS_NAMED])
            self.found[model] = {row.pk: row for row in rows}

    def row(self, model: type[models.Model], pk: Any) -> models.Model | None:
        return self.found.get(model, {}).get(_key(model, pk))

    def name(self, model: type[models.Model], pk: Any) -> str | None:
        row = self.row(model, pk)
        return None if row is None else readable_name(row)


def _key(model: type[models.Model], pk: Any) -> Any:
    try:
        return model._meta.pk.to_python(pk)
    except (ValidationError, TypeError, ValueError):  # an id that no longer fits names nothing
        return None


def readable_name(row: models.Model) -> str:
    """A row's own name, or for a row without one the rows it belongs to (or its kind and id)."""
    model = type(row)
    if has_own_name(model):
        return str(row)
    parents = []
    for field in model._meta.concrete_fields:
        if field.is_relation and has_own_name(field.related_model):
            parent = getattr(row, field.name)
            if parent is not None:
                parents.append(str(parent))
        if len(parents) == MAX_PARENTS_NAMED:
            break
    if parents:
        return " · ".join(parents)
    return f"{model_label(model, model.__name__)} #{row.pk}"


def _field(model: type[models.Model] | None, name: str) -> models.Field | None:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _field_label(model: type[models.Model] | None, name: str) -> str:
    if name in READ_LABELS:
        return str(READ_LABELS[name])
    field = _field(model, name)
    return str(getattr(field, "verbose_name", name)) if field is not None else name


def _value(field: models.Field | None, value: Any, names: _Names) -> str:
    if value is None or value == "":
        return EMPTY
    if value == MASK:
        return MASK
    if field is not None and field.is_relation and field.many_to_one:
        return names.name(field.related_model, value) or f"#{value}"
    if field is not None and field.choices:
        labels = {str(key): label for key, label in field.flatchoices}
        if isinstance(value, list):
            return listed(str(labels.get(str(part), part)) for part in value)
        return str(labels.get(str(value), value))
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, str) and ISO_DATETIME.match(value):
        try:
            return local_text(datetime.datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, list):
        return listed(str(part) for part in value)
    return str(value)


def _object_name(event: AuditEvent, model: type[models.Model] | None, names: _Names) -> str:
    if model is None or (has_own_name(model) and not DEFAULT_REPR.match(event.object_repr)):
        return event.object_repr
    name = names.name(model, event.object_id)
    if name is not None:
        return name
    return f"{model_label(model, event.object_type)} #{event.object_id}"


def _changes(event: AuditEvent, model: type[models.Model] | None, names: _Names
             ) -> list[Change]:
    """Changes for creates, updates and deletes; details (what a read read) otherwise.

    A creation lists only the values it set; a deletion only the values it removed.
    """
    rows = []
    for name, value in event.changes.items():
        label = _field_label(model, name)
        field = _field(model, name)
        if event.action in ("create", "update", "delete") and isinstance(value, list):
            if event.action != "update" and (name == "id" or value in (
                    [None, ""], ["", None], [None, None])):
                continue
            old, new = (_value(field, part, names) for part in value)
            if event.action == "create":
                rows.append(Change(label, new, None))
            elif event.action == "delete":
                rows.append(Change(label, old, None))
            else:
                rows.append(Change(label, old, new))
        elif name == "fields":  # a read of sensitive fields: name each one
            rows.append(Change(label, listed(_field_label(model, part) for part in value),
                               None))
        elif isinstance(value, str) and value in DETAIL_VALUES:
            rows.append(Change(label, str(DETAIL_VALUES[value]), None))
        else:
            rows.append(Change(label, _value(field, value, names), None))
    return rows


def shown(events: Iterable[AuditEvent]) -> list[ShownEvent]:
    """A page of events in human terms."""
    events = list(events)
    names = _Names()
    for event in events:
        model = model_of(event.object_type)
        if model is None:
            continue
        if not has_own_name(model) or DEFAULT_REPR.match(event.object_repr):
            names.want(model, event.object_id)
        for name, value in event.changes.items():
            field = _field(model, name)
            if field is not None and field.is_relation and field.many_to_one and isinstance(
                    value, list):
                for part in value:
                    names.want(field.related_model, part)
    names.fetch()
    result = []
    for event in events:
        model = model_of(event.object_type)
        result.append(ShownEvent(
            event=event, at=timezone.localtime(event.at),
            object_type=model_label(model, event.object_type),
            object_name=_object_name(event, model, names),
            changes=_changes(event, model, names),
        ))
    return result
