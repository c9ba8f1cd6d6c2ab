"""The city a demo is built for: what its steps need to know about the place.

The Qingdao demo uses real places (its streets, stations, hotspots, hospitals, the 琴岛驿家
brand) from the steps' own tables. Any other city (`songnuan demo --city 哈尔滨市`) gets a
generated profile from its districts in the national data: sites, streets and hotspots at
invented names placed inside its districts, nearest the old town, and a climate as cold as its
latitude makes it. Nothing here pretends to be a real address in that city.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from songnuan.demo import accounts, leads, network, outreach, places, weather
from songnuan.geo import cities
from songnuan.geo.distance import haversine_m
from songnuan.geo.districts import District, DistrictMap, load_city

# Each degree of latitude north of Qingdao takes this much (°C) off the season's first days
# and adds this much (°C a day) to its cooling: Harbin starts near 0 °C and falls below −15 °C
# by mid-December, about as the real city does.
REFERENCE_LATITUDE = 36.07
START_MEAN_C = 10.5
COLD_PER_DEGREE_NORTH = 1.0
COOLING_PER_DAY = 0.24
EXTRA_COOLING_PER_DEGREE = 0.015
# and this much (°C) off the protocol's temperature thresholds, as a bureau there tunes them.
THRESHOLD_SHIFT_PER_DEGREE = 1.5
# Provinces' licence-plate characters, by the first two digits of the GB/T 2260 code.
PLATES = {
    "11": "京", "12": "津", "13": "冀", "14": "晋", "15": "蒙", "21": "辽", "22": "吉", "23": "黑",
    "31": "沪", "32": "苏", "33": "浙", "34": "皖", "35": "闽", "36": "赣", "37": "鲁", "41": "豫",
    "42": "鄂", "43": "湘", "44": "粤", "45": "桂", "46": "琼", "50": "渝", "51": "川", "52": "贵",
    "53": "云", "54": "藏", "61": "陕", "62": "甘", "63": "青", "64": "宁", "65": "新",
}
# Telephone area codes of the cities a bureau is most likely to try first; others get mobiles.
AREA_CODES = {
    "110000": "010", "120000": "022", "210100": "024", "220100": "0431", "230100": "0451",
    "150100": "0471", "650100": "0991", "653100": "0998", "530100": "0871", "620100": "0931",
    "630100": "0971", "640100": "0951",
}
TEAM_DISTRICTS = 3
ADMIN_DISTRICTS = 6
STREETS_PER_DISTRICT = 3
# How many random points to draw in a district to keep the ones nearest the old town.
CANDIDATE_POINTS = 40
STREET_WORDS = ("中心", "东风", "新华", "建设", "和平", "民主", "红旗", "胜利", "友谊", "文化")
HOTSPOT_KINDS = (
    ("{stem}站前地下通道", outreach.U, outreach.HIGH, "夜间常有人在通道内过夜。"),
    ("{stem}汽车站", outreach.S, outreach.MEDIUM, ""),
    ("{stem}河桥洞", outreach.B, outreach.HIGH, "桥洞背风，寒潮夜需重点巡查。"),
    ("{stem}中心公园", outreach.P, outreach.LOW, ""),
)


@dataclass(frozen=True)
class DemoCity:
    """What the demo's steps read about the city (see each step for how it is used)."""

    code: str
    name: str
    area_code: str  # "" for mobile numbers only
    plate: str  # licence plates' prefix: 鲁B
    brand: str  # relief points' brand, "" for none
    central_station: tuple[str, str, str, float, float, str]
    streets: dict[str, list[tuple[str, float, float]]]
    guidance_places: dict[str, list[tuple[str, float, float]]]
    scatter: dict[str, float]
    team_districts: dict[str, str]  # code: login prefix, districts with a full team
    district_slugs: dict[str, str]  # every district with an administrator
    district_weights: dict[str, int]
    hotspots: list[tuple]
    gazetteer: list[tuple]
    partners: dict[str, str]  # organisation name: trusted reporter kind
    hospitals: tuple[str, ...]
    psychiatric: str
    climate: weather.Climate
    override_reason: str
    is_generated: bool = False
    extra: dict = field(default_factory=dict)

    def phone(self, rng: random.Random) -> str:
        if self.area_code:
            return f"{self.area_code}-8{rng.randint(1000000, 9999999)}"
        return f"139{rng.randint(10000000, 99999999)}"


def qingdao() -> DemoCity:
    """The default demo: real places, from the steps' own tables."""
    return DemoCity(
        code=cities.DEFAULT_CITY_CODE, name=cities.city_by_code(cities.DEFAULT_CITY_CODE).name,
        area_code="0532", plate="鲁B", brand="琴岛驿家", central_station=network.CENTRAL_STATION,
        streets=network.STREETS, guidance_places=network.GUIDANCE_PLACES,
        scatter=network.SCATTER, team_districts=accounts.TEAM_DISTRICTS,
        district_slugs=accounts.DISTRICT_SLUGS, district_weights=leads.DISTRICT_WEIGHTS,
        hotspots=outreach.HOTSPOTS, gazetteer=places.PLACES, partners=leads.PARTNER_KINDS,
        hospitals=("青岛市市立医院", "青岛大学附属医院", "青岛市第八人民医院"),
        psychiatric="青岛市精神卫生中心", climate=weather.QINGDAO,
        override_reason="夜巡在栈桥、中山路一带发现多名露宿人员，临时提升为低温提示。",
    )


def demo_city(query: str | None) -> DemoCity:
    """The demo profile for a city code or name; the default city's when None."""
    if not query:
        return qingdao()
    place = cities.find_city(query)
    if place.code == cities.DEFAULT_CITY_CODE:
        return qingdao()
    return generated(place, load_city(place.code))


def generated(place: cities.Place, districts: DistrictMap) -> DemoCity:
    """A profile made up from the city's districts; the same city always gives the same one."""
    rng = random.Random(int(place.code))
    core = districts.core_centre
    by_nearness = sorted(districts.districts,
                         key=lambda d: haversine_m(*d.centre, *core) + d.boundary.area)
    teams = by_nearness[:TEAM_DISTRICTS]
    with_admins = by_nearness[:TEAM_DISTRICTS + ADMIN_DISTRICTS]
    stem = cities.stem(place.name)
    streets = {d.code: [(f"{cities.stem(d.name)}{word}", *_near_core(d, core, rng, districts))
                        for word in rng.sample(STREET_WORDS, STREETS_PER_DISTRICT)]
               for d in districts.districts}
    centre_district = teams[0]
    central_lat, central_lon = _near_core(centre_district, core, rng, districts)
    hotspots = [
        (pattern.format(stem=cities.stem(d.name)), kind, risk,
         *_near_core(d, core, rng, districts), f"{d.name}{network.INVENTED_ROAD}", notes)
        for d in with_admins for pattern, kind, risk, notes in HOTSPOT_KINDS
    ]
    # Degrees north of the reference city (none for a city to its south: not warmer here).
    north = max(0.0, districts.core_centre[0] - REFERENCE_LATITUDE) * COLD_PER_DEGREE_NORTH
    return DemoCity(
        code=place.code, name=place.name, area_code=AREA_CODES.get(place.code, ""),
        plate=PLATES.get(place.code[:2], "") + "A", brand="",
        central_station=(f"{place.name}救助管理站", centre_district.code,
                         f"{centre_district.name}{network.INVENTED_ROAD}1号", central_lat,
                         central_lon, ""),
        streets=streets, guidance_places={}, scatter={},
        team_districts={d.code: _slug(d) for d in teams},
        district_slugs={d.code: _slug(d) for d in with_admins},
        district_weights={d.code: (12 if d in teams else 6 if d in with_admins else 2)
                          for d in districts.districts},
        hotspots=hotspots, gazetteer=[],
        partners={f"{stem}环卫集团": "sanitation", f"{stem}公交集团": "bus",
                  f"{place.name}慈善总会": "charity", f"{stem}志愿者协会": "volunteer"},
        hospitals=(f"{place.name}第一人民医院", f"{place.name}中心医院"),
        psychiatric=f"{place.name}精神卫生中心",
        climate=weather.Climate(
            start_mean_c=START_MEAN_C - north,
            cooling_per_day=COOLING_PER_DAY + EXTRA_COOLING_PER_DEGREE * north,
            districts={d.code: (0.0 if d in teams else -1.0, 4.0 if d in teams else 5.0)
                       for d in districts.districts},
            coast=(), inland=tuple(d.code for d in districts.districts if d not in teams),
            observatory=f"{place.name}气象台",
            threshold_shift_c=round(THRESHOLD_SHIFT_PER_DEGREE * north, 1)),
        override_reason="夜巡在城区发现多名露宿人员，临时提升为低温提示。",
        is_generated=True,
    )


def _slug(district: District) -> str:
    return district.name_en.lower().replace(" ", "")


def _near_core(district: District, core: tuple[float, float], rng: random.Random,
               districts: DistrictMap) -> tuple[float, float]:
    """A random point in the district from among those nearest the city's old town."""
    points = [districts.random_point_in(district.code, rng) for _ in range(CANDIDATE_POINTS)]
    points.sort(key=lambda point: haversine_m(*point, *core))
    lat, lon = rng.choice(points[:CANDIDATE_POINTS // 4])
    return round(lat, 6), round(lon, 6)
