"""District administrators keep their own district's staff; nobody grants more than they have."""

from __future__ import annotations

from django.urls import reverse

from songnuan.accounts.models import User
from songnuan.accounts.roles import Reach, Role
from songnuan.accounts.scoping import scope_of


def new_account(**overrides):
    data = {
        "username": "shinan.patrol9", "last_name": "高", "first_name": "峰",
        "role": Role.PATROLLER, "password": "winter-patrol-2026", "is_active": "on",
    }
    data.update(overrides)
    return data


def test_a_district_administrator_creates_a_patroller_in_their_district(cast, client):
    client.force_login(cast.shinan_admin)
    response = client.post(reverse("accounts:user_add"),
                           new_account(district=cast.shinan_admin.district_id))
    assert response.status_code == 302
    created = User.objects.get(username="shinan.patrol9")
    assert created.district == cast.shinan_admin.district
    assert created.check_password("winter-patrol-2026")


def test_an_administrator_sets_the_language_a_new_patroller_is_messaged_in(cast, client):
    client.force_login(cast.shinan_admin)
    page = client.get(reverse("accounts:user_add")).content.decode()
    assert 'name="language"' in page and "English" in page and "本局默认" in page
    client.post(reverse("accounts:user_add"),
                new_account(district=cast.shinan_admin.district_id, language="en"))
    assert User.objects.get(username="shinan.patrol9").spoken_language == "en"


def test_a_district_administrator_cannot_create_staff_in_another_district(cast, client):
    client.force_login(cast.shinan_admin)
    response = client.post(reverse("accounts:user_add"),
                           new_account(district=cast.laoshan_admin.district_id))
    assert response.status_code == 200
    assert not User.objects.filter(username="shinan.patrol9").exists()


def test_a_district_administrator_cannot_make_a_city_administrator(cast, client):
    client.force_login(cast.shinan_admin)
    response = client.post(reverse("accounts:user_add"), new_account(
        role=Role.CITY_ADMIN, district=cast.shinan_admin.district_id))
    assert "role" in response.context["form"].errors
    assert not User.objects.filter(username="shinan.patrol9").exists()


def test_weak_passwords_are_refused_with_the_reason(cast, client):
    client.force_login(cast.shinan_admin)
    response = client.post(reverse("accounts:user_add"), new_account(
        password="12345678901", district=cast.shinan_admin.district_id))
    errors = response.context["form"].errors["password"]
    assert any("数字" in error for error in errors)


def test_a_station_role_needs_a_site(cast, client):
    client.force_login(cast.city_admin)
    response = client.post(reverse("accounts:user_add"), new_account(
        role=Role.STATION_STAFF, district=cast.shinan_admin.district_id))
    assert "site" in response.context["form"].errors


def test_a_patroller_cannot_open_staff_management(cast, client):
    client.force_login(cast.shinan_patroller)
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_add")).status_code == 403


def test_the_staff_list_shows_only_the_district(cast, client):
    client.force_login(cast.laoshan_admin)
    page = client.get(reverse("accounts:user_list")).content.decode()
    assert "laoshan.dispatcher" in page
    assert "shinan.dispatcher" not in page


def test_station_staff_reach_their_station_and_the_points_under_it(cast):
    scope = scope_of(cast.shinan_station)
    assert scope.reach is Reach.SITE
    assert scope.site_ids == {cast.shinan_substation.pk, cast.shinan_point.pk}


def test_a_district_role_without_a_district_sees_nothing_rather_than_everything(cast):
    stray = User.objects.create(username="stray", role=Role.PATROLLER)
    assert scope_of(stray).reach is Reach.ASSIGNMENT


def test_home_pages_answer_for_every_role(cast, client):
    for actor in ("city_admin", "shinan_admin", "shinan_dispatcher", "shinan_station",
                  "shinan_relief", "shinan_patroller", "shinan_tracing", "police_liaison",
                  "shinan_viewer"):
        client.force_login(getattr(cast, actor))
        response = client.get(reverse("home"), follow=True)
        assert response.status_code == 200, actor
        # A patroller's home is their task list; everyone else's says what to do next.
        expected = "我的任务" if actor == "shinan_patroller" else "接下来要做的事"
        assert expected in response.content.decode(), actor


def test_anonymous_visitors_of_a_staff_page_are_sent_to_log_in(client, db):
    response = client.get(reverse("accounts:user_list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_unknown_pages_get_the_chinese_not_found_page(client, cast):
    client.force_login(cast.shinan_viewer)
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_the_public_gets_a_not_found_page_that_points_to_help(client, db, settings):
    response = client.get("/report/NO-SUCH-CODE/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面不存在" in page and "现在哪里可以取暖" in page
    assert f"tel:{settings.RESCUE_HOTLINE}" in page
    assert "退出" not in page  # not the staff layout


def test_the_public_gets_a_public_page_when_a_staff_page_is_refused(client, db):
    from django.core.exceptions import PermissionDenied

    from songnuan.views import permission_denied

    request = client.get("/no-such-page/").wsgi_request
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "供救助工作人员使用" in response.content.decode()


def test_the_server_error_page_gives_the_hotline(rf, settings):
    from songnuan.views import server_error

    page = server_error(rf.get("/")).content.decode()
    assert f"tel:{settings.RESCUE_HOTLINE}" in page


def test_the_health_check_answers(client, db):
    body = client.get("/healthz").json()
    assert body["checks"]["database"] == {"ok": True}
    assert set(body["checks"]) == {"database", "worker", "periodic", "outbox"}
