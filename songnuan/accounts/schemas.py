from __future__ import annotations

from typing import Literal

from ninja import Field, Schema

from songnuan.accounts.models import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS


class TokenRequest(Schema):
    username: str = Field(max_length=150)
    password: str = Field(max_length=256)
    name: str = Field("", max_length=100)
    # The authenticator app's code (or a recovery code) of an account with two-factor sign-in.
    code: str = Field("", max_length=32)
    scope: Literal["read", "read_write"] = "read_write"
    days: int = Field(TOKEN_DEFAULT_DAYS, ge=1, le=TOKEN_MAX_DAYS)


class TokenOut(Schema):
    token: str


class Message(Schema):
    message: str


class DistrictRef(Schema):
    id: int
    code: str
    name: str


class OrganisationOut(Schema):
    id: int
    name: str
    kind: str
    district: DistrictRef | None
    site_id: int | None
    phone: str
    is_active: bool


class OrganisationPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=100)
    phone: str | None = Field(None, max_length=30)
    is_active: bool | None = None


class UserOut(Schema):
    id: int
    username: str
    full_name: str
    role: str
    district: DistrictRef | None
    site_id: int | None
    organisation_id: int | None
    is_active: bool

    @staticmethod
    def resolve_full_name(obj) -> str:
        return obj.get_full_name()


class MeOut(UserOut):
    permissions: list[str]

    @staticmethod
    def resolve_permissions(obj) -> list[str]:
        return sorted(obj.get_all_permissions())
