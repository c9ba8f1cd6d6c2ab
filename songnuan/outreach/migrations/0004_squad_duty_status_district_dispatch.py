from django.db import migrations, models


def statuses_from_flag(apps, schema_editor):
    Squad = apps.get_model("outreach", "Squad")
    Squad.objects.filter(is_on_duty=True).update(duty_status="on_duty")


def flag_from_statuses(apps, schema_editor):
    Squad = apps.get_model("outreach", "Squad")
    Squad.objects.filter(duty_status="on_duty").update(is_on_duty=True)


class Migration(migrations.Migration):
    dependencies = [
        ("outreach", "0003_encounter_people_outcomes_and_supply_ledger"),
    ]

    operations = [
        migrations.AddField(
            model_name="squad",
            name="duty_status",
            field=models.CharField(
                choices=[("on_duty", "On duty"), ("on_break", "On a break"),
                         ("out_of_service", "Out of service"), ("reserve", "Reserve")],
                default="out_of_service", max_length=16, verbose_name="duty status"),
        ),
        migrations.RunPython(statuses_from_flag, flag_from_statuses),
        migrations.RemoveField(model_name="squad", name="is_on_duty"),
        migrations.AlterField(
            model_name="task", name="lat", field=models.FloatField(blank=True, null=True)),
        migrations.AlterField(
            model_name="task", name="lon", field=models.FloatField(blank=True, null=True)),
        migrations.AddField(
            model_name="task",
            name="eta_min",
            field=models.PositiveSmallIntegerField(
                blank=True, null=True, verbose_name="expected on scene in (minutes)"),
        ),
        migrations.AddField(
            model_name="task",
            name="is_mutual_aid",
            field=models.BooleanField(default=False, help_text="A squad from another district.",
                                      verbose_name="mutual aid"),
        ),
    ]
