"""Words in the language being spoken: a place's own name, a list or a run of phrases as that
language writes it, and a message said only when it is read, in the reader's language."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.conf import settings
from django.utils import translation
from django.utils.functional import Promise, lazy


def for_the_record() -> translation.override:
    """The bureau's language, for texts kept in records everyone reads (a lead's history): they
    are written in the language the bureau works in, whoever's action wrote them."""
    return translation.override(settings.LANGUAGE_CODE)


def speaking_chinese() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE).lower().startswith("zh")


def in_language(name: str, name_en: str) -> str:
    """A place's name in the language being spoken: 市南区 in Chinese, Shinan otherwise."""
    return name if speaking_chinese() or not name_en else name_en


def list_separator() -> str:
    """What the language being spoken puts between the items of a list: 、 or ", "."""
    return "、" if speaking_chinese() else ", "


def listed(items: Iterable[object]) -> str:
    """Items as the language being spoken lists them: 市南区、市北区, or Shinan, Shibei."""
    return list_separator().join(str(item) for item in items)


def phrases(items: Iterable[object]) -> str:
    """Phrases run together as the language being spoken writes them: 2人，躺在地上, or
    1 person, lying down. Empty ones are left out."""
    return ("，" if speaking_chinese() else ", ").join(str(item) for item in items if item)


def said_to_each(render: Callable[..., str], *args: object) -> Promise:
    """`render(*args)`, written only when it is made a string: a message for many readers, each
    of whom gets it in their own language (`translation.override` around `str()`)."""
    return lazy(render, str)(*args)
