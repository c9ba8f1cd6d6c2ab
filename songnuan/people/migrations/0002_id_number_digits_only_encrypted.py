"""The region and birth date of an ID number are no longer kept in the clear beside it.

Together they gave away 14 of its 18 digits. The birth year stays (the age, duplicate search and
family-tracing linkage need it); the date and region are read from the decrypted number. A birth
date that differs from the number's, or a number no configured key opens, is left as it was.
"""

from django.db import migrations, models

from songnuan.people import crypto
from songnuan.people.identity import IdNumberError, parse_id_number


def _from_number(cipher):
    try:
        return parse_id_number(crypto.decrypt(cipher))
    except (crypto.DecryptionError, IdNumberError):
        return None


def forwards(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    PersonMerge = apps.get_model("people", "PersonMerge")
    numbered = set()
    for person in Person.objects.exclude(id_number_cipher="").only(
            "pk", "id_number_cipher", "birth_date"):
        info = _from_number(person.id_number_cipher)
        if info is None:
            continue
        numbered.add(person.pk)
        changes = {"birth_year": info.birth_date.year}
        if person.birth_date == info.birth_date:
            changes["birth_date"] = None
        Person.objects.filter(pk=person.pk).update(**changes)
    for merge in PersonMerge.objects.all().only("pk", "survivor_id", "filled"):
        filled = dict(merge.filled)
        filled.pop("id_region", None)
        if merge.survivor_id in numbered:
            filled.pop("birth_date", None)
        if filled != merge.filled:
            PersonMerge.objects.filter(pk=merge.pk).update(filled=filled)


def backwards(apps, schema_editor):
    Person = apps.get_model("people", "Person")
    for person in Person.objects.exclude(id_number_cipher="").only("pk", "id_number_cipher"):
        info = _from_number(person.id_number_cipher)
        if info is not None:
            Person.objects.filter(pk=person.pk).update(
                birth_date=info.birth_date, id_region=info.region_name)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(model_name="person", name="id_region"),
        migrations.AlterField(
            model_name="person", name="birth_year",
            field=models.PositiveSmallIntegerField(
                blank=True, db_index=True, editable=False, null=True, verbose_name="birth year",
                help_text="From the birth date or the ID number, or from the estimated age and "
                          "when it was estimated."),
        ),
    ]
