"""Every form keeps what was typed when it is refused: a walk over every page the city
administrator can open, which fills each posted form's free-text fields with markers, sends it
as it stands, and, wherever the answer is the form again with an error, finds every marker in it.
A refusal that sends the user to another page with the reason loses what was typed, and fails.
Each form is sent in a transaction rolled back after it, so every form meets the same world.

The pages are every URL name without arguments, those of the people, shelter, tracing and
outreach apps with the arguments the sensitive-pages walk opens them with, and the pages of a
lead, a station, a user, the protocol rules, an incident and a duty shift. A form the markers
make valid is saved and says nothing here; the typed-input tests of each app cover those. The
admin site is left out: its forms are Django's own, which show what was sent on an error.
"""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.db import transaction
from django.forms import BaseForm, BaseFormSet
from django.urls import get_resolver, reverse
from django.urls.resolvers import URLResolver

from songnuan.weather.models import ProtocolRules
from tests.duty.factories import make_shift
from tests.incidents.factories import report as report_incident
from tests.test_sensitive_pages import url_args, world  # noqa: F401 (a fixture)

FREE_TEXT = {"text", "search", "tel", "email", "url", ""}
NOT_SENT = {"file", "password", "submit", "button", "reset", "image"}


class Forms(HTMLParser):
    """The POST forms of a page: action, and each control's name, kind and value."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._textarea: str | None = None
        self._select: list | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            method = (attrs.get("method") or "get").lower()
            self._form = {"action": attrs.get("action") or "", "controls": []} \
                if method == "post" else None
            if self._form is not None:
                self.forms.append(self._form)
        elif self._form is None or attrs.get("disabled") is not None:
            return
        elif tag == "input" and attrs.get("name"):
            kind = (attrs.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self._form["controls"].append((attrs["name"], kind, attrs.get("value") or ""))
        elif tag == "textarea" and attrs.get("name"):
            self._textarea = attrs["name"]
            self._form["controls"].append((attrs["name"], "textarea", ""))
        elif tag == "select" and attrs.get("name"):
            self._select = [attrs["name"], None, None]
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            if self._select[1] is None:
                self._select[1] = value
            if "selected" in attrs:
                self._select[2] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select is not None and self._form is not None:
            name, first, chosen = self._select
            self._form["controls"].append((name, "select", chosen if chosen is not None
                                           else first or ""))
            self._select = None


def every_page(objects) -> list[str]:
    args = url_args(objects)
    urls = []

    def walk(patterns, namespace):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or namespace)
            elif pattern.name and namespace and namespace != "admin":
                name = f"{namespace}:{pattern.name}"
                if not pattern.pattern.regex.groupindex:
                    urls.append(reverse(name))
                elif name in args:
                    positional, query = args[name]
                    urls.append(reverse(name, args=positional) + query)

    walk(get_resolver().url_patterns, None)
    return sorted(set(urls))


def more_pages(cast, objects) -> list[str]:
    """Pages of the other apps that hold forms: the world's lead, station and staff, the
    protocol rules, an incident and a duty shift."""
    rules = ProtocolRules.objects.order_by("pk").first()
    incident = report_incident(cast.city_admin)
    shift = make_shift(cast.laoshan_admin, district=cast.laoshan_substation.district)
    return [reverse("leads:lead_detail", args=[objects["lead"].pk]),
            reverse("network:site_detail", args=[cast.shinan_substation.pk]),
            reverse("network:site_edit", args=[cast.shinan_substation.pk]),
            reverse("accounts:user_edit", args=[cast.shinan_dispatcher.pk]),
            reverse("incidents:detail", args=[incident.pk]),
            reverse("duty:shift_edit", args=[shift.pk]),
            *([reverse("weather:rules_edit", args=[rules.pk])] if rules else [])]


def filled(form: dict, tag: str) -> tuple[dict, set[str]]:
    """The form's data with a marker in each free-text field, and the markers."""
    data: dict[str, list[str]] = {}
    markers = set()
    for number, (name, kind, value) in enumerate(form["controls"]):
        if kind in NOT_SENT:
            continue
        if kind in FREE_TEXT or kind == "textarea":
            value = f"留下{tag}{number}号"
            markers.add(value)
        data.setdefault(name, []).append(value)
    return data, markers


def refused(response) -> bool:
    """The answer shows a form with errors (and is not, say, a page after a save)."""
    for context in response.context or []:
        for value in context.flatten().values():
            if isinstance(value, BaseForm | BaseFormSet) and value.is_bound \
                    and not value.is_valid():
                return True
    return False


@pytest.mark.django_db
def test_every_refused_form_shows_again_what_was_typed(cast, client, world):  # noqa: F811
    objects, _markers = world
    client.force_login(cast.city_admin)
    lost, checked = [], []
    for url in every_page(objects) + more_pages(cast, objects):
        page = client.get(url)
        if page.status_code != 200 or page.streaming \
                or "html" not in page.get("Content-Type", ""):
            continue
        parser = Forms()
        parser.feed(page.content.decode())
        for index, form in enumerate(parser.forms):
            data, markers = filled(form, f"{len(checked)}-{index}-")
            if not markers:
                continue
            target = urljoin(url, form["action"]) if form["action"] else url
            client.cookies.pop("messages", None)  # only this answer's messages
            with transaction.atomic():  # each form meets the same world
                answer = client.post(target, data)
                transaction.set_rollback(True)
            if answer.status_code in (301, 302, 303):
                said = [str(m) for m in get_messages(answer.wsgi_request)
                        if m.level == messages.ERROR]
                if said:  # refused, then sent elsewhere: what was typed is gone
                    lost.append(f"{target} (from {url}) answered {said} on another page")
                continue
            if not refused(answer):
                continue
            checked.append(target)
            text = answer.content.decode()
            missing = sorted(marker for marker in markers if marker not in text)
            if missing:
                lost.append(f"{target} (from {url}) lost {missing}")
    assert not lost, "\n".join(lost)
    assert len(checked) >= 30, checked
