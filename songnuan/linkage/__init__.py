"""Record linkage for Songnuan (送暖): found people against missing-person reports, and duplicates.

Pure Python (numpy, pypinyin, rapidfuzz), no Django. The web pages use :class:`Index`; the
``songnuan link`` / ``songnuan dedupe`` commands use :func:`link_files` and :func:`dedupe_file`.
"""

from __future__ import annotations

from .csvio import CSVError, dedupe_file, link_files, read_records
from .linker import Index, Linker, Match
from .model import Parameters
from .records import FOUND, MISSING, Record

__all__ = [
    "FOUND",
    "MISSING",
    "CSVError",
    "Index",
    "Linker",
    "Match",
    "Parameters",
    "Record",
    "dedupe_file",
    "link_files",
    "read_records",
]
