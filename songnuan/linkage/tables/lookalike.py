"""Groups of look-alike characters (形近字) that clerks and handwriting readers confuse.

Each group maps to its first member, so two names equal after mapping differ only by shape.
"""

from __future__ import annotations

LOOKALIKE_GROUPS: tuple[str, ...] = (
    "己已巳", "未末", "土士", "戊戌戍", "王玉主", "日曰", "人入八", "大太犬", "斌彬",
    "刀力", "干千于", "天夭", "田由甲申", "贝见", "折拆", "候侯", "拔拨", "辨辩辫",
    "茶荼", "壶壸", "祖租", "栋揀", "崇祟", "密蜜", "微徽", "盲肓", "免兔", "鸟乌",
    "治冶", "刺剌", "汩汨", "杨扬", "泳咏", "晴睛", "清请情", "峰锋蜂", "俊骏", "玲铃龄",
    "桂佳", "莉利", "秀绣", "军车", "凤风", "明朋", "琪祺棋", "瑞端", "淑叔", "梅海",
    "群郡", "胜性", "艳艷", "娟涓", "娥蛾", "霞震", "晖辉", "锦绵",
)

LOOKALIKE: dict[str, str] = {ch: group[0] for group in LOOKALIKE_GROUPS for ch in group}
