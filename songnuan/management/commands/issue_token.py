"""``songnuan issue_token USERNAME``: an API token for a script, printed once.

For the operator of the server (a service account's token, or a script of an account whose
two-factor sign-in stands in the way of `POST /api/v1/auth/token`); the token is listed on that
user's API tokens page like any other, and revoked there.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from songnuan.accounts import audit, services
from songnuan.accounts.models import TOKEN_DEFAULT_DAYS, TOKEN_MAX_DAYS, TokenScope, User


class Command(BaseCommand):
    help = "Create an API token for a user and print it (it is shown only this once)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="script", help="what the token is for")
        parser.add_argument("--read-only", action="store_true",
                            help="a token that may only read (GET)")
        parser.add_argument("--days", type=int, default=TOKEN_DEFAULT_DAYS,
                            help=f"days until it expires (1 to {TOKEN_MAX_DAYS}, "
                                 f"default {TOKEN_DEFAULT_DAYS})")

    def handle(self, *args, username: str, name: str, read_only: bool, days: int,
               **options) -> None:
        if not 1 <= days <= TOKEN_MAX_DAYS:
            raise CommandError(f"--days must be between 1 and {TOKEN_MAX_DAYS}")
        user = User.objects.filter(username=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        scope = TokenScope.READ if read_only else TokenScope.READ_WRITE
        with audit.acting_as(user):
            key = services.issue_token(user, name, scope=scope, days=days)
        self.stdout.write(key)
