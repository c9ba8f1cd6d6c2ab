"""Lists in templates as the language being spoken writes them (`songnuan.words`)."""

from __future__ import annotations

from django import template

from songnuan import words

register = template.Library()


@register.filter
def listed(items) -> str:
    """{{ names|listed }}: 市南区、市北区, or Shinan, Shibei."""
    return words.listed(items)


@register.simple_tag
def list_separator() -> str:
    """Between items a loop writes itself: 、 or ", "."""
    return words.list_separator()
