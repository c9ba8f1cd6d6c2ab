"""The NinjaAPI instance: error shapes, authentication and every app's router."""

from __future__ import annotations

from django.core.exceptions import ValidationError as ModelValidationError
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError

from songnuan.accounts.api import router as accounts_router
from songnuan.leads.api import router as leads_router
from songnuan.network.api import router as network_router
from songnuan.outreach.api import router as outreach_router
from songnuan.people.api import router as people_router
from songnuan.places.api import router as places_router
from songnuan.shelter.api import router as shelter_router
from songnuan.tracing.api import router as tracing_router
from songnuan.weather.api import router as weather_router

api = NinjaAPI(
    title="Songnuan API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
)


def _field_errors(errors: list[dict]) -> list[dict]:
    detail = []
    for error in errors:
        loc = [str(part) for part in error.get("loc", ()) if part not in ("body", "payload")]
        detail.append({"field": ".".join(loc), "message": error.get("msg", ""),
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
    return api.create_response(request, {"message": _("Sign in or send a valid token.")},
                               status=401)


api.add_router("/", accounts_router)
api.add_router("/", leads_router)
api.add_router("/", outreach_router)
api.add_router("/", people_router)
api.add_router("/", shelter_router)
api.add_router("/", network_router)
api.add_router("/", weather_router)
api.add_router("/", tracing_router)
api.add_router("/", places_router)
