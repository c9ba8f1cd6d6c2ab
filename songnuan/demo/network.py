"""Demo network: the central station, a sub-station per district, 琴岛驿家 relief points in
community facilities, help-guidance points at stations and squares, and tonight's warming visits.
"""

from __future__ import annotations

import datetime

from songnuan.network import geography, services
from songnuan.network.models import (
    District,
    HostType,
    Service,
    Site,
    SiteLevel,
    SiteStatus,
    WarmingVisit,
)

CENTRAL_STATION = ("青岛市救助管理站", "370213", "李沧区金水路1号", 36.1603, 120.4302, "0532-87661234")

# Sub-districts (街道) per district where relief points stand, each at the street's centre
# (WGS-84, to a few hundred metres): a point named after a street stands inside it.
STREETS = {
    "370202": [("八大关", 36.0545, 120.3545), ("湛山", 36.0625, 120.3685),
               ("八大峡", 36.0600, 120.3010), ("中山路", 36.0690, 120.3190),
               ("江苏路", 36.0680, 120.3280), ("云南路", 36.0690, 120.3070)],
    "370203": [("台东", 36.0840, 120.3500), ("辽宁路", 36.0800, 120.3400),
               ("登州路", 36.0870, 120.3560)],
    "370211": [("长江路", 35.9650, 120.1950), ("薛家岛", 35.9980, 120.2380)],
    "370212": [("沙子口", 36.1050, 120.5450), ("中韩", 36.1150, 120.4500),
               ("金家岭", 36.0950, 120.4650)],
    "370213": [("李村", 36.1590, 120.4290)],
    "370214": [("城阳", 36.3070, 120.3960), ("流亭", 36.2650, 120.3750)],
    "370215": [("通济", 36.3880, 120.4520), ("环秀", 36.3920, 120.4430)],
    "370281": [("中云", 36.2860, 120.0300), ("三里河", 36.2750, 120.0150)],
    "370283": [("凤台", 36.7800, 119.9600), ("东阁", 36.7750, 119.9750),
               ("李园", 36.7800, 119.9500)],
    "370285": [("水集", 36.8870, 120.5200), ("望城", 36.8750, 120.5000)],
}
# How far a relief point may stand from its street's centre (degrees, about 300 m).
STREET_SCATTER = 0.003
# Sub-stations stand near their district's centre on a road that exists nowhere: a real road
# name would put them in the wrong place.
INVENTED_ROAD = "暖冬路"
# Help-guidance points at real stations, squares and beaches, where they really are (WGS-84).
# Districts without one get a plainly invented name at a generated position.
GUIDANCE_PLACES = {
    "370202": [("青岛站南广场", 36.0640, 120.3125), ("五四广场", 36.0613, 120.3843),
               ("栈桥", 36.0612, 120.3177)],
    "370203": [("台东步行街", 36.0838, 120.3505)],
    "370211": [("金沙滩", 35.9680, 120.2460)],
    "370212": [("石老人海水浴场", 36.0967, 120.4681)],
    "370213": [("青岛北站", 36.1697, 120.3739), ("李村商圈", 36.1592, 120.4285)],
    "370281": [("胶东国际机场", 36.3619, 120.0881)],
}
INVENTED_GUIDANCE = "{district}一号引导点"
# Small districts need a tighter scatter to stay inside their boundaries (degrees).
SCATTER = {"370202": 0.012, "370203": 0.012, "370213": 0.018, "370212": 0.03}
DEFAULT_SCATTER = 0.06
HOSTS = [
    (HostType.ELDERLY_CARE, "{street}街道颐养中心", 2),
    (HostType.LOTTERY_KIOSK, "福彩{street}投注站", 2),
    (HostType.POLICE_ROOM, "{street}社区警务室", 2),
    (HostType.COMMUNITY_CENTRE, "{street}社区党群服务中心", 1),
]


def populate(ctx) -> None:
    districts = {district.code: district for district in District.objects.all()}
    name, code, address, lat, lon, phone = ctx.city.central_station
    phone = phone or ctx.city.phone(ctx.rng)
    central = _site(
        name=name, level=SiteLevel.CENTRAL_STATION, host_type=HostType.RESCUE_STATION,
        address=address, lat=lat, lon=lon, phone=phone, is_24h=True, seats=40, beds=160,
        services=[Service.WARM_ROOM, Service.HOT_FOOD, Service.BEDS, Service.MEDICAL,
                  Service.CHARGING, Service.SUPPLIES],
    )
    stations: dict[str, Site] = {}
    relief_points: dict[str, Site] = {}
    for code, district in districts.items():
        lat, lon = _point_in(ctx, code, district, scatter=0.004)
        stations[code] = _site(
            name=f"{district.name}救助管理分站", level=SiteLevel.SUB_STATION, parent=central,
            host_type=HostType.RESCUE_STATION, is_24h=True, lat=lat, lon=lon,
            address=f"{district.name}{INVENTED_ROAD}{ctx.rng.randint(10, 200)}号",
            phone=_phone(ctx), seats=ctx.rng.choice((10, 12, 16, 20)),
            beds=ctx.rng.choice((24, 30, 40, 60)),
            services=[Service.WARM_ROOM, Service.HOT_FOOD, Service.BEDS, Service.MEDICAL,
                      Service.CHARGING, Service.SUPPLIES],
        )
    for code, district in districts.items():
        streets = list(ctx.city.streets.get(code, []))
        ctx.rng.shuffle(streets)
        count = min(len(streets), ctx.count(5, minimum=2))
        for index, street in enumerate(streets[:count]):
            host, pattern, _weight = HOSTS[index % len(HOSTS)] if index else HOSTS[3]
            point = _relief_point(ctx, code, street, host, pattern, stations[code])
            relief_points.setdefault(code, point)
        places = ctx.city.guidance_places.get(code) or [
            (INVENTED_GUIDANCE.format(district=district.name), *_point_in(ctx, code, district))]
        for place, lat, lon in places[:ctx.count(2)]:
            _site(name=f"求助引导点·{place}", level=SiteLevel.GUIDANCE_POINT,
                  parent=stations[code], host_type=HostType.OTHER, lat=lat, lon=lon,
                  address=f"{district.name}{place}", phone=stations[code].phone, is_24h=True,
                  services=[Service.GUIDANCE])
    _tonight(ctx, relief_points)
    ctx.shared["central_station"] = central
    ctx.shared["sub_stations"] = stations
    ctx.shared["relief_points"] = relief_points


def _relief_point(ctx, code, street, host, pattern, station) -> Site:
    street, lat, lon = street
    lat, lon = _near(ctx, code, lat, lon)
    hours, is_24h, protocol = [], False, False
    if host in (HostType.POLICE_ROOM, HostType.ELDERLY_CARE):
        is_24h = True
    elif host == HostType.LOTTERY_KIOSK:
        hours, protocol = ["Mon-Sun 08:30-21:30"], True
    else:
        hours, protocol = ["Mon-Fri 17:00-08:30", "Sat,Sun 00:00-24:00"], True
    services_offered = [Service.WARM_ROOM, Service.HOT_FOOD, Service.CHARGING, Service.SUPPLIES]
    if host == HostType.ELDERLY_CARE:
        services_offered.append(Service.MEDICAL)
    status, reason = SiteStatus.OPEN, ""
    roll = ctx.rng.random()
    if roll < 0.04:
        status, reason = SiteStatus.SUSPENDED, "供暖设备检修，暂停服务"
    elif roll < 0.08:
        status, reason = SiteStatus.CLOSED, "本周装修，暂不开放"
    brand = ctx.city.brand
    return _site(
        name=f"{brand}·{pattern.format(street=street)}" if brand else pattern.format(
            street=street), level=SiteLevel.RELIEF_POINT,
        parent=station, host_type=host, is_qindao_yijia=bool(brand), lat=lat, lon=lon,
        address=f"{station.district.name}{street}街道{ctx.rng.randint(1, 300)}号",
        phone=_phone(ctx), hours=hours, is_24h=is_24h, open_in_cold_protocol=protocol,
        seats=ctx.rng.choice((4, 6, 8, 10, 12)), beds=0, services=services_offered,
        status=status, status_reason=reason,
    )


def _site(**fields) -> Site:
    site = Site(**fields)
    site.district = District.objects.get(code=geography.district_code_at(site.lat, site.lon))
    return services.save_site(site)


def _point_in(ctx, code: str, district: District, scatter: float | None = None):
    spread = scatter or ctx.city.scatter.get(code, DEFAULT_SCATTER)
    for _attempt in range(60):
        lat = district.centre_lat + ctx.rng.uniform(-spread, spread)
        lon = district.centre_lon + ctx.rng.uniform(-spread, spread) * 1.2
        if geography.inside_boundary(code, lat, lon):
            return round(lat, 6), round(lon, 6)
    return district.centre_lat, district.centre_lon


def _near(ctx, code: str, lat: float, lon: float) -> tuple[float, float]:
    """A point within STREET_SCATTER of a street's centre, still in its district."""
    for _attempt in range(20):
        near_lat = lat + ctx.rng.uniform(-STREET_SCATTER, STREET_SCATTER)
        near_lon = lon + ctx.rng.uniform(-STREET_SCATTER, STREET_SCATTER) * 1.2
        if geography.district_code_at(near_lat, near_lon) == code:
            return round(near_lat, 6), round(near_lon, 6)
    return lat, lon


def _phone(ctx) -> str:
    return ctx.city.phone(ctx.rng)


def _tonight(ctx, relief_points: dict[str, Site]) -> None:
    """People warming up right now, and the visits of the past week."""
    now = ctx.now
    visits = []
    points = list(Site.objects.filter(level=SiteLevel.RELIEF_POINT, status=SiteStatus.OPEN))
    for site in points:
        for day in range(1, 8):
            for _visit in range(ctx.rng.randint(0, site.seats)):
                arrived = now - datetime.timedelta(days=day, minutes=ctx.rng.randint(0, 600))
                visits.append(WarmingVisit(site=site, arrived_at=arrived, left_at=arrived
                                           + datetime.timedelta(minutes=ctx.rng.randint(20, 400))))
        if not services.open_now(site, now):
            continue
        present = site.seats if ctx.rng.random() < 0.15 else ctx.rng.randint(0, site.seats - 1)
        for _visit in range(present):
            visits.append(WarmingVisit(
                site=site, arrived_at=now - datetime.timedelta(minutes=ctx.rng.randint(5, 180))
            ))
    WarmingVisit.objects.bulk_create(visits, batch_size=500)
