"""The staff page that imports a table (CSV or XLSX): the file is read, every row checked, and
nothing saved unless all rows are valid; the page shows each problem by row and column."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


class ImportFileError(ValueError):
    """The uploaded file cannot be read as a table at all (its encoding, its format)."""


def import_page(request: HttpRequest, form, *, read: Callable[[str, bytes], Any],
                save: Callable[[Any, Any], Any], done: Callable[[Any], str], next_url: str,
                template: str, columns) -> HttpResponse:
    """Read the uploaded table with `read`, save it with `save(table, user)`; when every row
    was taken, say `done(result)` and go to `next_url`."""
    result = None
    file_error = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            table = read(upload.name, upload.read())
        except ImportFileError as error:
            file_error = str(error)
        else:
            result = save(table, request.user)
            if result.ok:
                messages.success(request, done(result))
                return redirect(next_url)
    return render(request, template, {"form": form, "result": result, "file_error": file_error,
                                      "columns": columns})
