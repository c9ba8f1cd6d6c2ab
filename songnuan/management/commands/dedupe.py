"""``songnuan dedupe IN.csv -o OUT.csv``: cluster the records of one person-record file.

A thin wrapper over :func:`songnuan.linkage.csvio.dedupe_file`; no database, no SECRET_KEY.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from songnuan.management.commands.link import csvio, run_or_explain


class Command(BaseCommand):
    help = "Cluster the records of one person-record CSV file: writes record_id,cluster_id."
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser) -> None:
        parser.add_argument("input", help="CSV of person records")
        parser.add_argument("-o", "--output", required=True, help="CSV to write")
        parser.add_argument("--threshold", type=float, default=0.5,
                            help="lowest match probability that joins two records (default 0.5)")
        parser.add_argument("--params", help="saved model parameters (JSON); fitted if absent")

    def handle(self, *args, input: str, output: str, threshold: float, params: str | None,
               **options) -> None:
        if not 0.0 <= threshold <= 1.0:
            raise CommandError("--threshold must be between 0 and 1")
        clusters = run_or_explain(lambda: csvio().dedupe_file(
            input, output, progress=sys.stderr, threshold=threshold, params=params))
        self.stderr.write(f"{clusters} clusters written to {output}", style_func=str)
