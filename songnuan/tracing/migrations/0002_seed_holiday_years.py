"""Seed the holiday arrangements the `chinesecalendar` package knows (2004–2026)."""

from django.db import migrations


def seed(apps, schema_editor):
    from songnuan.tracing.workdays import package_arrangement

    HolidayYear = apps.get_model("tracing", "HolidayYear")
    have = set(HolidayYear.objects.values_list("year", flat=True))
    HolidayYear.objects.bulk_create([
        HolidayYear(year=year, holidays=off, workdays=work, source="chinesecalendar")
        for year, (off, work) in sorted(package_arrangement().items()) if year not in have
    ])


class Migration(migrations.Migration):
    dependencies = [("tracing", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
