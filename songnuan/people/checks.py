"""Start-up checks for person files: production brings its own field-encryption key."""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, Tags, register
from django.core.exceptions import ImproperlyConfigured

MIN_KEY_LENGTH = 32


@register(Tags.security)
def field_encryption_key(app_configs, **kwargs) -> list[Error]:
    """Runs before `serve`, `worker`, `migrate` and `check --deploy`, not only with --deploy:
    a server that derived its key from SECRET_KEY would lose every ID number the day
    SECRET_KEY is rotated."""
    keys = [key.strip() for key in settings.FIELD_ENCRYPTION_KEY.split(",") if key.strip()]
    if not keys and not settings.FIELD_ENCRYPTION_KEY_MAY_DERIVE:
        return [Error(
            "FIELD_ENCRYPTION_KEY is not set: outside the demo and DEBUG, ID numbers need their "
            "own key, kept apart from SECRET_KEY and the backups.",
            hint="Generate one with `songnuan generate_field_key` and set FIELD_ENCRYPTION_KEY.",
            id="people.E001",
        )]
    if any(len(key) < MIN_KEY_LENGTH for key in keys):
        return [Error(
            f"Each FIELD_ENCRYPTION_KEY must be at least {MIN_KEY_LENGTH} characters long.",
            hint="Generate one with `songnuan generate_field_key`.",
            id="people.E002",
        )]
    return []


def require_field_encryption_key() -> None:
    """For the WSGI entry point, which runs no system checks."""
    errors = field_encryption_key(None)
    if errors:
        raise ImproperlyConfigured(errors[0].msg)
