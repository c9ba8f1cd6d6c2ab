from __future__ import annotations

from ninja import Schema


class HotspotOut(Schema):
    id: int
    name: str
    place_type: str
    lat: float
    lon: float
    district_id: int
    address: str
    risk_level: int
    patrols_per_night: int
    patrols_per_night_protocol: int
    is_active: bool


class NearestHotspotOut(Schema):
    hotspot: HotspotOut | None
    distance_m: float | None
