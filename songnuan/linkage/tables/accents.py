"""Accents and dialects (口音/方言) mapped to the provinces (GB/T 2260 two-digit codes) they point to.

Longer phrases come first so that "闽南话" wins over a bare "闽". Province names themselves
("河南口音", "山东话") are recognised by the places module, so only regional words live here.
"""

from __future__ import annotations

NORTHEAST = ("21", "22", "23")

ACCENT_PROVINCES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("东北", NORTHEAST),
    ("闽南", ("35",)),
    ("潮汕", ("44",)),
    ("客家", ("44", "35", "36")),
    ("粤语", ("44", "45", "81")),
    ("广东话", ("44",)),
    ("白话", ("44", "45")),
    ("广府", ("44",)),
    ("吴语", ("31", "32", "33")),
    ("上海话", ("31",)),
    ("苏北", ("32",)),
    ("温州", ("33",)),
    ("胶东", ("37",)),
    ("川渝", ("51", "50")),
    ("西南官话", ("51", "50", "52", "53")),
    ("陕北", ("61",)),
    ("关中", ("61",)),
    ("湘", ("43",)),
    ("赣", ("36",)),
    ("鲁", ("37",)),
    ("豫", ("41",)),
    ("川", ("51", "50")),
    ("皖", ("34",)),
    ("晋", ("14",)),
    ("冀", ("13",)),
    ("闽", ("35",)),
    ("蒙古语", ("15",)),
    ("维吾尔", ("65",)),
    ("藏语", ("54", "63", "51")),
    ("朝鲜语", ("22",)),
)

# Phrases that carry no regional information.
NO_ACCENT: tuple[str, ...] = ("普通话", "标准", "听不懂", "不能说话", "不说话", "聋哑", "哑", "无法交流")
