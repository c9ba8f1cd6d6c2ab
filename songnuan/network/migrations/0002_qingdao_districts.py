"""Qingdao's ten district-level divisions (GB/T 2260) with the seat of each government."""

from django.db import migrations

DISTRICTS = [
    ("370202", "市南区", "Shinan", 36.0660, 120.3825),
    ("370203", "市北区", "Shibei", 36.0875, 120.3745),
    ("370211", "黄岛区", "Huangdao", 35.9607, 120.1985),
    ("370212", "崂山区", "Laoshan", 36.1075, 120.4690),
    ("370213", "李沧区", "Licang", 36.1450, 120.4325),
    ("370214", "城阳区", "Chengyang", 36.3075, 120.3965),
    ("370215", "即墨区", "Jimo", 36.3895, 120.4475),
    ("370281", "胶州市", "Jiaozhou", 36.2645, 120.0335),
    ("370283", "平度市", "Pingdu", 36.7770, 119.9880),
    ("370285", "莱西市", "Laixi", 36.8880, 120.5175),
]


def seed(apps, schema_editor):
    District = apps.get_model("network", "District")
    for code, name, name_en, lat, lon in DISTRICTS:
        District.objects.update_or_create(
            code=code,
            defaults={"name": name, "name_en": name_en, "centre_lat": lat, "centre_lon": lon},
        )


class Migration(migrations.Migration):
    dependencies = [("network", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
