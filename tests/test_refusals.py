"""The one refusal: its API shape and status, and where it lands on a form."""

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from songnuan.accounts.twofactor import TwoFactorError
from songnuan.network.geography import PlaceError
from songnuan.network.hours import HoursError
from songnuan.refusals import Conflict, Refused, add_to_form, refusals_of


class PlaceForm(forms.Form):
    place = forms.CharField()


def test_a_refusal_names_its_field_in_the_api_shape():
    refused = Refused("输入地点。", field="place", code="missing_place")
    assert refused.status == 422
    assert refused.body() == {"message": "输入地点。", "errors": [
        {"field": "place", "message": "输入地点。", "type": "missing_place"}]}


def test_a_refusal_without_a_field_has_no_field_errors():
    assert Refused("不可以。").body() == {"message": "不可以。", "errors": []}


def test_a_conflict_is_409():
    conflict = Conflict("已由一组派出。", field="squad_id")
    assert conflict.status == 409
    assert conflict.errors()[0]["type"] == "conflict"


def test_on_a_form_a_refusal_goes_under_its_field_or_above_the_form():
    form = PlaceForm({"place": "台东"})
    form.is_valid()
    add_to_form(form, Refused("找不到这个地点。", field="place"))
    add_to_form(form, Refused("线索已关闭。", field="not_on_this_form"))
    assert form.errors["place"] == ["找不到这个地点。"]
    assert form.non_field_errors() == ["线索已关闭。"]


def test_a_models_errors_land_on_the_form_one_refusal_per_message():
    error = ValidationError({"place": ["太短。", "不在青岛。"], "lon": ["经度不对。"],
                             NON_FIELD_ERRORS: ["已有同名地点。"]})
    found = refusals_of(error)
    assert [(r.field, r.message) for r in found] == [
        ("place", "太短。"), ("place", "不在青岛。"), ("lon", "经度不对。"),
        (None, "已有同名地点。")]
    form = PlaceForm({"place": "台东"})
    assert form.is_valid()
    for refused in found:
        add_to_form(form, refused)
    assert form.errors["place"] == ["太短。", "不在青岛。"]
    assert form.non_field_errors() == ["经度不对。", "已有同名地点。"]
    assert form["place"].value() == "台东"


def test_a_position_hours_or_two_factor_refusal_is_the_one_refusal():
    place = PlaceError("这不是地球上的坐标。", field="coord")
    assert isinstance(place, Refused) and place.body()["errors"][0]["field"] == "coord"
    assert HoursError("看不懂。").field == "hours"
    assert TwoFactorError("验证码不对。").status == 422
