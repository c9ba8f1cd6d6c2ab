"""Each person met gets their own outcome, and supplies issued move from the encounter's JSON
list into the supplies ledger."""

from django.db import migrations, models

# The kinds the encounter form offered before the ledger, as items (name, kind, unit).
LEGACY_ITEMS = {
    "coat": ("棉大衣", "coat", "件"), "quilt": ("棉被", "quilt", "床"),
    "food": ("方便食品", "food", "份"), "hot_drink": ("热饮", "hot_drink", "杯"),
    "gloves": ("手套", "gloves", "副"), "warmer": ("暖宝宝", "warmer", "片"),
}
LEGACY_REASON = "台账启用前的记录"


def forwards(apps, schema_editor):
    Encounter = apps.get_model("outreach", "Encounter")
    EncounterPerson = apps.get_model("outreach", "EncounterPerson")
    for outcome in EncounterPerson.objects.values_list("encounter__outcome", flat=True).distinct():
        EncounterPerson.objects.filter(encounter__outcome=outcome).update(outcome=outcome)
    for encounter in Encounter.objects.exclude(supplies=[]).select_related("squad"):
        _move_to_ledger(apps, encounter)


def _move_to_ledger(apps, encounter):
    """An issue the old list recorded, entered as received and issued at once, so the squad's
    stock is unchanged and the person's file still shows what they got."""
    SupplyItem = apps.get_model("supplies", "SupplyItem")
    Stock = apps.get_model("supplies", "Stock")
    Movement = apps.get_model("supplies", "Movement")
    met = encounter.people.order_by("pk").first()
    for key in encounter.supplies:
        if key not in LEGACY_ITEMS:
            continue
        name, kind, unit = LEGACY_ITEMS[key]
        item, _made = SupplyItem.objects.get_or_create(name=name,
                                                       defaults={"kind": kind, "unit": unit})
        stock, _made = Stock.objects.get_or_create(
            item=item, squad=encounter.squad, defaults={"district_id": encounter.squad.district_id})
        common = {"stock": stock, "at": encounter.at, "by_id": encounter.recorded_by_id}
        Movement.objects.create(kind="receipt", change=1, balance=stock.quantity + 1,
                                reason=LEGACY_REASON, **common)
        Movement.objects.create(kind="issue", change=-1, balance=stock.quantity,
                                person_id=met.person_id if met else None,
                                encounter=encounter, **common)


def backwards(apps, schema_editor):
    Encounter = apps.get_model("outreach", "Encounter")
    Movement = apps.get_model("supplies", "Movement")
    kinds = {kind: key for key, (_name, kind, _unit) in LEGACY_ITEMS.items()}
    for encounter in Encounter.objects.filter(supply_movements__isnull=False).distinct():
        issued = Movement.objects.filter(encounter=encounter, kind="issue")
        encounter.supplies = sorted({kinds[m.stock.item.kind] for m in issued
                                     if m.stock.item.kind in kinds})
        encounter.save(update_fields=["supplies"])


class Migration(migrations.Migration):

    dependencies = [
        ('outreach', '0002_squads_tasks_encounters'),
        ('supplies', '0001_ledger'),
    ]

    operations = [
        migrations.AlterModelOptions(
            name='encounterperson',
            options={'ordering': ['pk']},
        ),
        migrations.AddField(
            model_name='encounterperson',
            name='outcome',
            field=models.CharField(choices=[('escorted', 'Escorted to a site'), ('hospital', 'Sent to hospital'), ('refused', 'Refused help'), ('not_found', 'Not found'), ('false_report', 'False report')], default='refused', max_length=12, verbose_name='outcome'),
            preserve_default=False,
        ),
        migrations.RunPython(forwards, backwards),
        migrations.RemoveField(
            model_name='encounter',
            name='supplies',
        ),
    ]
