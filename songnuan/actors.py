"""The acting user of a service call, the `by=` every service takes.

`by` is whoever acts: a signed-in user, an anonymous visitor, or None for the system (the
worker, a drill, a data import). A row that records who acted keeps a saved user or nothing:
`recorded(by)`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from songnuan.accounts.models import User

Actor: TypeAlias = Any  # a User, an AnonymousUser or None


def recorded(by: Actor) -> User | None:
    """The user to record as having acted: `by` when it is a saved user, otherwise None."""
    return by if getattr(by, "pk", None) else None
