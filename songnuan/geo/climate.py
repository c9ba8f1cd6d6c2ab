"""A city's winter, estimated from where it lies, for defaults an administrator then tunes.

No climate normals are shipped (the national station normals are not openly licensed), so the
estimate uses what the national data does give: the latitude of the city's core and whether
the city lies north of the Qinling–Huaihe line (秦岭—淮河), China's customary divide between
cold, centrally heated winters and mild ones (it follows the 0 °C January isotherm).

``typical_night_c`` is the estimated mean daily minimum in January:

* north of the line, −5 °C at 36°N and 2 °C colder per degree further north, never warmer
  than −2 °C (Zhengzhou −2.5, Shenyang −16.6, Changchun −20.8, Harbin −24.5, Mohe −39; the
  published normals are about −2.6, −16, −20.6, −24 and −37 °C);
* south of it, −2 °C at 33°N and 1 °C milder per degree further south (Nanjing −1, Wuhan
  0.4, Changsha 2.8, Guangzhou 7.9; normals about −0.5, 0.7, 2.5 and 10.7 °C).

Height is not known here: plateau cities (Lhasa, Xining, Kunming) come out milder than they
are, and cities warmed by the sea or their own size (Beijing, Tianjin) colder. The campaign
season runs from when nights turn cold to when they ease: 1 November to 15 March at 36°N north
of the line, 1.7 days earlier and 3 days later per degree further north; 15 November to
1 March at 31°N south of it, 2 days shorter at each end per degree further south; each date
rounded to the nearest 1st or 15th of a month, as campaigns are announced.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

# Provinces (first two digits of the GB/T 2260 code) lying wholly north of the line, with the
# Tibetan plateau, whose winters are northern ones whatever its latitude.
NORTH = frozenset({
    "11", "12", "13", "14", "15", "21", "22", "23", "37", "54", "63", "64", "65",
})
# Provinces the line crosses: a city is north of it when its core lies north of this latitude
# (the Huai River in Jiangsu, Anhui and Henan; the Qinling ridge in Shaanxi and Gansu).
LINE_LATITUDE = {"32": 33.0, "34": 32.9, "41": 32.9, "61": 33.3, "62": 34.0}

NORTH_REFERENCE = (36.0, -5.0, 2.0)  # latitude, typical January night (°C), °C colder per degree
NORTH_WARMEST_C = -2.0
SOUTH_REFERENCE = (33.0, -2.0, 1.0)

NORTH_SEASON = (36.0, (11, 1), 1.7, (3, 15), 3.0)  # latitude, start, days/°, end, days/°
SOUTH_SEASON = (31.0, (11, 15), 2.0, (3, 1), 2.0)
ANY_YEAR = 2001  # not a leap year: month-day arithmetic only


@dataclass(frozen=True)
class Winter:
    """What the estimate says about a city's winter."""

    latitude: float
    north_of_line: bool
    typical_night_c: float
    season_start: tuple[int, int]  # (month, day)
    season_end: tuple[int, int]


def north_of_line(code: str, latitude: float) -> bool:
    """Is the city (GB/T 2260 code, latitude of its core) north of the Qinling–Huaihe line?"""
    province = code[:2]
    if province in NORTH:
        return True
    line = LINE_LATITUDE.get(province)
    return line is not None and latitude > line


def typical_night_c(latitude: float, north: bool) -> float:
    """The estimated mean January daily minimum (°C), rounded to a tenth."""
    if north:
        base_latitude, base_c, per_degree = NORTH_REFERENCE
        return round(min(NORTH_WARMEST_C, base_c - per_degree * (latitude - base_latitude)), 1)
    base_latitude, base_c, per_degree = SOUTH_REFERENCE
    return round(base_c - per_degree * (latitude - base_latitude), 1)


def _shifted(month_day: tuple[int, int], days: float) -> tuple[int, int]:
    day = datetime.date(ANY_YEAR, *month_day) + datetime.timedelta(days=days)
    choices = [datetime.date(ANY_YEAR + offset, month, first)
               for offset in (-1, 0, 1) for month in range(1, 13) for first in (1, 15)]
    nearest = min(choices, key=lambda d: (abs((d - day).days), d))
    return nearest.month, nearest.day


def season(latitude: float, north: bool) -> tuple[tuple[int, int], tuple[int, int]]:
    """The campaign's usual start and end (month, day) at this latitude."""
    base, start, start_rate, end, end_rate = NORTH_SEASON if north else SOUTH_SEASON
    further = latitude - base
    return _shifted(start, -start_rate * further), _shifted(end, end_rate * further)


def winter(code: str, latitude: float) -> Winter:
    north = north_of_line(code, latitude)
    start, end = season(latitude, north)
    return Winter(round(latitude, 2), north, typical_night_c(latitude, north), start, end)
