"""``songnuan import_missing_reports FILE --district 市南区``: import missing-person reports.

The same service as the upload page: every row is checked and nothing is saved unless all are
valid; each problem is printed with its row and column.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils import translation

from songnuan.network.models import District
from songnuan.network.transfer import ImportFileError
from songnuan.tracing import imports


class Command(BaseCommand):
    help = "Import missing-person reports from a CSV (UTF-8 or GB18030) or XLSX list."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="the .csv or .xlsx list")
        parser.add_argument("--district", required=True,
                            help="district the reports are filed in (name or division code)")
        parser.add_argument("--language", default="zh-hans",
                            help="language of the messages (default zh-hans)")

    def handle(self, *args, file: Path, district: str, language: str, **options) -> None:
        place = District.objects.filter(Q(name=district) | Q(code=district)).first()
        if place is None:
            raise CommandError(f"no district named or coded {district!r}")
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        with translation.override(language):
            try:
                table = imports.read_reports(file.name, content)
            except ImportFileError as error:
                raise CommandError(f"{file}: {error}") from error
            result = imports.import_reports(table, district=place)
            for error in result.errors:
                self.stderr.write(f"{file}: row {error.row}, {error.column}: {error.message}",
                                  style_func=str)
        if not result.ok:
            raise CommandError(f"{len(result.errors)} problems; nothing was imported")
        self.stdout.write(f"{len(result.created)} reports imported into {place.name}")
