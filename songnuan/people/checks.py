"""Deployment checks for person files."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def field_encryption_key(app_configs, **kwargs) -> list[Warning]:
    if settings.FIELD_ENCRYPTION_KEY:
        return []
    return [Warning(
        "FIELD_ENCRYPTION_KEY is not set: ID numbers are encrypted with a key derived from "
        "SECRET_KEY, so changing SECRET_KEY would make them unreadable.",
        id="people.W001",
    )]
