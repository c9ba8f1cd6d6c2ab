"""The NinjaAPI instance: error shapes, authentication and every app's router.

Every 4xx answers `{"message": ..., "errors": [{"field": ..., "message": ...}]}` in the caller's
language, ninja's own validation errors, 404 and 403 included.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as ModelValidationError
from django.db import DataError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from songnuan import storable
from songnuan.accounts.api import router as accounts_router
from songnuan.accounts.api_auth import CsrfRefused
from songnuan.api.errors import field_message
from songnuan.api.responses import document_error_statuses
from songnuan.cameras.api import router as cameras_router
from songnuan.duty.api import router as duty_router
from songnuan.hotline.api import router as hotline_router
from songnuan.leads.api import router as leads_router
from songnuan.network.api import router as network_router
from songnuan.outreach.api import router as outreach_router
from songnuan.people.api import router as people_router
from songnuan.places.api import router as places_router
from songnuan.refusals import Refused
from songnuan.shelter.api import router as shelter_router
from songnuan.tracing.api import router as tracing_router
from songnuan.weather.api import router as weather_router

FORM_TYPES = ("multipart/form-data", "application/x-www-form-urlencoded")


class UnsupportedMediaType(Exception):
    """A body sent as something else than `application/json`."""


class UnstorableText(Exception):
    """A JSON string the database cannot store; `field` is its dotted path."""

    def __init__(self, field: str) -> None:
        super().__init__(field)
        self.field = field


class BodyParser(Parser):
    """JSON bodies, and only when labelled `application/json`: a browser may send `text/plain`
    or a form to another site without asking first, so anything else is refused (415) rather
    than read. An empty form (a client that sends no fields where every field is optional)
    reads as an empty object. Text the database cannot store (NUL, a lone surrogate) is
    refused by field, in JSON bodies and in multipart form fields alike.

    ninja turns an exception from `parse_body` into a 400; the `HttpError` handler below
    answers 415 or 422 for these two by the exception's cause."""

    def parse_body(self, request: HttpRequest) -> dict:
        if request.content_type != "application/json":
            if request.content_type in FORM_TYPES and not request.POST and not request.FILES:
                return {}
            raise UnsupportedMediaType(request.content_type)
        data = super().parse_body(request)
        field = storable.find_in_json(data)
        if field is not None:
            raise UnstorableText(field)
        return data

    def parse_querydict(self, data, list_fields: list[str], request: HttpRequest) -> dict:
        parsed = super().parse_querydict(data, list_fields, request)
        field = storable.find_in_json({key: value for key, value in parsed.items()
                                       if isinstance(value, str | list)})
        if field is not None:
            raise UnstorableText(field)
        return parsed


api = NinjaAPI(
    title="Songnuan API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    parser=BodyParser(),
)


# Where ninja says a value came from, and the names it gives whole schemas: a field's path
# starts after them.
_NOT_FIELDS = {"body", "payload", "query", "path", "header", "cookie", "form", "file"}


def _field_errors(errors: list[dict]) -> list[dict]:
    detail = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ())]
        while loc and loc[0] in _NOT_FIELDS:
            loc.pop(0)
        detail.append({"field": ".".join(loc), "message": field_message(error),
                       "type": error.get("type", "")})
    return detail


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError):
    return api.create_response(
        request,
        {"message": _("Some fields are not valid."), "errors": _field_errors(exc.errors)},
        status=422,
    )


@api.exception_handler(ModelValidationError)
def model_validation_error(request: HttpRequest, exc: ModelValidationError):
    errors = [
        {"field": field, "message": str(message), "type": "invalid"}
        for field, messages in exc.message_dict.items()
        for message in messages
    ]
    return api.create_response(
        request, {"message": _("Some fields are not valid."), "errors": errors}, status=422
    )


@api.exception_handler(Refused)
def refused(request: HttpRequest, exc: Refused):
    response = api.create_response(request, exc.body(), status=exc.status)
    for name, value in exc.headers().items():
        response[name] = value
    return response


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"message": _("Sign in or send a valid token."), "errors": []}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(
        request, {"message": _("Not found, or not yours to see."), "errors": []}, status=404)


@api.exception_handler(CsrfRefused)
def csrf_refused(request: HttpRequest, exc: CsrfRefused):
    return api.create_response(request, {
        "message": _("The page's security token is missing or out of date: reload the page and "
                     "try again."),
        "errors": [{"field": "X-CSRFToken", "message": _("Send the CSRF token of the page."),
                    "type": "csrf"}]}, status=403)


def _body_refusal(request: HttpRequest, cause: BaseException | None):
    if isinstance(cause, UnsupportedMediaType):
        return api.create_response(request, {
            "message": _("Send the body as JSON with the header Content-Type: application/json."),
            "errors": [{"field": "Content-Type", "message": _("Use application/json."),
                        "type": "unsupported_media_type"}]}, status=415)
    if isinstance(cause, UnstorableText):
        return api.create_response(request, {
            "message": _("Some fields are not valid."),
            "errors": [{"field": cause.field, "message": storable.message(),
                        "type": "unstorable"}]}, status=422)
    return None


@api.exception_handler(UnstorableText)
def unstorable_text(request: HttpRequest, exc: UnstorableText):
    return _body_refusal(request, exc)


@api.exception_handler(OverflowError)
def number_too_large(request: HttpRequest, exc: OverflowError):
    # SQLite refuses an integer past 64 bits before the query runs: nothing was written.
    return api.create_response(request, {
        "message": _("A number is too large."), "errors": []}, status=422)


@api.exception_handler(DataError)
def value_out_of_range(request: HttpRequest, exc: DataError):
    # The database refused a value the schema let through (a time zone offset past 15:59 on
    # PostgreSQL, say); each action's writes are one transaction, rolled back with it.
    return api.create_response(request, {
        "message": _("A value is out of the range the system can store."), "errors": []},
        status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
    refusal = _body_refusal(request, exc.__cause__)
    if refusal is not None:
        return refusal
    # ninja's own messages are English: give ours for the statuses it raises itself.
    message = {400: _("The body could not be read: send JSON."),
               403: _("You may not do this.") if exc.message == "Forbidden" else exc.message,
               }.get(exc.status_code, exc.message)
    return api.create_response(request, {"message": message, "errors": []},
                               status=exc.status_code)


api.add_router("/", accounts_router)
api.add_router("/", leads_router)
api.add_router("/", outreach_router)
api.add_router("/", people_router)
api.add_router("/", shelter_router)
api.add_router("/", network_router)
api.add_router("/", weather_router)
api.add_router("/", tracing_router)
api.add_router("/", places_router)
api.add_router("/", cameras_router)
api.add_router("/", duty_router)
api.add_router("/", hotline_router)

# Last: this binds the routers, after which none may be added.
document_error_statuses(api)
