"""``songnuan import_places FILE``: add places to the gazetteer from a CSV or XLSX list.

The same service as the upload page: every row is checked and nothing is saved unless all are
valid; each problem is printed with its row and column.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from songnuan.places import importer


class Command(BaseCommand):
    help = "Import gazetteer places from a CSV (UTF-8 or GB18030) or XLSX list."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="the .csv or .xlsx list")
        parser.add_argument("--language", default="zh-hans",
                            help="language of the messages (default zh-hans)")

    def handle(self, *args, file: Path, language: str, **options) -> None:
        try:
            content = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}") from error
        with translation.override(language):
            try:
                table = importer.read_places(file.name, content)
            except importer.ImportFileError as error:
                raise CommandError(f"{file}: {error}") from error
            result = importer.import_places(table)
            for error in result.errors:
                self.stderr.write(f"{file}: row {error.row}, {error.field}: {error.message}",
                                  style_func=str)
        if not result.ok:
            raise CommandError(f"{len(result.errors)} problems; nothing was imported")
        self.stdout.write(f"{len(result.created)} places imported")
