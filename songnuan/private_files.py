"""Stored files sent to one reader: uploaded files are never public media, so each goes
through a view that decides who may see it and then sends it with `send_privately`."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404


def send_privately(field: FieldFile, *, content_type: str | None = None,
                   filename: str | None = None, as_attachment: bool = False) -> FileResponse:
    """The file, kept by no cache; 404 when the row has none or the storage has lost it."""
    if not field:
        raise Http404
    try:
        handle = field.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type, filename=filename or "",
                            as_attachment=as_attachment)
    response["Cache-Control"] = "private, no-store"
    return response
