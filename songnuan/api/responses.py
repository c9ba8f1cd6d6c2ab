"""The error statuses every operation can answer, written into each operation's responses.

The handlers in `main.py` and the middleware in `songnuan.storable` answer these for every
operation alike, so they are documented in one place rather than in each `response=`; ninja
also needs a schema for every status a view returns itself (a 403 without one is a 500).
An operation's own schema for a status is kept.
"""

from __future__ import annotations

from ninja import Field, NinjaAPI, Schema
from ninja.operation import Operation

BODY_SOURCES = {"body", "form", "file"}


class FieldErrorOut(Schema):
    field: str
    message: str
    type: str = Field("invalid", description="the kind: refused (what was sent), conflict (the "
                                             "state of things), or a validation error's")


class ErrorOut(Schema):
    """The one error shape: a sentence in the caller's language and the fields concerned."""

    message: str
    errors: list[FieldErrorOut] = []


def error_statuses(operation: Operation) -> set[int]:
    # 400: unstorable text in the path or query (songnuan.storable), or a body that is not JSON.
    statuses = {400}
    sources = {model.__ninja_param_source__ for model in operation.models}
    if operation.auth_callbacks:
        statuses |= {401, 403}
    if "path" in sources:
        statuses |= {404, 422}
    if "query" in sources:
        statuses.add(422)
    if sources & BODY_SOURCES:
        statuses |= {404, 415, 422}  # 404: a row the body names by id (a site, a person)
    return statuses


def document_error_statuses(api: NinjaAPI) -> None:
    """Give every operation of `api` the error statuses it can answer (call once, after
    every router is added: it binds the routers)."""
    error_model = None
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                if error_model is None:
                    error_model = operation._create_response_model(ErrorOut)
                for status in error_statuses(operation):
                    operation.response_models.setdefault(status, error_model)
