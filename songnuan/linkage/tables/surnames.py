"""Chinese surnames: readings pypinyin gets wrong, compound surnames and approximate frequencies.

pypinyin has no surname mode (单 reads ``dan``, 曾 reads ``ceng``), so surname readings are
overridden here. Frequencies are rounded shares (per cent) of the population from the Ministry of
Public Security's published surname rankings; they drive the benchmark generator and the
"is this a surname?" guess for familiar forms like 小王.
"""

from __future__ import annotations

SURNAME_READINGS: dict[str, str] = {
    "单": "shan", "解": "xie", "曾": "zeng", "仇": "qiu", "区": "ou", "朴": "piao",
    "查": "zha", "盖": "ge", "乐": "yue", "尉": "yu", "万俟": "mo qi", "长孙": "zhang sun",
    "翟": "zhai", "缪": "miao", "召": "shao", "繁": "po", "覃": "qin", "种": "chong",
    "秘": "bi", "隗": "wei", "员": "yun", "黑": "he", "相": "xiang", "折": "she",
    "沈": "shen", "柏": "bai", "纪": "ji", "任": "ren", "燕": "yan", "谌": "chen",
    "褚": "chu", "洗": "xian", "冼": "xian", "宿": "su", "厍": "she", "句": "gou",
    "薄": "bo", "蕃": "pi", "那": "na", "能": "nai", "阚": "kan", "莘": "shen", "朝": "chao",
}

COMPOUND_SURNAMES: frozenset[str] = frozenset({
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "令狐", "端木", "独孤", "南宫", "西门", "轩辕", "呼延", "万俟", "澹台",
    "百里", "东郭", "闻人", "公冶", "太史", "申屠", "赫连", "钟离", "拓跋", "第五", "司空",
})

SURNAME_SHARES: dict[str, float] = {
    "王": 7.12, "李": 7.00, "张": 6.74, "刘": 5.10, "陈": 4.61, "杨": 3.22, "黄": 2.45,
    "赵": 2.00, "吴": 1.97, "周": 1.91, "徐": 1.60, "孙": 1.52, "马": 1.45, "朱": 1.38,
    "胡": 1.31, "郭": 1.18, "何": 1.16, "林": 1.13, "高": 1.08, "罗": 1.03, "郑": 0.98,
    "梁": 0.91, "谢": 0.85, "宋": 0.77, "唐": 0.75, "许": 0.72, "韩": 0.69, "冯": 0.67,
    "邓": 0.66, "曹": 0.63, "彭": 0.62, "曾": 0.60, "肖": 0.59, "田": 0.58, "董": 0.56,
    "潘": 0.52, "袁": 0.51, "蔡": 0.50, "蒋": 0.49, "余": 0.48, "于": 0.47, "杜": 0.46,
    "叶": 0.45, "程": 0.44, "魏": 0.43, "苏": 0.42, "吕": 0.41, "丁": 0.40, "任": 0.39,
    "卢": 0.38, "姚": 0.37, "沈": 0.36, "钟": 0.35, "姜": 0.34, "崔": 0.33, "谭": 0.32,
    "陆": 0.31, "范": 0.30, "汪": 0.29, "廖": 0.28, "石": 0.27, "金": 0.26, "韦": 0.25,
    "贾": 0.24, "夏": 0.23, "付": 0.22, "方": 0.21, "邹": 0.20, "熊": 0.19, "白": 0.18,
    "孟": 0.17, "秦": 0.16, "邱": 0.15, "侯": 0.14, "江": 0.13, "尹": 0.12, "薛": 0.11,
    "闫": 0.10, "段": 0.10, "雷": 0.10, "龙": 0.09, "黎": 0.09, "史": 0.09, "陶": 0.08,
    "贺": 0.08, "毛": 0.08, "郝": 0.08, "顾": 0.07, "龚": 0.07, "邵": 0.07, "万": 0.07,
    "覃": 0.06, "武": 0.06, "钱": 0.06, "戴": 0.06, "严": 0.06, "莫": 0.06, "孔": 0.05,
    "向": 0.05, "常": 0.05, "单": 0.03, "解": 0.02, "仇": 0.02, "区": 0.01, "朴": 0.02,
    "查": 0.01, "盖": 0.01, "乐": 0.01, "翟": 0.03, "欧阳": 0.05, "司马": 0.01,
    "诸葛": 0.005, "上官": 0.005, "令狐": 0.003, "皇甫": 0.003,
}

# Words that stand for "name unknown" on a found-person record.
UNKNOWN_NAMES: frozenset[str] = frozenset({
    "无名氏", "不详", "未知", "无名", "某某", "佚名", "不知", "无", "未提供", "不清楚", "?", "？",
})

# Honorifics and kinship terms that follow a surname in how people are called on the street.
SURNAME_SUFFIXES: tuple[str, ...] = (
    "某某", "某", "大爷", "大妈", "大娘", "阿姨", "师傅", "老汉", "老头", "老太", "大哥",
    "大姐", "婶", "叔", "伯", "奶奶", "爷爷", "先生", "女士", "哥", "姐",
)
