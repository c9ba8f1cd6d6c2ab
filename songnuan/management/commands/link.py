"""``songnuan link LEFT.csv RIGHT.csv -o OUT.csv``: link two person-record files.

A thin wrapper over :func:`songnuan.linkage.csvio.link_files`. It needs no database and no
SECRET_KEY, so system and migration checks are switched off.
"""

from __future__ import annotations

import sys
import warnings
from types import ModuleType

from django.core.management.base import BaseCommand, CommandError


def csvio() -> ModuleType:
    """The engine's CSV module, imported quietly: zhconv's pkg_resources deprecation warning
    means nothing to someone linking files."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
        from songnuan.linkage import csvio as module
    return module


def run_or_explain(action):
    """Run a file action; turn bad input into a clear CommandError (non-zero exit)."""
    CSVError = csvio().CSVError  # noqa: N806
    try:
        return action()
    except CSVError as error:
        raise CommandError(str(error)) from error
    except (FileNotFoundError, IsADirectoryError, PermissionError) as error:
        raise CommandError(f"{error.filename}: {error.strerror}") from error


class Command(BaseCommand):
    help = "Link two person-record CSV files: writes left_id,right_id,score."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("left", help="CSV of person records (e.g. people found)")
        parser.add_argument("right", help="CSV of person records (e.g. missing-person reports)")
        parser.add_argument("-o", "--output", required=True, help="CSV to write")
        parser.add_argument("--top-k", type=int, default=10,
                            help="at most this many matches per left record (default 10)")
        parser.add_argument("--threshold", type=float, default=0.5,
                            help="lowest match probability written (default 0.5)")
        parser.add_argument("--params", help="saved model parameters (JSON); fitted if absent")

    def handle(self, *args, left: str, right: str, output: str, top_k: int, threshold: float,
               params: str | None, **options) -> None:
        if top_k < 1:
            raise CommandError("--top-k must be at least 1")
        if not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold must be between 0 and 1")
        rows = run_or_explain(lambda: csvio().link_files(
            left, right, output, top_k=top_k, threshold=threshold, progress=sys.stderr,
            params=params))
        self.stderr.write(f"{rows} pairs written to {output}", style_func=str)
