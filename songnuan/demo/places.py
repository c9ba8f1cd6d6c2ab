"""Demo gazetteer: real Qingdao places at their WGS-84 points (stations, squares, underpasses,
streets and landmarks in every central district), so typed hotline places resolve."""

from __future__ import annotations

from songnuan.places import services
from songnuan.places.models import Place, PlaceKind

L, U, B = PlaceKind.LANDMARK, PlaceKind.UNDERPASS, PlaceKind.BRIDGE_CULVERT
T, R, J = PlaceKind.TRANSPORT_STATION, PlaceKind.ROAD, PlaceKind.JUNCTION
P, H = PlaceKind.PARK, PlaceKind.BUILDING

# (name, aliases, kind, lat, lon)
PLACES = [
    # 市南区
    ("青岛站", ["青岛火车站", "火车站"], T, 36.0644, 120.3128),
    ("青岛站东广场地下通道", ["火车站地下通道"], U, 36.0650, 120.3142),
    ("栈桥", ["栈桥公园", "回澜阁"], L, 36.0594, 120.3197),
    ("中山路", ["中山路商业街"], R, 36.0672, 120.3200),
    ("劈柴院", ["江宁路劈柴院"], L, 36.0688, 120.3190),
    ("天主教堂", ["圣弥厄尔教堂", "浙江路天主教堂"], L, 36.0675, 120.3178),
    ("信号山公园", ["信号山"], P, 36.0650, 120.3285),
    ("小鱼山公园", ["小鱼山"], P, 36.0582, 120.3315),
    ("中国海洋大学鱼山校区", ["海大鱼山校区"], H, 36.0620, 120.3330),
    ("汇泉广场", [], L, 36.0580, 120.3410),
    ("中山公园", [], P, 36.0640, 120.3480),
    ("八大关", ["八大关风景区"], L, 36.0535, 120.3500),
    ("五四广场", ["五月的风"], L, 36.0617, 120.3842),
    ("五四广场地下通道", [], U, 36.0625, 120.3852),
    ("青岛市政府", ["市政府"], H, 36.0643, 120.3823),
    ("奥帆中心", ["奥林匹克帆船中心", "奥帆基地"], L, 36.0560, 120.3925),
    # 市北区
    ("台东步行街", ["台东三路步行街", "台东商业步行街"], R, 36.0845, 120.3500),
    ("台东步行街东口地下通道", ["台东东口地下通道", "台东步行街东口通道"], U, 36.0840, 120.3545),
    ("台东步行街西口", [], J, 36.0850, 120.3462),
    ("青岛啤酒博物馆", ["啤酒博物馆"], H, 36.0826, 120.3495),
    ("四方站", ["四方火车站"], T, 36.1030, 120.3590),
    ("海泊河公园", [], P, 36.0960, 120.3660),
    # 李沧区
    ("青岛北站", ["北站", "青岛火车北站"], T, 36.1686, 120.3742),
    ("李村商圈", ["李村", "李村步行街"], L, 36.1525, 120.4275),
    ("李村公园", [], P, 36.1590, 120.4340),
    ("沧口公园", [], P, 36.1765, 120.3845),
    # 崂山区
    ("石老人海水浴场", ["石老人"], P, 36.0975, 120.4690),
    ("青岛大剧院", [], H, 36.0965, 120.4612),
    ("太清宫", ["崂山太清宫"], L, 36.1380, 120.6710),
    ("张村河", [], B, 36.1165, 120.4555),
    # 城阳区
    ("流亭机场", ["青岛流亭国际机场", "老机场"], T, 36.2661, 120.3742),
    ("城阳区政府", [], H, 36.3074, 120.3960),
    ("正阳路", ["正阳中路"], R, 36.3020, 120.3930),
    ("白沙河", [], B, 36.2900, 120.3935),
    # 黄岛区
    ("金沙滩", ["金沙滩海水浴场"], P, 35.9700, 120.2570),
    ("唐岛湾公园", [], P, 35.9515, 120.1920),
    # 即墨区、胶州市、平度市、莱西市
    ("即墨古城", [], L, 36.3865, 120.4500),
    ("胶东国际机场", ["青岛胶东国际机场"], T, 36.3620, 120.0870),
    ("平度人民公园", [], P, 36.7830, 119.9660),
    ("月湖公园", ["莱西月湖"], P, 36.8880, 120.5200),
]


def populate(ctx) -> None:
    city = getattr(ctx, "city", None)  # tests load the gazetteer alone
    gazetteer = city.gazetteer if city else PLACES
    for name, aliases, kind, lat, lon in gazetteer:
        place = Place(name=name, aliases=aliases, kind=kind)
        services.place_at(place, lat, lon)
        services.save_place(place)
    ctx.shared["places"] = len(gazetteer)
