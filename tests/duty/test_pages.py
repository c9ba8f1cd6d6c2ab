"""The roster and inbox pages: scoping, validation at the field, the unread count."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from songnuan.duty import services
from songnuan.duty.models import Alert, DutyRole, DutyShift, Severity, Topic
from tests.duty.factories import HANDOVER, hours, make_shift, on_duty_around_now
from tests.factories import LAOSHAN, SHINAN, district


def _form(user, district_obj, *, role="leader", start="2026-12-01T08:00",
          end="2026-12-02T08:00"):
    return {"district": district_obj.pk if district_obj else "", "role": role, "user": user.pk,
            "starts_at": start, "ends_at": end}


def test_a_district_admin_sees_their_roster_in_chinese_with_who_is_on_duty(cast, client):
    on_duty_around_now(cast.shinan_admin, district=district(SHINAN))
    client.force_login(cast.shinan_admin)
    page = client.get(reverse("duty:roster")).content.decode()
    assert "值班表" in page and "带班领导" in page
    assert "王芳" in page
    assert "Leader on duty" not in page


def test_a_laoshan_admin_cannot_see_shinans_roster(cast, client):
    make_shift(cast.shinan_admin, district=district(SHINAN))
    client.force_login(cast.laoshan_admin)
    assert client.get(reverse("duty:roster"), {"scope": district(SHINAN).pk}).status_code == 403
    assert client.get(reverse("duty:roster"), {"scope": "city"}).status_code == 403


def test_a_laoshan_admin_cannot_edit_or_remove_shinans_shifts(cast, client):
    shift = make_shift(cast.shinan_admin, district=district(SHINAN))
    client.force_login(cast.laoshan_admin)
    url = reverse("duty:shift_edit", args=[shift.pk])
    assert client.get(url).status_code == 404
    response = client.post(url, _form(cast.laoshan_admin, district(LAOSHAN)))
    assert response.status_code == 404
    assert client.post(reverse("duty:shift_delete", args=[shift.pk])).status_code == 404
    shift.refresh_from_db()
    assert shift.user == cast.shinan_admin


def test_a_laoshan_admin_cannot_add_a_shift_to_shinan(cast, client):
    client.force_login(cast.laoshan_admin)
    response = client.post(reverse("duty:shift_add"),
                           _form(cast.shinan_admin, district(SHINAN)))
    assert response.status_code == 200
    assert "district" in response.context["form"].errors
    assert not DutyShift.objects.exists()


def test_adding_a_shift_lands_on_the_roster_week(cast, client):
    client.force_login(cast.shinan_admin)
    response = client.post(reverse("duty:shift_add"),
                           _form(cast.shinan_dispatcher, district(SHINAN), role="officer"))
    assert response.status_code == 302
    assert "week=2026-11-30" in response["Location"]
    assert DutyShift.objects.get().role == DutyRole.OFFICER
    page = client.get(response["Location"]).content.decode()
    assert "李伟" in page


def test_an_overlapping_shift_is_refused_at_the_field_in_chinese(cast, client):
    make_shift(cast.shinan_admin, district=district(SHINAN))
    client.force_login(cast.shinan_admin)
    response = client.post(reverse("duty:shift_add"), _form(
        cast.shinan_dispatcher, district(SHINAN), start="2026-12-02T07:00",
        end="2026-12-02T20:00"))
    assert response.status_code == 200
    assert "已是" in str(response.context["form"].errors["starts_at"])
    assert DutyShift.objects.count() == 1


def test_a_shift_ending_before_it_starts_is_refused(cast, client):
    client.force_login(cast.shinan_admin)
    response = client.post(reverse("duty:shift_add"), _form(
        cast.shinan_admin, district(SHINAN), end="2026-12-01T07:00"))
    assert response.status_code == 200
    assert response.context["form"].errors["ends_at"]
    assert not DutyShift.objects.exists()


def test_the_city_admin_keeps_the_city_roster(cast, client):
    client.force_login(cast.city_admin)
    response = client.post(reverse("duty:shift_add"),
                           _form(cast.centre_dispatcher, None, role="officer"))
    assert response.status_code == 302
    assert DutyShift.objects.get().district is None
    assert "week=" in response["Location"] and "scope=city" in response["Location"]


def test_a_dispatcher_may_look_at_the_roster_but_not_change_it(cast, client):
    client.force_login(cast.shinan_dispatcher)
    assert client.get(reverse("duty:roster")).status_code == 200
    assert client.get(reverse("duty:shift_add")).status_code == 403


def test_removing_a_shift(cast, client):
    shift = make_shift(cast.shinan_admin, district=district(SHINAN))
    client.force_login(cast.shinan_admin)
    assert client.post(reverse("duty:shift_delete", args=[shift.pk])).status_code == 302
    assert not DutyShift.objects.exists()


def _told(user, key="lead:7:assignment"):
    return Alert.objects.create(recipient=user, district=user.district, topic=Topic.LEAD_OVERDUE,
                                severity=Severity.SEVERE, text="线索QD7已超时未派单",
                                url="/leads/7/", key=key, created_at=HANDOVER)


def test_the_unread_count_shows_in_the_menu_and_the_inbox_marks_read(cast, client):
    _told(cast.shinan_admin)
    client.force_login(cast.shinan_admin)
    home = client.get(reverse("home")).content.decode()
    assert 'class="badge"' in home
    inbox = client.get(reverse("duty:inbox")).content.decode()
    assert "线索QD7已超时未派单" in inbox and "签收" in inbox
    assert services.unread_count(cast.shinan_admin) == 0


def test_the_inbox_and_the_roster_write_dates_as_the_language_does(cast, client):
    _told(cast.shinan_admin)
    on_duty_around_now(cast.shinan_admin, district=district(SHINAN))
    client.force_login(cast.shinan_admin)
    stamp = timezone.localtime(HANDOVER)
    chinese = client.get(reverse("duty:inbox")).content.decode()
    english = client.get(reverse("duty:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"{stamp.month}月{stamp.day}日 {stamp:%H:%M}" in chinese
    assert f"{stamp:%b} {stamp.day}, {stamp:%H:%M}" in english and "月" not in english
    roster = client.get(reverse("duty:roster"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "月" not in roster


def test_only_the_recipient_sees_and_acknowledges_an_alert(cast, client):
    item = _told(cast.shinan_admin)
    client.force_login(cast.laoshan_admin)
    assert "QD7" not in client.get(reverse("duty:inbox")).content.decode()
    assert client.post(reverse("duty:acknowledge", args=[item.pk])).status_code == 404
    client.force_login(cast.shinan_admin)
    assert client.post(reverse("duty:acknowledge", args=[item.pk])).status_code == 302
    item.refresh_from_db()
    assert item.acknowledged_at is not None


def test_a_patroller_told_of_a_protocol_change_has_an_inbox(cast, client):
    _told(cast.shinan_patroller, key="protocol:3")
    client.force_login(cast.shinan_patroller)
    assert "QD7" in client.get(reverse("duty:inbox")).content.decode()
    assert client.get(reverse("duty:roster")).status_code == 403


def test_the_week_navigation_moves_by_seven_days(cast, client):
    make_shift(cast.shinan_admin, district=district(SHINAN), starts_at=HANDOVER + hours(24 * 7))
    client.force_login(cast.shinan_admin)
    page = client.get(reverse("duty:roster"), {"week": "2026-12-07"}).content.decode()
    assert "week=2026-11-30" in page and "week=2026-12-14" in page
    assert "08:00–12月9日 08:00" in page
