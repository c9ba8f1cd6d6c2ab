"""The audit log: who did what, when, from where, with the old values of every change.

The acting user is carried in a context variable that the web middleware, the API's token
check and `acting_as()` (for commands and background tasks) set, so models that inherit
`AuditedModel` are logged on every save and delete without each view remembering to.
"""

from __future__ import annotations

import contextvars
import datetime
import decimal
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import models

from songnuan.actors import recorded
from songnuan.prepared import insert


@dataclass(frozen=True)
class Actor:
    user: Any = None
    ip: str | None = None


NOBODY = Actor()
_actor: contextvars.ContextVar[Actor | None] = contextvars.ContextVar(
    "songnuan_actor", default=None
)


def current_actor() -> Actor:
    return _actor.get() or NOBODY


def set_actor(user: Any = None, ip: str | None = None) -> contextvars.Token:
    return _actor.set(Actor(recorded(user), ip))


def reset_actor(token: contextvars.Token) -> None:
    _actor.reset(token)


@contextmanager
def acting_as(user: Any, ip: str | None = None) -> Iterator[None]:
    token = set_actor(user, ip)
    try:
        yield
    finally:
        reset_actor(token)


MASK = "***"


class AuditedModel(models.Model):
    """A model whose creates, updates and deletes go into the audit log.

    `audit_exclude` names fields never logged; `sensitive_fields` are logged as changed but
    with their values masked, since the log is readable by more people than those fields are.
    """

    audit_exclude: tuple[str, ...] = ()
    sensitive_fields: tuple[str, ...] = ()

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        # Keep the values as loaded and turn them into a snapshot only if the row is saved:
        # snapshotting every row a list page reads cost more than the page's queries.
        instance._audit_loaded_values = dict(zip(field_names, values, strict=True))
        return instance

    def audit_snapshot(self) -> dict[str, Any]:
        return self._snapshot_of(self.__dict__, lambda field: getattr(self, field.attname))

    def audit_loaded(self) -> dict[str, Any]:
        """The snapshot of the row as it was loaded (or last saved); {} for a new row."""
        if "_audit_loaded" not in self.__dict__:
            loaded = self.__dict__.get("_audit_loaded_values", {})
            self._audit_loaded = self._snapshot_of(loaded, lambda field: loaded[field.attname])
        return self._audit_loaded

    def _snapshot_of(self, present: dict[str, Any], value_of) -> dict[str, Any]:
        snapshot = {}
        for field in self._meta.concrete_fields:
            if field.name in self.audit_exclude or field.attname not in present:
                continue
            snapshot[field.name] = _plain(value_of(field))
        return snapshot

    def audit_changes(self, after: dict[str, Any] | None = None) -> dict[str, list[Any]]:
        """Fields changed since the row was loaded: {field: [old, new]}."""
        before = self.audit_loaded()
        after = self.audit_snapshot() if after is None else after
        changes = {}
        for name, new in after.items():
            old = before.get(name)
            if name in before and old == new:
                continue
            if name in self.sensitive_fields:
                old, new = (MASK if old else old), (MASK if new else new)
            changes[name] = [old, new]
        return changes


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return MASK
    if isinstance(value, dict | list | str | int | float | bool) or value is None:
        return value
    return str(value)


def record(
    action: str,
    obj: models.Model | None = None,
    *,
    changes: dict | None = None,
    user: Any = None,
    username: str | None = None,
    ip: str | None = None,
    object_repr: str | None = None,
) -> None:
    """Append one event to the audit log."""
    # Here, not at the top: accounts.models builds every model on AuditedModel from this file.
    from songnuan.accounts.models import AuditEvent

    actor = current_actor()
    user = user if user is not None else actor.user
    # Every audited save writes one of these: a plain insert (the log is append-only anyway).
    insert(AuditEvent(
        actor=recorded(user),
        actor_name=username or (user.get_username() if user is not None else ""),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None and obj.pk is not None else "",
        object_repr=(object_repr if object_repr is not None else str(obj or ""))[:200],
        changes=changes or {},
        ip=ip if ip is not None else actor.ip,
    ))


@dataclass
class _Read:
    obj: models.Model
    user: Any
    ip: str | None
    fields: list[str]


# Sensitive reads of the request under way, one entry per object, written when it ends: a page
# that shows an object's ID number, health notes and photo from three places logs one event.
_reads: contextvars.ContextVar[dict[tuple[str, str], _Read] | None] = contextvars.ContextVar(
    "songnuan_sensitive_reads", default=None)


def record_sensitive_read(obj: models.Model, fields: list[str], user: Any = None) -> None:
    """Log that these sensitive fields of `obj` were shown (during a request: once, at its end)."""
    pending = _reads.get()
    if pending is None:
        record("read_sensitive", obj, changes={"fields": list(fields)}, user=user)
        return
    actor = current_actor()
    read = pending.setdefault((obj._meta.label_lower, str(obj.pk)), _Read(
        obj, user if user is not None else actor.user, actor.ip, []))
    read.fields.extend(field for field in fields if field not in read.fields)


def collect_reads() -> contextvars.Token:
    return _reads.set({})


def write_reads(token: contextvars.Token) -> None:
    """Write the reads collected since `collect_reads()`, one event per object."""
    pending = _reads.get() or {}
    _reads.reset(token)
    for read in pending.values():
        if read.fields:
            record("read_sensitive", read.obj, changes={"fields": read.fields}, user=read.user,
                   ip=read.ip)


def on_save(sender, instance: AuditedModel, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:  # fixtures
        return
    after = instance.audit_snapshot()
    changes = instance.audit_changes(after)
    if created or changes:
        record("create" if created else "update", instance, changes=changes)
    instance._audit_loaded = after


def record_creation(instance: AuditedModel) -> None:
    """Log a new row written without `save()` (see songnuan.prepared), as `on_save` would."""
    on_save(type(instance), instance, created=True)


def on_delete(sender, instance: AuditedModel, **kwargs) -> None:
    record("delete", instance, changes={k: [v, None] for k, v in instance.audit_snapshot().items()
                                        if k not in instance.sensitive_fields})
