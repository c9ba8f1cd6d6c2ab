"""The Chinese catalogues: every message translated, and no message translated two ways.

Django merges the apps' catalogues into one and the first app's translation of a msgid wins, so
a msgid translated differently in two apps shows the wrong Chinese in one of them. Where the
meanings differ, the code gives the message a context (pgettext) and the msgids stop clashing.
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.utils import translation
from django.utils.translation import gettext, pgettext

import songnuan

CATALOGUES = sorted(Path(songnuan.__file__).parent.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def app_of(path: Path) -> str:
    return path.parents[3].name


def messages(path: Path):
    with path.open("rb") as handle:
        for message in read_po(handle):
            if message.id:
                yield message


def test_every_app_has_its_catalogue():
    apps = {app_of(path) for path in CATALOGUES}
    assert {"songnuan", "accounts", "leads", "network", "outreach", "weather"} <= apps


@pytest.mark.parametrize("path", CATALOGUES, ids=app_of)
def test_every_message_is_translated_and_reviewed(path):
    untranslated = [
        (message.context, message.id) for message in messages(path)
        if "fuzzy" in message.flags or not all(
            message.string if isinstance(message.string, tuple) else [message.string])
    ]
    assert untranslated == []


def test_no_message_is_translated_two_ways():
    translations = defaultdict(lambda: defaultdict(list))
    for path in CATALOGUES:
        for message in messages(path):
            translations[(message.context, message.id)][message.string].append(app_of(path))
    clashes = {key: dict(found) for key, found in translations.items() if len(found) > 1}
    assert clashes == {}


@pytest.mark.parametrize(("context", "msgid", "chinese"), [
    (None, "Name", "姓名"), ("object", "Name", "名称"),
    (None, "From", "开始"), ("origin", "From", "来自"),
    (None, "Assigned", "已派单"), ("task", "Accepted", "已接单"),
    (None, "Open", "开放"), ("missing report", "Open", "在寻"),
])
def test_the_merged_catalogue_shows_each_meaning_its_own_chinese(context, msgid, chinese):
    with translation.override("zh-hans"):
        shown = pgettext(context, msgid) if context else gettext(msgid)
    assert shown == chinese
