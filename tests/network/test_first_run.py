"""The administrator's first-run page: on a fresh install the city administrator chooses the
city, by code or name, with the candidates listed when a name means several places."""

from __future__ import annotations

import pytest
from django.urls import reverse

from songnuan.accounts.roles import Role
from songnuan.network.city import forget_city, served_city
from songnuan.network.models import City, District
from tests.factories import make_user

pytestmark = pytest.mark.django_db
PAGE = reverse("network:first_run")


@pytest.fixture(autouse=True)
def back_to_the_default_city():
    forget_city()  # the process remembers that an earlier test's database held data
    yield
    forget_city()


@pytest.fixture
def admin(client):
    user = make_user("city.admin", role=Role.CITY_ADMIN)
    client.force_login(user)
    return client


def test_on_a_fresh_install_the_city_administrator_is_sent_to_choose_the_city(admin):
    response = admin.get(reverse("home"))
    assert response.status_code == 302 and response.url == PAGE
    page = admin.get(PAGE).content.decode()
    assert "选择本系统服务的城市" in page and "尚未设置城市" in page


def test_once_data_exists_or_a_city_is_set_up_home_is_home(admin, client):
    make_user("laoshan.viewer", role=Role.VIEWER, district_code="370212")
    assert admin.get(reverse("home")).status_code == 200
    forget_city()
    admin.post(PAGE, {"city": "370200"})
    assert City.objects.get().code == "370200"
    assert admin.get(reverse("home")).status_code == 200


def test_other_staff_neither_are_sent_there_nor_may_open_it(client):
    client.force_login(make_user("district.admin", role=Role.DISTRICT_ADMIN))
    assert client.get(reverse("home")).status_code == 200
    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {"city": "230100"}).status_code == 403
    assert not City.objects.exists()


def test_a_name_shared_by_two_cities_lists_them_and_keeps_the_input(admin):
    response = admin.post(PAGE, {"city": "朝阳区", "hotline": "0431-12345"})
    assert response.status_code == 200
    page = response.content.decode()
    assert "“朝阳区”对应不止一个地方" in page
    assert 'value="朝阳区"' in page and 'value="0431-12345"' in page
    assert 'value="110000"' in page and 'value="220100"' in page  # 北京市, 长春市
    assert not City.objects.exists()


def test_choosing_a_candidate_sets_that_city_up(admin):
    response = admin.post(PAGE, {"city": "朝阳区", "choose": "220100", "hotline": "0431-12345"},
                          follow=True)
    assert response.redirect_chain[-1][0] == reverse("home")
    city = City.objects.get()
    assert (city.code, city.hotline) == ("220100", "0431-12345")
    assert District.objects.filter(code="220104", name="朝阳区").exists()
    assert served_city().name == "长春市"
    shown = [str(m) for m in response.context["messages"]]
    assert any("长春市" in m for m in shown) and any("低温提示" in m for m in shown)


def test_an_unknown_name_is_refused_with_suggestions(admin):
    response = admin.post(PAGE, {"city": "哈尔宾"})
    page = response.content.decode()
    assert response.status_code == 200 and "哈尔宾" in page
    assert 'value="230100"' in page
    assert not City.objects.exists()


def test_a_deployment_holding_data_moves_only_when_forced(admin):
    make_user("laoshan.viewer", role=Role.VIEWER, district_code="370212")
    response = admin.post(PAGE, {"city": "哈尔滨"})
    assert response.status_code == 200
    assert "--force" in response.content.decode()
    assert "勾选此项即可迁移" in response.content.decode()
    assert not City.objects.exists() and District.objects.filter(code="370212").exists()
    admin.post(PAGE, {"city": "哈尔滨", "force": "on"})
    assert City.objects.get().code == "230100"
    assert District.objects.filter(code="370212").exists()  # kept: a user works there
