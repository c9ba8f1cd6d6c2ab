"""Whether two reports are about the same people: what descriptions say, and how it weighs."""

from __future__ import annotations

import datetime
import io

from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image, ImageDraw

from songnuan.leads import sameness
from songnuan.leads.sameness import Report, attributes, compare

MERGE_AT = 0.5  # LEADS_MERGE_MIN_PROBABILITY's default
NIGHT = datetime.datetime(2026, 12, 10, 23, 10, tzinfo=datetime.UTC)
# 台东步行街 (市北区): a busy pedestrian street where several people shelter on cold nights.
TAIDONG = (36.0858, 120.3557)
METRE_LAT = 1 / 111_320


def seen(description: str = "", *, north_m: float = 0, minutes: float = 0, people: int = 1,
         flags: tuple[str, ...] = (), photo_hash: str = "") -> Report:
    return Report(TAIDONG[0] + north_m * METRE_LAT, TAIDONG[1],
                  NIGHT + datetime.timedelta(minutes=minutes), people, frozenset(flags),
                  description, photo_hash)


def test_it_reads_sex_age_clothes_posture_and_count_from_a_description():
    first = attributes("一个老大爷躺在地下通道里，穿蓝色棉袄")
    assert (first.sexes, first.ages, first.colours, first.posture, first.count) == (
        {"male"}, {"elderly"}, {("coat", "blue")}, "lying", 1)
    second = attributes("桥洞下有个年轻女的，红羽绒服")
    assert (second.sexes, second.ages, second.colours, second.count) == (
        {"female"}, {"young"}, {("coat", "red")}, 1)
    assert attributes("两个人坐在长椅上").count == 2
    assert attributes("两个人坐在长椅上").posture == "sitting"
    assert attributes("好几个人在天桥下").count == sameness.SEVERAL
    assert attributes("六七十岁的老头，坐轮椅").items == {"wheelchair"}


def test_place_words_say_nothing_about_the_person():
    assert attributes("男厕所门口有个大妈").sexes == {"female"}
    assert attributes("十字路口有个老人").count == 1
    assert attributes("青岛站广场上有个人").posture is None


def test_synonyms_for_an_old_man_agree():
    for word in ("老大爷", "大爷", "老人", "老头", "七十多岁"):
        assert "elderly" in attributes(f"一个{word}在通道里").ages


def test_different_people_at_one_hotspot_minutes_apart_are_not_merged():
    verdict = compare(seen("一个老大爷躺在地下通道里，穿蓝色棉袄"),
                      seen("桥洞下有个年轻女的，红羽绒服", north_m=30, minutes=6))
    assert verdict.probability < MERGE_AT
    assert {"sex_conflict", "colour_conflict"} <= {reason.code for reason in verdict.reasons}


def test_one_person_described_differently_by_three_reporters_is_merged():
    first = seen("一个老大爷躺在地下通道里，穿蓝色棉袄")
    second = seen("老人，蓝棉袄，在通道口躺着", north_m=80, minutes=12)
    third = seen("", north_m=45, minutes=20, flags=("elderly",))
    for one, other in ((first, second), (first, third), (second, third)):
        assert compare(one, other).probability >= MERGE_AT


def test_a_wrong_head_count_alone_does_not_split_one_person():
    verdict = compare(seen("一个老大爷，蓝色棉袄，躺着"),
                      seen("两个人，一个大爷穿蓝色棉袄躺着", north_m=40, minutes=5))
    assert verdict.probability >= MERGE_AT
    assert "count_near" in {reason.code for reason in verdict.reasons}


def test_conflicting_sex_never_merges_however_close():
    verdict = compare(seen("一个大妈穿红色羽绒服坐着", flags=("elderly",)),
                      seen("一个大爷穿红色羽绒服坐着", flags=("elderly",)))
    assert verdict.probability <= sameness.VETO_PROBABILITY


def test_one_person_and_several_weigh_strongly_against():
    verdict = compare(seen("一个老人躺着"), seen("好几个人在这里", north_m=20, minutes=3))
    assert verdict.probability < MERGE_AT


def test_with_no_description_place_and_time_decide():
    assert compare(seen(), seen(north_m=40, minutes=10)).probability >= MERGE_AT
    assert compare(seen(), seen(north_m=250, minutes=10)).probability < MERGE_AT
    assert compare(seen(), seen(north_m=40, minutes=115)).probability < (
        compare(seen(), seen(north_m=40, minutes=10)).probability)


def test_a_busy_place_makes_any_one_lead_less_likely():
    alone = compare(seen(), seen(north_m=60, minutes=10))
    crowded = compare(seen(), seen(north_m=60, minutes=10), crowd=3)
    assert crowded.probability < alone.probability
    assert "crowd" in {reason.code for reason in crowded.reasons}


def _photo(shapes: list[tuple[int, int, int, int]], shade: int = 0) -> bytes:
    image = Image.new("RGB", (160, 120), (200 - shade, 200 - shade, 190 - shade))
    draw = ImageDraw.Draw(image)
    for box in shapes:
        draw.rectangle(box, fill=(30, 40, 120))
    out = io.BytesIO()
    image.save(out, "JPEG")
    return out.getvalue()


def test_photos_of_one_scene_hash_close_and_other_scenes_far():
    scene = [(20, 60, 110, 100)]
    same = sameness.average_hash(_photo(scene))
    again = sameness.average_hash(_photo(scene, shade=15))
    other = sameness.average_hash(_photo([(100, 0, 150, 50), (0, 0, 40, 40)]))
    assert sameness.hash_distance(same, again) <= sameness.PHOTO_SAME_BITS
    assert sameness.hash_distance(same, other) >= sameness.PHOTO_DIFFERENT_BITS
    verdict = compare(seen(photo_hash=same), seen(north_m=150, minutes=30, photo_hash=again))
    assert "photo_same" in {reason.code for reason in verdict.reasons}
    assert sameness.average_hash(b"not a photo") == ""


# --- properties -------------------------------------------------------------------------------

WORDS = ["一个", "两个", "几个", "老大爷", "大妈", "年轻", "女的", "男的", "小孩", "老人",
         "红色", "蓝色", "黑色", "羽绒服", "棉袄", "躺在", "坐在", "站着", "轮椅", "被子",
         "行李", "通道里", "桥洞下", "，", "七十多岁", "穿"]
descriptions = st.lists(st.sampled_from(WORDS), max_size=8).map("".join)
reports = st.builds(
    seen, descriptions, north_m=st.floats(-300, 300), minutes=st.floats(0, 120),
    people=st.integers(1, 5),
    flags=st.lists(st.sampled_from(["lying_down", "elderly", "child", "intoxicated"]),
                   unique=True).map(tuple),
    photo_hash=st.sampled_from(["", "ffff0000ffff0000", "ffff0000ffff0001", "0123456789abcdef"]),
)


@settings(max_examples=300, deadline=None)
@given(reports, reports, st.integers(0, 8))
def test_the_comparison_is_symmetric_and_a_probability(first, second, crowd):
    there = compare(first, second, crowd=crowd)
    back = compare(second, first, crowd=crowd)
    assert 0.0 <= there.probability <= 1.0
    assert abs(there.probability - back.probability) < 1e-9


@settings(max_examples=200, deadline=None)
@given(reports)
def test_a_report_compared_with_itself_is_merged(report):
    assert compare(report, report).probability >= MERGE_AT


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=60))
def test_any_text_can_be_read(text):
    assert isinstance(attributes(text), sameness.Attributes)
