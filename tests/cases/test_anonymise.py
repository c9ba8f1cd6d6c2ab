"""The anonymiser: nothing that names, numbers or places a person survives it."""

from __future__ import annotations

import io
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st
from PIL import Image

from songnuan.cameras.pictures import find_faces
from songnuan.cases.anonymise import (
    COMPOUND_SURNAMES,
    ID_REMOVED,
    PHONE_REMOVED,
    anonymise_photo,
    anonymise_text,
    terms_for_names,
)
from songnuan.images import carries_metadata

FACE = Path(__file__).parents[1] / "tracing" / "data" / "grace_hopper.jpg"
SURNAMES = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱",
            *sorted(COMPOUND_SURNAMES)]
GIVEN = "建国秀英志强丽娟海燕春晓德福桂兰玉梅长江卫东红霞振华淑珍立新"
FILLER = "老人在桥洞下睡觉冬夜很冷救助队员送去棉被和热水后来他同意去站里住下，。、"


def names() -> st.SearchStrategy[str]:
    return st.builds(lambda surname, given: surname + given, st.sampled_from(SURNAMES),
                     st.text(alphabet=GIVEN, min_size=1, max_size=2))


def id_numbers() -> st.SearchStrategy[str]:
    return st.builds(lambda region, body, check: region + body + check,
                     st.sampled_from(["370202", "370212", "370211", "110105"]),
                     st.from_regex(r"\A(19[4-9]\d|200\d)(0[1-9]|1[0-2])(0[1-9]|[12]\d)\d{3}\Z"),
                     st.sampled_from(list("0123456789X")))


def phones() -> st.SearchStrategy[str]:
    mobile = st.from_regex(r"\A1[3-9]\d{9}\Z")
    spaced = mobile.map(lambda number: f"{number[:3]} {number[3:7]} {number[7:]}")
    landline = st.from_regex(r"\A0532-?[2-9]\d{7}\Z")
    return st.one_of(mobile, spaced, landline)


def filler() -> st.SearchStrategy[str]:
    return st.text(alphabet=FILLER, max_size=20)


@given(name=names(), id_number=id_numbers(), phone=phones(), parts=st.lists(filler(), min_size=4,
                                                                           max_size=4))
def test_no_generated_name_id_or_phone_survives(name, id_number, phone, parts):
    text = f"{parts[0]}{name}{parts[1]}{id_number}{parts[2]}{phone}{parts[3]}{name}"
    result = anonymise_text(text, terms_for_names([name]))
    assert name not in result
    assert id_number not in result
    assert phone not in result
    assert phone.replace(" ", "").replace("-", "") not in result.replace(" ", "")


@given(name=names())
def test_the_surname_stays_with_mou(name):
    surname = name[:2] if name[:2] in COMPOUND_SURNAMES and len(name) > 2 else name[:1]
    assert anonymise_text(f"受助人{name}。", terms_for_names([name])) == f"受助人{surname}某。"


def test_it_keeps_a_compound_surname_whole():
    text = "欧阳春晓在中山路过夜，欧阳春晓说自己是潍坊人。"
    assert anonymise_text(text, terms_for_names(["欧阳春晓"])) == \
        "欧阳某在中山路过夜，欧阳某说自己是潍坊人。"


def test_a_name_twice_and_the_given_name_alone_are_all_taken_out():
    text = "王建国今年67岁。队员叫他“建国”，王建国答应了。"
    result = anonymise_text(text, terms_for_names(["王建国"]))
    assert result == "王某今年67岁。队员叫他“某”，王某答应了。"


def test_an_alias_and_the_name_they_give_go_too():
    terms = terms_for_names(["司马长江", "马长江", "桥洞老马"])
    result = anonymise_text("他自称马长江，大家叫他桥洞老马，身份证上是司马长江。", terms)
    for name in ("司马长江", "马长江", "桥洞老马", "长江"):
        assert name not in result
    assert "司马某" in result


def test_an_id_number_ending_in_x_is_removed():
    text = "身份证号37020219560312401X，另一个旧证370202560312401。"
    result = anonymise_text(text, terms_for_names(["李秀英"]))
    assert "401X" not in result and "560312" not in result
    assert result.count(ID_REMOVED) == 2


def test_phones_in_every_usual_shape_are_removed():
    text = "联系人电话13805321234，或 138 0532 1234，站里座机0532-82861234，+86 15966881234。"
    result = anonymise_text(text, terms_for_names(["张丽"]))
    assert not any(character.isdigit() for character in result)
    assert result.count(PHONE_REMOVED) == 4


def test_a_known_place_and_a_street_address_become_their_district():
    places = {"八大关桥洞": "市南区", "张村河桥洞": "崂山区"}
    terms = terms_for_names(["孙老汉"], places, "市南区")
    result = anonymise_text("孙老汉常住八大关桥洞，后来搬到张村河桥洞。他住在香港中路12号3单元。",
                            terms)
    assert result == "孙某常住市南区某地，后来搬到崂山区某地。他住在市南区某地。"


def test_a_text_without_anything_to_hide_is_left_alone():
    text = "寒潮来临，救助队连夜巡查，送出棉被二十床。"
    assert anonymise_text(text, terms_for_names(["王建国"], {}, "市南区")) == text


def test_a_face_is_blurred_and_the_metadata_dropped():
    original = FACE.read_bytes()
    exif = Image.Exif()
    exif[0x010F] = "TestPhone"
    with Image.open(io.BytesIO(original)) as image:
        out = io.BytesIO()
        image.save(out, "JPEG", exif=exif)
    result = anonymise_photo(out.getvalue())
    assert result.faces_found == 1
    assert not carries_metadata(result.data)
    with Image.open(io.BytesIO(result.data)) as blurred, Image.open(io.BytesIO(original)) as clear:
        assert find_faces(blurred.convert("RGB"), []) == []
        assert find_faces(clear.convert("RGB"), [])


def test_a_photo_without_a_face_is_blurred_whole():
    image = Image.new("RGB", (200, 120), "white")
    for x in range(0, 200, 2):
        for y in range(120):
            image.putpixel((x, y), (0, 0, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    result = anonymise_photo(out.getvalue())
    assert result.faces_found == 0
    with Image.open(io.BytesIO(result.data)) as blurred:
        left, right = blurred.getpixel((100, 60)), blurred.getpixel((101, 60))
    assert abs(left[0] - right[0]) < 40  # the stripes are gone
