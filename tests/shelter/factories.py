"""Zones and beds for a station, built the way a station is usually laid out."""

from __future__ import annotations

from songnuan.shelter.models import AgeGroup, Bed, Condition, Zone

STANDARD_ZONES = (
    ("男宾区", "M", AgeGroup.ADULT, Condition.GENERAL),
    ("女宾区", "F", AgeGroup.ADULT, Condition.GENERAL),
    ("老年区", "", AgeGroup.ELDERLY, Condition.GENERAL),
    ("未成年人区", "", AgeGroup.MINOR, Condition.GENERAL),
    ("医疗观察区", "", AgeGroup.ADULT, Condition.MEDICAL),
    ("精神观察区", "", AgeGroup.ADULT, Condition.MENTAL),
    ("隔离区", "", AgeGroup.ADULT, Condition.ISOLATION),
)


def make_zone(site, name: str = "男宾区", *, sex: str = "M", age_group: str = AgeGroup.ADULT,
              condition: str = Condition.GENERAL, beds: int = 2) -> Zone:
    zone = Zone.objects.create(site=site, name=name, sex=sex, age_group=age_group,
                               condition=condition)
    for number in range(1, beds + 1):
        Bed.objects.create(zone=zone, label=f"{number:02d}")
    return zone


def lay_out_station(site, beds: int = 2) -> dict[str, Zone]:
    return {name: make_zone(site, name, sex=sex, age_group=age, condition=condition, beds=beds)
            for name, sex, age, condition in STANDARD_ZONES}
