"""Staff API for tokens, the signed-in user, organisations and users."""

from __future__ import annotations

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Router, Status

from songnuan.accounts import services, twofactor
from songnuan.accounts.api_auth import staff_auth
from songnuan.accounts.client_address import client_address
from songnuan.accounts.models import Organisation, User
from songnuan.accounts.schemas import (
    MeOut,
    Message,
    OrganisationOut,
    OrganisationPatch,
    TokenOut,
    TokenRequest,
    UserOut,
)

router = Router(tags=["accounts"])


@router.post("/auth/token", response={201: TokenOut, 401: Message, 403: Message, 429: Message},
             auth=None)
def create_token(request: HttpRequest, payload: TokenRequest):
    """A token for a script. An account with two-factor sign-in sends its current code too."""
    try:
        user = services.authenticate_with_lockout(request, payload.username, payload.password)
        if user is not None and twofactor.needs_code(user):
            if twofactor.device_of(user) is None:
                return Status(403, {"message": _(
                    "Set up two-factor sign-in on the web pages before asking for a token.")})
            twofactor.verify(user, payload.code, client_address(request))
    except services.LoginLocked as locked:
        return Status(429, {"message": str(locked)})
    except twofactor.TwoFactorError as error:
        return Status(401, {"message": str(error)})
    if user is None:
        return Status(
            401, {"message": _("Wrong username or password, or the account is disabled.")}
        )
    key = services.issue_token(user, payload.name, scope=payload.scope, days=payload.days)
    return Status(201, {"token": key})


@router.get("/me", response=MeOut, auth=staff_auth)
def me(request: HttpRequest):
    return request.user


@router.get("/organisations", response=list[OrganisationOut], auth=staff_auth)
def list_organisations(request: HttpRequest):
    return Organisation.objects.restrict(request.user, "view").select_related("district")


@router.get("/organisations/{org_id}", response=OrganisationOut, auth=staff_auth)
def get_organisation(request: HttpRequest, org_id: int):
    return get_object_or_404(Organisation.objects.restrict(request.user, "view"), pk=org_id)


@router.patch("/organisations/{org_id}", response=OrganisationOut, auth=staff_auth)
def patch_organisation(request: HttpRequest, org_id: int, payload: OrganisationPatch):
    organisation = get_object_or_404(
        Organisation.objects.restrict(request.user, "change"), pk=org_id
    )
    for field, value in payload.dict(exclude_unset=True).items():
        if value is not None:
            setattr(organisation, field, value)
    organisation.full_clean()
    organisation.save()
    return organisation


@router.get("/users", response=list[UserOut], auth=staff_auth)
def list_users(request: HttpRequest):
    return User.objects.restrict(request.user, "view").select_related("district")


@router.get("/users/{user_id}", response=UserOut, auth=staff_auth)
def get_user(request: HttpRequest, user_id: int):
    return get_object_or_404(User.objects.restrict(request.user, "view"), pk=user_id)
