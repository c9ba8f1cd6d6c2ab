"""Distinguishing marks (体貌特征): synonyms normalised to stable codes, body parts and sides.

A record's free-text features become tokens ``(kind, part, side)``; two tokens are compatible
when the kind agrees and part and side agree or are unknown on either side.
"""

from __future__ import annotations

# kind code → synonyms (longest first when matched); the first is the name shown to officers.
MARK_KINDS: dict[str, tuple[str, ...]] = {
    "missing_finger": ("缺指", "断指", "缺手指", "少一根手指", "少手指", "残指", "手指缺失", "缺小指",
                       "缺拇指", "缺食指", "缺中指", "缺无名指", "指缺失", "六指", "断了手指",
                       "没有手指"),
    "amputation": ("截肢", "断腿", "缺腿", "假肢", "断臂", "缺臂", "独臂", "独腿", "少一条腿"),
    "scar": ("疤痕", "伤疤", "刀疤", "瘢痕", "疤", "伤痕", "缝针", "刀口", "缝过针"),
    "burn": ("烧伤疤", "烫伤疤", "烧伤", "烫伤", "烧疤", "烫疤"),
    "tattoo": ("纹身", "文身", "刺青", "纹了", "刺字", "纹有", "刺有"),
    "limp": ("跛行", "跛脚", "跛", "瘸腿", "瘸", "腿脚不便", "走路不稳", "拄拐", "拐杖"),
    "mole": ("黑痣", "痣", "肉痣", "黑点", "痦子"),
    "birthmark": ("胎记", "红记", "青记"),
    "blind": ("失明", "瞎", "盲", "独眼", "斜视", "白内障"),
    "deaf_mute": ("聋哑", "聋", "哑", "不会说话", "助听器"),
    "bald": ("秃顶", "光头", "谢顶", "秃"),
    "glasses": ("眼镜",),
    "missing_tooth": ("缺牙", "门牙缺", "豁牙", "没牙", "掉牙", "无牙", "金牙", "假牙", "缺门牙",
                      "掉门牙", "门牙掉", "没有门牙", "少门牙", "缺颗牙"),
    "cleft_lip": ("兔唇", "唇裂", "豁嘴", "豁唇"),
    "hunchback": ("驼背", "驼"),
    "stutter": ("口吃", "结巴"),
    "intellectual": ("智力障碍", "智障", "智力低下", "痴呆", "傻"),
    "mental": ("精神异常", "精神病", "精神障碍", "精神分裂", "自言自语"),
    "hearing_aid": ("耳聋",),
}

# Marks rare enough in the population that sharing one is strong evidence. Any other mark
# described on the same body part on both records (a scar on the left hand) counts as well.
SPECIFIC_KINDS: frozenset[str] = frozenset({
    "missing_finger", "amputation", "tattoo", "cleft_lip", "birthmark", "burn", "blind",
    "hunchback",
})

# part code → synonyms; the first is the name shown to officers.
BODY_PARTS: dict[str, tuple[str, ...]] = {
    "face": ("面部", "面颊", "脸颊", "脸上", "脸", "面"),
    "forehead": ("额头", "额"),
    "eye": ("眼角", "眼睛", "眼"),
    "brow": ("眉毛", "眉"),
    "mouth": ("嘴唇", "嘴", "唇"),
    "ear": ("耳朵", "耳"),
    "neck": ("脖子", "颈部", "颈"),
    "hand": ("手", "手掌", "手背", "手指", "拇指", "小指", "食指", "中指", "无名指"),
    "arm": ("胳膊", "手臂", "臂", "手腕", "腕"),
    "leg": ("大腿", "小腿", "膝盖", "腿"),
    "foot": ("脚踝", "脚", "足"),
    "back": ("后背", "背部", "背"),
    "chest": ("胸口", "胸部", "胸"),
    "belly": ("肚子", "腹部", "腹"),
    "head": ("头顶", "头部", "后脑", "头"),
    "shoulder": ("肩膀", "肩"),
}

# The body part a kind of mark names by itself (眼镜 is about the eyes): it tells nothing more.
IMPLIED_PARTS: dict[str, str] = {
    "glasses": "eye", "blind": "eye", "missing_tooth": "mouth", "cleft_lip": "mouth",
    "hunchback": "back", "deaf_mute": "ear", "hearing_aid": "ear", "bald": "head", "limp": "leg",
}

# Words whose first character names a body side but that are not about a side.
SIDES: dict[str, tuple[str, ...]] = {"L": ("左",), "R": ("右",)}

# Separators seen in hand-typed feature lists besides the contract's ';'.
SEPARATORS: str = ";；,，、/ "
