"""``songnuan import_recordings FOLDER``: attach the call-centre system's recordings to calls.

Each file is named for its call, either way:

- ``call-<id>.<ext>``: the call's number in the call log (``call-1024.wav``);
- ``<caller number>_<YYYYMMDD>-<HHMMSS>.<ext>``: the caller's number and the start of the call in
  local time (``13805321234_20261205-031500.mp3``), matched to the one call logged from that
  number within two minutes of that time.

Audio only (WAV, MP3, AMR, Ogg, M4A, known by their first bytes) within
``HOTLINE_RECORDING_MAX_BYTES``. A file already attached to its call is skipped, so the import
may run again on the same folder; every refused file is printed with the reason.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from songnuan.hotline import services


class Command(BaseCommand):
    help = "Attach call recordings from a folder to the hotline calls their file names name."

    def add_arguments(self, parser) -> None:
        parser.add_argument("folder", type=Path, help="folder of recordings")
        parser.add_argument("--language", default="zh-hans",
                            help="language of the messages (default zh-hans)")

    def handle(self, *args, folder: Path, language: str, **options) -> None:
        if not folder.is_dir():
            raise CommandError(f"{folder}: not a folder")
        with translation.override(language):
            outcomes = services.import_folder(folder)
        attached = [o for o in outcomes if o.recording is not None]
        for outcome in outcomes:
            if outcome.recording is None:
                self.stderr.write(f"{outcome.path.name}: {outcome.refused}", style_func=str)
        self.stdout.write(f"{len(attached)} recordings attached, "
                          f"{len(outcomes) - len(attached)} refused")
