"""The one refusal: its API shape and status, and where it lands on a form."""

from django import forms

from songnuan.refusals import Conflict, Refused, add_to_form


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
