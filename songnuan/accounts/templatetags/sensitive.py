"""`{% sensitive obj "field" as value %}`: the one way a page shows a sensitive field.

It gives the value only to a user with the sensitive-data permission and logs the read as it
renders, so a page cannot show an ID number, health notes, a mental state or a photo and forget
the audit (tests/test_sensitive_pages.py refuses templates that show one any other way).
"""

from __future__ import annotations

from typing import Any

from django import template

from songnuan.accounts import audit
from songnuan.accounts.roles import SENSITIVE

register = template.Library()
_UNSET = object()


def _shown(obj: Any, field: str) -> Any:
    value = getattr(obj, field, None)
    if hasattr(value, "all"):  # a related manager: the rows it holds
        return list(value.all())
    if callable(value):  # person.id_number(): decrypted only here
        return value()
    return value


@register.simple_tag(takes_context=True)
def sensitive(context, obj: Any, field: str, value: Any = _UNSET, *,
              gated: bool = True) -> Any:
    """The value of `obj`'s sensitive `field` (or `value`, when the page shows it in another
    shape), logged as read when it is not empty. `gated=False` for a field the page's own
    permission already decides (a police liaison reading the result they recorded)."""
    user = context.get("user")
    if obj is None or user is None or (gated and not user.has_perm(SENSITIVE)):
        return ""
    shown = _shown(obj, field) if value is _UNSET else value
    if shown not in (None, "", []) and getattr(obj, "pk", None) is not None:
        audit.record_sensitive_read(obj, [field], user=user)
    return shown
