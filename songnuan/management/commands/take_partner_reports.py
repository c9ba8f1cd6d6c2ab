"""``songnuan take-partner-reports``: take the partner cities' family-search reports waiting in
the inbox into tracing, as missing-person reports ranked against every live case.

For messages kept before tracing acted on them as they came, or that it could not file then;
running it again files nothing twice.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import translation

from songnuan.tracing import partner_inbox


class Command(BaseCommand):
    help = "Take the partner cities' family-search reports waiting in the inbox into tracing."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--language", default="zh-hans",
                            help="language of the messages (default zh-hans)")

    def handle(self, *args, language: str, **options) -> None:
        with translation.override(language):
            taken, refused = partner_inbox.take_waiting()
            for message, reason in refused:
                self.stderr.write(f"{message.sender_code} {message.message_id}: {reason}",
                                  style_func=str)
        self.stdout.write(f"{taken} reports taken into tracing, {len(refused)} left waiting")
