"""The signs a description says in words: what counts, what a negation takes back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from songnuan.leads.models import Flag
from songnuan.leads.signs import WORDS, described


@pytest.mark.parametrize(("description", "flags"), [
    ("一个老大爷躺在地上，穿得很少", {"lying_down", "elderly", "underdressed"}),
    ("桥洞下面有个女的蜷缩在地上，光着脚", {"lying_down", "underdressed"}),
    ("七十多岁，叫不醒", {"elderly", "injured_ill"}),
    ("小孩跟着妈妈在地铁口", {"child"}),
    ("浑身酒气，倒在公交站边上", {"intoxicated", "lying_down"}),
    ("自言自语，问他什么都答非所问", {"confused"}),
    ("腿上有伤口，一瘸一拐", {"injured_ill"}),
    ("裹着睡袋睡在天桥下", {"lying_down"}),
    ("有人醉倒在长椅上，身边有酒瓶", {"intoxicated", "lying_down"}),
])
def test_a_description_says_the_signs_it_plainly_names(description, flags):
    assert described(description) == flags


@pytest.mark.parametrize("description", [
    "没有受伤，坐在台阶上",
    "不是小孩，是个小伙子",
    "没躺着，在长椅边走来走去",
    "穿黑色羽绒服，背着睡袋",  # a sleeping bag is not sleeping
    "男的五十岁左右，有儿女在外地",
    "路边，说不清哪条路",
    "",
])
def test_what_a_description_denies_or_does_not_say_is_no_sign(description):
    assert described(description) == set()


def test_a_sign_denied_once_and_said_again_counts():
    assert described("刚才没躺着，现在躺在地上了") == {"lying_down"}


NEUTRAL = st.sampled_from(["穿黑色外套", "坐在台阶上", "背着包", "在公交站旁边", "中年男子",
                           "戴着帽子", "拿着塑料袋", "一个人", "在天桥下", "推着三轮车"])
SIGN = st.sampled_from([(flag, word) for flag, words in WORDS.items() for word in words
                        if not any(negation in word for negation in "没不未无非别否")])


@given(st.text(max_size=60))
def test_any_text_gives_only_known_flags(text):
    assert described(text) <= set(Flag.values)


@given(st.lists(NEUTRAL, max_size=4), SIGN, st.lists(NEUTRAL, max_size=4))
def test_a_sign_among_plain_words_is_read_and_a_negation_takes_it_back(before, sign, after):
    flag, word = sign
    said = "，".join([*before, word, *after])
    denied = "，".join([*before, "没有" + word, *after])
    assert flag in described(said)
    assert flag not in described(denied)
