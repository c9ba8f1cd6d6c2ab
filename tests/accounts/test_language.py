"""A user's language: chosen once with the switch, kept on their account, spoken on every
device they sign in on."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from songnuan.accounts.models import User
from tests.factories import PASSWORD


def signed_in(client, user):
    client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    return client


def switch(client, language):
    return client.post(reverse("set_language"), {"language": language, "next": "/"})


def test_the_switch_keeps_the_choice_on_the_account_and_another_device_speaks_it(
        cast, client):
    signed_in(client, cast.shinan_dispatcher)
    assert switch(client, "en").status_code == 302
    assert User.objects.get(pk=cast.shinan_dispatcher.pk).language == "en"

    other_device = signed_in(Client(HTTP_ACCEPT_LANGUAGE="zh-CN"), cast.shinan_dispatcher)
    page = other_device.get(reverse("home"))
    assert "Log out" in page.content.decode() and "退出" not in page.content.decode()
    assert page["Content-Language"] == "en"


def test_the_choice_wins_over_the_cookie_of_a_shared_computer(cast, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    cast.shinan_dispatcher.language = "zh-hans"
    cast.shinan_dispatcher.save()
    page = signed_in(client, cast.shinan_dispatcher).get(reverse("home"))
    assert page["Content-Language"] == "zh-hans"


def test_without_a_choice_the_device_decides(cast, client, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = signed_in(client, cast.shinan_viewer).get(reverse("home"))
    assert page["Content-Language"] == "en"
    assert User.objects.get(pk=cast.shinan_viewer.pk).language == ""


def test_a_visitor_switches_the_device_only(client, settings, cast):
    response = switch(client, "en")
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert not User.objects.exclude(language="").exists()


def test_a_language_not_served_changes_nothing(cast, client):
    signed_in(client, cast.shinan_dispatcher)
    assert switch(client, "fr").status_code == 302
    assert User.objects.get(pk=cast.shinan_dispatcher.pk).language == ""


def test_the_switch_needs_a_post(client):
    assert client.get(reverse("set_language")).status_code == 405
