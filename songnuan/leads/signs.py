"""The signs a reporter describes in words without ticking them: "一个老大爷躺在地上，穿得很少"
says lying on the ground, elderly and not dressed for the cold.

A caller tells the hotline what they see and the operator types it; a passer-by writes a line
and skips the boxes. The priority and the night's plan count what the boxes say, so a sign
described only in words would leave someone in danger waiting behind others. Only what is
plainly said counts: a sign just after a negation ("没有受伤", "不是小孩") does not.

Pure Python, no Django: the property tests run it on any text.
"""

from __future__ import annotations

import re

from songnuan.leads import sameness

# Each flag's words. A phrase holding a negation itself (不舒服, 叫不醒) is a sign as it stands.
WORDS: dict[str, tuple[str, ...]] = {
    "lying_down": ("躺", "卧在", "卧倒", "倒在", "倒地", "摔倒", "趴在地", "趴在路", "蜷缩在地",
                   "蜷在地", "睡在", "睡着", "在睡", "睡觉", "昏睡", "瘫在", "瘫坐在地"),
    "injured_ill": ("受伤", "伤口", "流血", "出血", "骨折", "摔伤", "冻伤", "发烧", "发热",
                    "咳嗽", "生病", "有病", "病了", "病得", "病重", "不舒服", "抽搐", "昏迷",
                    "晕倒", "晕过去", "不省人事", "没反应", "没有反应", "叫不醒", "喊不醒",
                    "呕吐", "吐了", "发抖", "哆嗦", "瘸", "残疾"),
    "underdressed": ("穿得少", "穿的少", "穿得很少", "穿的很少", "穿得单薄", "穿的单薄", "单薄",
                     "单衣", "光脚", "赤脚", "光着脚", "没穿鞋", "没穿袜", "光着膀子", "光膀子",
                     "短袖", "短裤", "没穿外套", "没穿棉", "衣不蔽体", "衣服湿", "湿透", "穿得不多",
                     "穿的不多"),
    "intoxicated": ("喝醉", "醉酒", "醉倒", "醉汉", "喝多", "酒气", "酒味", "醉醺醺", "烂醉",
                    "酒后"),
    "confused": ("神志不清", "意识不清", "精神不好", "精神异常", "精神有问题", "精神病", "糊涂",
                 "自言自语", "胡言乱语", "答非所问", "痴呆", "认不清人", "说胡话"),
}
# A sign this close after one of these, in the same clause, is denied: 没有受伤, 不是躺着.
NEGATIONS = "没不未无非别否"
NEGATION_REACH = 3
_CLAUSE_END = re.compile(r"[，。,.;；！!？?、\s]")
# 不是小孩 / 不像老人: the age group of someone the reporter says the person is not.
_DENIED_PERSON = re.compile(r"(?:不是|不像|并非|并不是)[^，。,.;；！!？?、\s]{0,6}")
AGE_FLAGS = {sameness.ELDERLY: "elderly", sameness.CHILD: "child"}
# One pattern per flag, longer words first, so that 没有穿得单薄 is read as one denied phrase
# and not as 单薄 said plainly.
_PATTERNS = {flag: re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))
             for flag, words in WORDS.items()}


def described(description: str) -> set[str]:
    """The flags a description plainly says."""
    text = description.replace(" ", "").replace("\u3000", "")
    if not text:
        return set()
    found = {flag for flag, pattern in _PATTERNS.items() if _said(text, pattern)}
    ages = sameness.attributes(_DENIED_PERSON.sub("，", text)).ages
    found.update(AGE_FLAGS[age] for age in ages if age in AGE_FLAGS)
    return found


def _said(text: str, pattern: re.Pattern) -> bool:
    """One of the pattern's words is in `text` with no negation just before it in its clause."""
    for match in pattern.finditer(text):
        before = _CLAUSE_END.split(text[max(0, match.start() - NEGATION_REACH):match.start()])[-1]
        if not any(character in NEGATIONS for character in before):
            return True
    return False
