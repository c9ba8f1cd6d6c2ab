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

# Sub-districts and neighbourhoods (街道/社区) per district where relief points stand.
STREETS = {
    "370202": ["八大关", "湛山", "八大峡", "云南路", "中山路", "金门路", "珠海路", "江苏路"],
    "370203": ["台东", "辽宁路", "登州路", "浮山新区", "敦化路", "合肥路", "水清沟", "阜新路"],
    "370211": ["长江路", "黄岛", "辛安", "薛家岛", "灵山卫", "隐珠", "珠海", "红石崖"],
    "370212": ["沙子口", "中韩", "金家岭", "北宅", "王哥庄"],
    "370213": ["振华路", "浮山路", "虎山路", "李村", "湘潭路", "楼山", "兴华路", "九水"],
    "370214": ["城阳", "流亭", "夏庄", "惜福镇", "棘洪滩", "上马", "河套"],
    "370215": ["通济", "环秀", "潮海", "龙山", "蓝村", "灵山"],
    "370281": ["中云", "三里河", "阜安", "九龙", "胶东", "胶北"],
    "370283": ["凤台", "东阁", "李园", "同和", "南村", "新河"],
    "370285": ["水集", "望城", "沽河", "姜山", "店埠"],
}
ROADS = ["人民路", "长江路", "兴华路", "福州路", "重庆路", "黑龙江路", "海尔路", "青威路", "胶州湾路"]
GUIDANCE_PLACES = {
    "370202": ["青岛站南广场", "五四广场", "中山路地下通道"],
    "370203": ["台东步行街", "青岛北站东广场"],
    "370211": ["黄岛汽车站", "金沙滩路地下通道"],
    "370212": ["崂山区政府地铁站"],
    "370213": ["李村商圈", "青岛北站"],
    "370214": ["城阳汽车站"],
    "370215": ["即墨汽车站"],
    "370281": ["胶东国际机场交通中心"],
    "370283": ["平度汽车站"],
    "370285": ["莱西汽车站"],
}
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
    name, code, address, lat, lon, phone = CENTRAL_STATION
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
            address=f"{district.name}{ctx.rng.choice(ROADS)}{ctx.rng.randint(10, 200)}号",
            phone=_phone(ctx), seats=ctx.rng.choice((10, 12, 16, 20)),
            beds=ctx.rng.choice((24, 30, 40, 60)),
            services=[Service.WARM_ROOM, Service.HOT_FOOD, Service.BEDS, Service.MEDICAL,
                      Service.CHARGING, Service.SUPPLIES],
        )
    for code, district in districts.items():
        streets = list(STREETS[code])
        ctx.rng.shuffle(streets)
        count = min(len(streets), ctx.count(5, minimum=2))
        for index, street in enumerate(streets[:count]):
            host, pattern, _weight = HOSTS[index % len(HOSTS)] if index else HOSTS[3]
            point = _relief_point(ctx, code, district, street, host, pattern, stations[code])
            relief_points.setdefault(code, point)
        for place in GUIDANCE_PLACES[code][:ctx.count(2)]:
            lat, lon = _point_in(ctx, code, district)
            _site(name=f"求助引导点·{place}", level=SiteLevel.GUIDANCE_POINT,
                  parent=stations[code], host_type=HostType.OTHER, lat=lat, lon=lon,
                  address=f"{district.name}{place}", phone=stations[code].phone, is_24h=True,
                  services=[Service.GUIDANCE])
    _tonight(ctx, relief_points)
    ctx.shared["central_station"] = central
    ctx.shared["sub_stations"] = stations
    ctx.shared["relief_points"] = relief_points


def _relief_point(ctx, code, district, street, host, pattern, station) -> Site:
    lat, lon = _point_in(ctx, code, district)
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
    return _site(
        name=f"琴岛驿家·{pattern.format(street=street)}", level=SiteLevel.RELIEF_POINT,
        parent=station, host_type=host, is_qindao_yijia=True, lat=lat, lon=lon,
        address=f"{district.name}{street}{ctx.rng.choice(ROADS)}{ctx.rng.randint(1, 300)}号",
        phone=_phone(ctx), hours=hours, is_24h=is_24h, open_in_cold_protocol=protocol,
        seats=ctx.rng.choice((4, 6, 8, 10, 12)), beds=0, services=services_offered,
        status=status, status_reason=reason,
    )


def _site(**fields) -> Site:
    site = Site(**fields)
    site.district = District.objects.get(code=geography.district_code_at(site.lat, site.lon))
    return services.save_site(site)


def _point_in(ctx, code: str, district: District, scatter: float | None = None):
    spread = scatter or SCATTER.get(code, DEFAULT_SCATTER)
    for _attempt in range(60):
        lat = district.centre_lat + ctx.rng.uniform(-spread, spread)
        lon = district.centre_lon + ctx.rng.uniform(-spread, spread) * 1.2
        if geography.inside_boundary(code, lat, lon):
            return round(lat, 6), round(lon, 6)
    return district.centre_lat, district.centre_lon


def _phone(ctx) -> str:
    return f"0532-8{ctx.rng.randint(1000000, 9999999)}"


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
