"""Text the database cannot store is refused at the door, with a 400, before any view runs.

PostgreSQL refuses a NUL character in text, and no UTF-8 database stores a lone surrogate (half
of a UTF-16 pair, which only a JSON `\\ud800` escape can produce): either would fail in the
middle of a save and answer 500, possibly after part of the work was written. One middleware
checks the path and the query string of every request and the form fields and JSON bodies of
the pages; the API's parser checks every JSON string and form field (`find_in_json`), as only
it knows whether an operation reads the body as JSON or as a form.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

API_PREFIX = "/api/"
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def is_unstorable(text: str) -> bool:
    return _UNSTORABLE.search(text) is not None


def message() -> str:
    return _("This text contains a character that cannot be stored (a NUL byte or a broken "
             "character): remove it and send again.")


def find_in_json(value: Any, path: tuple[str, ...] = ()) -> str | None:
    """The dotted path of the first string (or key) that cannot be stored, or None."""
    if isinstance(value, str):
        return ".".join(path) if is_unstorable(value) else None
    if isinstance(value, dict):
        for key, item in value.items():
            if is_unstorable(str(key)):
                return ".".join((*path, _printable(str(key))))
            found = find_in_json(item, (*path, str(key)))
            if found is not None:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = find_in_json(item, (*path, str(index)))
            if found is not None:
                return found
    return None


def _printable(text: str) -> str:
    return _UNSTORABLE.sub("?", text)


def _unstorable_fields(request: HttpRequest) -> list[str]:
    fields = []
    if is_unstorable(request.path_info):
        fields.append("path")
    fields.extend(_in_querydict(request.GET.lists()))
    if request.path_info.startswith(API_PREFIX):
        return fields
    if request.method == "POST" and request.content_type in (
            "application/x-www-form-urlencoded", "multipart/form-data"):
        fields.extend(_in_querydict(request.POST.lists()))
        fields.extend(_printable(name) for name, upload in request.FILES.items()
                      if is_unstorable(upload.name or ""))
    elif request.content_type == "application/json":  # the pages' own small JSON posts
        try:
            found = find_in_json(json.loads(request.body or b"null"))
        except ValueError:
            found = None  # the view says what is wrong with it
        if found is not None:
            fields.append(found or "body")
    return fields


def _in_querydict(items: Iterable[tuple[str, list[str]]]) -> list[str]:
    return [_printable(key) for key, values in items
            if is_unstorable(key) or any(is_unstorable(value) for value in values)]


class UnstorableInputMiddleware:
    """Answers 400 to a request whose path, query or form fields hold unstorable text: the
    API in its error shape, the pages with the public error page."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        fields = _unstorable_fields(request)
        if not fields:
            return self.get_response(request)
        if request.path_info.startswith(API_PREFIX):
            return JsonResponse({
                "message": message(),
                "errors": [{"field": field, "message": message(), "type": "unstorable"}
                           for field in fields],
            }, status=400, json_dumps_params={"ensure_ascii": False})
        return render(request, "public/error.html", {
            "heading": _("This request cannot be taken"), "explanation": message()}, status=400)
