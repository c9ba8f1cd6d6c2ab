"""The NinjaAPI instance: error shapes, authentication and every app's router.

Every 4xx answers `{"message": ..., "errors": [{"field": ..., "message": ...}]}` in the caller's
language, ninja's own validation errors, 404 and 403 included.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as ModelValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser

from songnuan.accounts.api import router as accounts_router
from songnuan.api.errors import field_message
from songnuan.leads.api import router as leads_router
from songnuan.network.api import router as network_router
from songnuan.outreach.api import router as outreach_router
from songnuan.people.api import router as people_router
from songnuan.places.api import router as places_router
from songnuan.shelter.api import router as shelter_router
from songnuan.tracing.api import router as tracing_router
from songnuan.weather.api import router as weather_router


class BodyParser(Parser):
    """JSON bodies. A POST that is not JSON and has no form fields (a client that sends no body
    where every field is optional) reads as an empty object, not as a body we cannot parse."""

    def parse_body(self, request: HttpRequest) -> dict:
        if "json" not in request.content_type and not request.POST:
            return {}
        return super().parse_body(request)


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


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError):
    return api.create_response(
        request, {"message": _("Sign in or send a valid token."), "errors": []}, status=401)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404):
    return api.create_response(
        request, {"message": _("Not found, or not yours to see."), "errors": []}, status=404)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError):
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
