"""``songnuan scrub_photos``: strip the metadata from photos of people stored before uploads were
re-encoded (`songnuan.images`), so old files stop carrying where they were taken. Safe to run
again: a photo already clean is left alone."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand

from songnuan.images import fields_holding_photos_of_people, scrub_stored


class Command(BaseCommand):
    help = "Re-encode stored photos of people that still carry EXIF, GPS, XMP or comments."

    def handle(self, *args, **options) -> None:
        for model, field in fields_holding_photos_of_people():
            scrubbed = unreadable = 0
            rows = model._base_manager.exclude(**{field: ""}).exclude(**{f"{field}__isnull": True})
            for row in rows.iterator():
                try:
                    scrubbed += scrub_stored(row, field)
                except (ValidationError, OSError) as error:
                    unreadable += 1
                    self.stderr.write(f"{model._meta.label} #{row.pk}: {error}")
            self.stdout.write(f"{model._meta.label}.{field}: {scrubbed} scrubbed"
                              + (f", {unreadable} unreadable" if unreadable else ""))
