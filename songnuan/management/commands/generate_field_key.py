"""Print a new key for FIELD_ENCRYPTION_KEY (ID numbers at rest)."""

from __future__ import annotations

from cryptography.fernet import Fernet
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Print a new random key for FIELD_ENCRYPTION_KEY."
    # Needed before the key exists, when the checks would refuse to run anything.
    requires_system_checks: list[str] = []

    def handle(self, *args, **options) -> None:
        self.stdout.write(Fernet.generate_key().decode("ascii"))
