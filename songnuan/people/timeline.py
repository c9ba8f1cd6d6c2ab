"""The person file's timeline: every lead, encounter, stay, referral, supply issue and tracing step.

Apps add what they know with `register_source(fn)`, where fn(person) yields TimelineEvents, and
whole blocks with `register_section(PersonSection(...))`, so the person file never needs to know
which apps exist:

    register_source(lambda person: (TimelineEvent(...) for stay in person.stays.all()))
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime.datetime
    kind: str  # "lead", "encounter", "admission", "stay_log", "referral", "discharge", ...
    title: Any  # str or lazy translation
    detail: Any = ""
    url: str = ""
    sensitive: bool = False  # detail holds health or identity data: shown only with permission
    # Photo URLs served by a view that checks `photo_permission` and logs each read; the file
    # page drops them for anyone without that permission.
    photos: tuple[str, ...] = ()
    photo_permission: str = ""


TimelineSource = Callable[[Any], Iterable[TimelineEvent]]

_sources: list[TimelineSource] = []


@dataclass(frozen=True)
class PersonSection:
    """A block another app adds to the person file: `rows(person)`, shown with `template` (which
    gets them as `rows`) to viewers with `permission`; nothing when there are no rows."""

    template: str
    permission: str
    rows: Callable[[Any], list]


_sections: list[PersonSection] = []


def register_source(source: TimelineSource) -> None:
    if source not in _sources:
        _sources.append(source)


def register_section(section: PersonSection) -> None:
    if section not in _sections:
        _sections.append(section)


def sections_for(person: Any, user: Any) -> list[tuple[str, list]]:
    """(template, rows) of every registered section `user` may see that has rows."""
    shown = []
    for section in _sections:
        if user.has_perm(section.permission):
            rows = section.rows(person)
            if rows:
                shown.append((section.template, rows))
    return shown


def timeline_for(person: Any) -> list[TimelineEvent]:
    """Every registered source's events for this person, newest first."""
    events: list[TimelineEvent] = []
    for source in _sources:
        events.extend(source(person))
    return sorted(events, key=lambda event: event.at, reverse=True)


def visible_to(events: Iterable[TimelineEvent], user: Any) -> list[TimelineEvent]:
    """The events as `user` may see them: photos only under their permission."""
    allowed: dict[str, bool] = {}
    shown = []
    for event in events:
        if event.photos:
            permission = event.photo_permission
            if permission not in allowed:
                allowed[permission] = bool(permission) and user.has_perm(permission)
            if not allowed[permission]:
                event = replace(event, photos=())
        shown.append(event)
    return shown


def own_events(person: Any) -> Iterable[TimelineEvent]:
    """The person file's own history: when it was opened and the merges it went through."""
    yield TimelineEvent(person.created_at, "file", _("Person file opened"),
                        str(person.registered_at or ""))
    for merge in person.merges_received.select_related("absorbed"):
        yield TimelineEvent(
            merge.merged_at, "merge",
            _("Merged with file #%(id)s") % {"id": merge.absorbed_id}, merge.reason,
            url=merge.absorbed.get_absolute_url(),
        )
        if merge.undone_at:
            yield TimelineEvent(merge.undone_at, "merge",
                                _("Merge with file #%(id)s undone") % {"id": merge.absorbed_id})
    for merge in person.merges_given.select_related("survivor"):
        yield TimelineEvent(
            merge.merged_at, "merge",
            _("Merged into file #%(id)s") % {"id": merge.survivor_id}, merge.reason,
            url=merge.survivor.get_absolute_url(),
        )
