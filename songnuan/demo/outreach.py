"""Demo hotspots: Qingdao's underpasses, bridge culverts, stations and parks, in every district."""

from __future__ import annotations

from songnuan.network.geography import district_for_point
from songnuan.network.models import District
from songnuan.outreach.models import Hotspot, PlaceType, RiskLevel

U, B, A, S, P, V, C, OTHER = (
    PlaceType.UNDERPASS, PlaceType.BRIDGE_CULVERT, PlaceType.ABANDONED_BUILDING,
    PlaceType.STATION, PlaceType.PARK, PlaceType.BANK_VESTIBULE, PlaceType.CONSTRUCTION_SITE,
    PlaceType.OTHER,
)
HIGH, MEDIUM, LOW = RiskLevel.HIGH, RiskLevel.MEDIUM, RiskLevel.LOW

# name, type, risk, lat, lon (WGS-84), landmark, notes
HOTSPOTS = [
    ("青岛站东广场地下通道", U, HIGH, 36.0648, 120.3135, "泰安路青岛站东侧", "夜间常有 3–5 人在通道内过夜，凌晨需重点巡查。"),
    ("栈桥西侧回廊", OTHER, MEDIUM, 36.0608, 120.3170, "太平路栈桥西", "海风大，体感温度低。"),
    ("中山路劈柴院口", OTHER, LOW, 36.0690, 120.3185, "中山路与北京路路口", ""),
    ("五四广场地下通道", U, HIGH, 36.0618, 120.3845, "东海西路五四广场", "通道内有避风处，流动人员较多。"),
    ("香港中路地铁站出口", S, MEDIUM, 36.0638, 120.3960, "香港中路与山东路路口", "地铁收班后有人在出口附近停留。"),
    ("八大关公园东门长椅区", P, LOW, 36.0540, 120.3560, "韶关路口", ""),
    ("建设银行宁夏路自助银行", V, MEDIUM, 36.0760, 120.3900, "宁夏路", "凌晨有人在自助银行内取暖。"),
    ("海泊河杭州路桥洞", B, HIGH, 36.0935, 120.3620, "杭州路海泊河桥", "桥洞下有固定铺位，曾有醉酒人员。"),
    ("台东步行街东口", OTHER, MEDIUM, 36.0838, 120.3530, "台东三路", ""),
    ("四方长途汽车站候车厅", S, HIGH, 36.1020, 120.3720, "温州路", "末班车后候车厅关闭，人员转移到门外。"),
    ("大港火车站旧站房", A, HIGH, 36.0870, 120.3180, "商河路", "废弃站房，门窗破损，有人进入过夜。"),
    ("李村河君峰路桥洞", B, HIGH, 36.1540, 120.4260, "君峰路李村河桥", "河道结冰时注意安全。"),
    ("李村公园假山亭", P, MEDIUM, 36.1585, 120.4330, "书院路李村公园", ""),
    ("青岛北站南广场", S, HIGH, 36.1690, 120.3720, "静乐路", "进站旅客多，求助人员常在南广场停留。"),
    ("沧口公园西门", P, LOW, 36.1760, 120.3840, "四流北路", ""),
    ("张村河桥洞", B, HIGH, 36.1160, 120.4560, "松岭路张村河桥", "桥下有简易棚，冬季需每晚查看。"),
    ("石老人海水浴场更衣廊", OTHER, MEDIUM, 36.0970, 120.4680, "香港东路", "冬季闭园，更衣廊有人避风。"),
    ("麦岛烂尾楼", A, HIGH, 36.0660, 120.4400, "东海东路麦岛路口", "未完工楼体，楼梯无护栏。"),
    ("黄岛长途汽车站", S, MEDIUM, 35.9630, 120.1920, "长江中路", ""),
    ("唐岛湾公园栈道", P, MEDIUM, 35.9390, 120.1760, "滨海大道", "海边风大，夜间无照明。"),
    ("长江路地下通道", U, HIGH, 35.9660, 120.1980, "长江中路与井冈山路", ""),
    ("薛家岛烂尾楼", A, HIGH, 36.0000, 120.2400, "安子村附近", "偏僻，需两人以上同行。"),
    ("薛家岛工地临建", C, MEDIUM, 36.0050, 120.2350, "银沙滩路", "工地停工后有外来务工人员滞留。"),
    ("城阳汽车站", S, MEDIUM, 36.3050, 120.3800, "正阳路", ""),
    ("白沙河正阳路桥洞", B, HIGH, 36.2905, 120.3930, "正阳路白沙河桥", ""),
    ("城阳世纪公园", P, LOW, 36.3030, 120.3930, "正阳中路", ""),
    ("流亭立交桥下", B, HIGH, 36.2700, 120.3800, "双流高架路流亭立交", "车流大，注意交通安全。"),
    ("即墨汽车站", S, MEDIUM, 36.3890, 120.4620, "蓝鳌路", ""),
    ("即墨古城南门", OTHER, LOW, 36.3860, 120.4500, "墨城路", ""),
    ("墨水河桥洞", B, HIGH, 36.3800, 120.4400, "烟青路墨水河桥", ""),
    ("胶州汽车总站", S, MEDIUM, 36.2750, 120.0200, "广州北路", ""),
    ("少海湿地公园", P, LOW, 36.2450, 120.0260, "少海南路", ""),
    ("胶州火车站", S, MEDIUM, 36.2810, 120.0050, "胶州湾路", ""),
    ("平度汽车站", S, MEDIUM, 36.7710, 119.9620, "红旗路", ""),
    ("平度人民公园", P, LOW, 36.7830, 119.9660, "扬州路", ""),
    ("莱西汽车站", S, MEDIUM, 36.8700, 120.5150, "烟台路", ""),
    ("月湖公园", P, LOW, 36.8880, 120.5200, "威海西路", ""),
]


def populate(ctx) -> None:
    known = {district.code: district for district in District.objects.all()}
    made = []
    city = getattr(ctx, "city", None)  # tests load the hotspots alone
    for name, place_type, risk, lat, lon, address, notes in (city.hotspots if city else HOTSPOTS):
        district = district_for_point(lat, lon)
        if district is None or district.code not in known:
            continue
        made.append(Hotspot.objects.create(
            name=name, place_type=place_type, risk_level=risk, lat=lat, lon=lon,
            district=district, address=address, notes=notes,
            patrols_per_night={HIGH: 2, MEDIUM: 1, LOW: 1}[risk],
            patrols_per_night_protocol={HIGH: 4, MEDIUM: 2, LOW: 2}[risk],
        ))
    ctx.shared["hotspots"] = made
