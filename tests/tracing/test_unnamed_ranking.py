"""A man nobody can name, known only by sex, estimated age, height and a scar, still gets his
family's report among the candidates an officer reviews."""

from __future__ import annotations

import datetime

import pytest

from songnuan.tracing import matching
from tests.tracing.factories import admit_unidentified, make_report

pytestmark = pytest.mark.django_db

# Other families' reports: men and women of many ages and heights, from all over, with other
# marks (and two with a scar elsewhere), the kind of open list a station compares against.
OTHERS = (
    ("王建军", "M", 1958, 166, "河南周口", "戴眼镜"),
    ("李国强", "M", 1962, 175, "四川南充", "秃顶"),
    ("张志刚", "M", 1955, 171, "黑龙江绥化", "右脸有刀疤"),
    ("刘秀兰", "F", 1960, 158, "安徽阜阳", ""),
    ("陈永福", "M", 1966, 169, "湖南邵阳", "驼背"),
    ("杨树林", "M", 1952, 168, "河北保定", "左臂纹身"),
    ("赵德明", "M", 1959, 173, "山东菏泽", "右腿跛行"),
    ("黄春生", "M", 1964, 170, "江西赣州", "缺门牙"),
    ("周金山", "M", 1957, 165, "贵州毕节", "聋哑"),
    ("吴海东", "M", 1961, 172, "广西玉林", "右手背伤疤"),
    ("孙玉兰", "F", 1956, 155, "辽宁铁岭", "戴眼镜"),
    ("马长保", "M", 1963, 167, "甘肃天水", "秃顶"),
    ("朱荣华", "M", 1954, 174, "江苏徐州", "额头有痣"),
    ("胡学文", "M", 1960, 162, "湖北黄冈", ""),
    ("郭庆祥", "M", 1958, 176, "山西吕梁", "精神异常"),
    ("何双喜", "M", 1965, 169, "云南昭通", "兔唇"),
    ("林贵生", "M", 1953, 170, "福建莆田", "右耳有胎记"),
    ("高富贵", "M", 1961, 171, "陕西渭南", "智力障碍"),
    ("罗成海", "M", 1957, 168, "重庆万州", "左眼失明"),
    ("郑国平", "M", 1962, 165, "浙江温州", "颈部烧伤"),
    ("梁永忠", "M", 1967, 178, "广东湛江", "戴眼镜"),
    ("宋福林", "M", 1950, 164, "吉林四平", "秃顶"),
    ("唐建华", "M", 1959, 170, "湖南衡阳", "驼背"),
    ("许才山", "M", 1956, 172, "江苏盐城", "右腿跛行"),
)


def test_a_nameless_man_with_a_scar_gets_his_familys_report_in_the_top_ten(cast):
    district = cast.shinan_substation.district
    for n, (name, sex, year, height, place, features) in enumerate(OTHERS):
        make_report(name, district=district, sex=sex, birth_year=year, height_cm=height,
                    native_place=place, dialect="", features=features,
                    reporter_phone=f"1390000{n:04d}",
                    missing_since=datetime.date(2026, 9, 1) + datetime.timedelta(days=n))
    family = make_report("徐长春", district=district, sex="M", birth_year=1961, height_cm=171,
                         native_place="山东省临沂市沂南县", dialect="", features="左手有疤痕",
                         reporter_phone="13911110000", missing_since=datetime.date(2026, 10, 8))
    # Staff put his age at 52 (he is 65) and saw "a scar on the back of his left hand".
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, age=52,
                              height_cm=174, dialect="", marks="左手背伤疤", alias="")
    ranked = list(case.candidates.order_by("-score").values_list("report_id", flat=True))
    assert family.pk in ranked[:10]
    review = case.candidates.get(report=family)
    evidence = {code: bits for code, bits, _text in review.explanation}
    assert evidence["features"] > 0 and "name" not in evidence


def test_where_he_was_found_against_where_he_was_last_seen_lifts_the_report(cast):
    district = cast.shinan_substation.district
    elsewhere = make_report("王建军", district=district, birth_year=1961, height_cm=171,
                            native_place="河南周口", dialect="", features="左手有疤痕",
                            last_seen_place="河南省周口市太康县", reporter_phone="13911110001")
    family = make_report("徐长春", district=district, birth_year=1961, height_cm=171,
                         native_place="山东临沂", dialect="", features="左手有疤痕",
                         last_seen_place="山东省青岛市崂山区", reporter_phone="13911110002")
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, ranked=False,
                              age=62, height_cm=172, dialect="", marks="左手背伤疤", alias="")
    case.found_place = "山东省青岛市崂山区沙子口"
    case.save()
    top, *_ = matching.rank_candidates(case)
    assert top.report == family
    assert any(code == "seen_place" and bits > 0 for code, bits, _ in top.explanation)
    assert case.candidates.get(report=elsewhere).score < top.score
