"""Demo network: the central station and a sub-station in every district."""

from __future__ import annotations

from songnuan.network.models import District, Site, SiteLevel

CENTRAL_STATION = ("青岛市救助管理站", "370213", "李沧区金水路1号", 36.1603, 120.4302, "0532-87661234")


def populate(ctx) -> None:
    name, code, address, lat, lon, phone = CENTRAL_STATION
    districts = {district.code: district for district in District.objects.all()}
    central = Site.objects.create(
        name=name, level=SiteLevel.CENTRAL_STATION, district=districts[code],
        address=address, lat=lat, lon=lon, phone=phone,
    )
    stations = {}
    for district in districts.values():
        stations[district.code] = Site.objects.create(
            name=f"{district.name}救助管理分站", level=SiteLevel.SUB_STATION, parent=central,
            district=district, address=f"{district.name}人民路{ctx.rng.randint(10, 200)}号",
            lat=district.centre_lat + ctx.rng.uniform(-0.004, 0.004),
            lon=district.centre_lon + ctx.rng.uniform(-0.004, 0.004),
            phone=f"0532-8{ctx.rng.randint(1000000, 9999999)}",
        )
    relief_points = {}
    for code, station in stations.items():
        relief_points[code] = Site.objects.create(
            name=f"琴岛驿家·{station.district.name}社区服务中心", level=SiteLevel.RELIEF_POINT,
            parent=station, district=station.district,
            address=f"{station.district.name}社区服务中心一楼",
            lat=station.lat + ctx.rng.uniform(-0.01, 0.01),
            lon=station.lon + ctx.rng.uniform(-0.01, 0.01),
            phone=f"0532-8{ctx.rng.randint(1000000, 9999999)}",
        )
    ctx.shared["central_station"] = central
    ctx.shared["sub_stations"] = stations
    ctx.shared["relief_points"] = relief_points
