"""A city's winter estimated from its latitude and its side of the Qinling–Huaihe line."""

from __future__ import annotations

from songnuan.geo import climate


def test_harbin_is_far_colder_than_a_city_on_the_yellow_sea_at_36_degrees():
    harbin = climate.winter("230100", 45.58)
    shandong = climate.winter("370200", 36.07)
    assert harbin.north_of_line and shandong.north_of_line
    assert harbin.typical_night_c == -24.2 and shandong.typical_night_c == -5.1
    assert harbin.season_start == (10, 15) and harbin.season_end == (4, 15)
    assert shandong.season_start == (11, 1) and shandong.season_end == (3, 15)


def test_the_south_is_mild_and_its_season_short():
    guangzhou = climate.winter("440100", 23.14)
    assert not guangzhou.north_of_line
    assert guangzhou.typical_night_c == 7.9
    assert guangzhou.season_start == (12, 1) and guangzhou.season_end == (2, 15)


def test_provinces_the_line_crosses_are_split_by_latitude():
    assert climate.north_of_line("320300", 34.28)  # 徐州市, north of the Huai
    assert not climate.north_of_line("320100", 32.05)  # 南京市
    assert not climate.north_of_line("411500", 32.05)  # 信阳市, south of the Huai
    assert climate.north_of_line("410100", 34.75)  # 郑州市
    assert not climate.north_of_line("610700", 33.2)  # 汉中市, south of the Qinling
    assert climate.north_of_line("610100", 34.3)  # 西安市
    assert climate.north_of_line("540100", 29.66)  # 拉萨市: the plateau's winters are northern


def test_north_of_the_line_a_night_is_never_estimated_milder_than_minus_two():
    assert climate.typical_night_c(33.5, north=True) == -2.0
    assert climate.typical_night_c(53.0, north=True) == -39.0
