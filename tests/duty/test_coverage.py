"""Roster coverage: gaps to the minute across midnight and a Spring Festival week, the coverage
page by scope, and the alert of a coming gap told once to the district's administrators."""

from __future__ import annotations

import datetime

import chinese_calendar
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from songnuan.duty import coverage
from songnuan.duty.models import Alert, DutyRole, Topic
from songnuan.notify.models import Outbox
from tests.duty.factories import hours, make_shift
from tests.factories import LAOSHAN, SHINAN, district


def local(*args) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime(*args))


def cover_days(leader, officer, where, first: datetime.date, days: int, *, skip=()):
    """Day shifts 08:00–20:00 and night shifts 20:00–08:00 for both posts, except `skip`
    (starts of shifts left off)."""
    start = local(first.year, first.month, first.day, 8) - hours(12)
    for n in range(days * 2 + 1):
        at = start + hours(12 * n)
        if at in skip:
            continue
        make_shift(leader, district=where, role=DutyRole.LEADER, starts_at=at, length=12)
        make_shift(officer, district=where, role=DutyRole.OFFICER, starts_at=at, length=12)


def test_a_night_shift_left_off_is_one_gap_across_midnight(cast):
    shinan = district(SHINAN)
    # Wednesday 2 December 2026: the night 20:00 → Thursday 08:00 has no leader on duty.
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 12, 2, 8), length=12)
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 12, 3, 8), length=12)
    make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER,
               starts_at=local(2026, 12, 2, 8), length=24)
    make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER,
               starts_at=local(2026, 12, 3, 8), length=12)
    gaps = coverage.find_gaps(shinan, list(shinan.duty_shifts.select_related("user")),
                              local(2026, 12, 2, 8), local(2026, 12, 3, 20))
    assert [(g.role, g.starts_at, g.ends_at) for g in gaps] == [
        (DutyRole.LEADER, local(2026, 12, 2, 20), local(2026, 12, 3, 8))]
    assert gaps[0].describe() == "周三 20:00–周四 08:00 无带班领导"


def test_the_grid_marks_every_hour_of_the_gap_on_both_days(cast):
    shinan = district(SHINAN)
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 12, 1, 0), length=24)
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 12, 2, 2), length=22)
    make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER,
               starts_at=local(2026, 12, 1, 0), length=48)
    [cover] = coverage.coverage([shinan], datetime.date(2026, 12, 1), days=2)
    assert [g.describe() for g in cover.gaps] == ["周三 00:00–02:00 无带班领导"]
    tuesday, wednesday = cover.days
    assert not any(hour.is_gap for hour in tuesday.hours)
    assert [hour.starts_at.hour for hour in wednesday.hours if hour.is_gap] == [0, 1]
    assert wednesday.hours[0].missing == [DutyRole.LEADER]


def test_a_gap_ending_at_midnight_reads_24_00_and_a_half_hour_counts(cast):
    shinan = district(SHINAN)
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 12, 1, 0), length=22)
    make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER,
               starts_at=local(2026, 12, 1, 0, 30), length=23.5)
    [cover] = coverage.coverage([shinan], datetime.date(2026, 12, 1), days=1)
    assert [g.describe() for g in cover.gaps] == [
        "周二 00:00–00:30 无值班员", "周二 22:00–24:00 无带班领导"]
    assert [h.starts_at.hour for h in cover.days[0].hours if h.is_gap] == [0, 22, 23]


def test_a_disabled_account_covers_nothing(cast):
    shinan = district(SHINAN)
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 12, 1, 0), length=24)
    make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER,
               starts_at=local(2026, 12, 1, 0), length=24)
    cast.shinan_dispatcher.is_active = False
    cast.shinan_dispatcher.save()
    [cover] = coverage.coverage([shinan], datetime.date(2026, 12, 1), days=1)
    assert [g.describe() for g in cover.gaps] == ["周二 00:00–24:00 无值班员"]


def test_the_spring_festival_week_is_checked_like_any_other(cast):
    laoshan = district(LAOSHAN)
    first = datetime.date(2026, 2, 16)  # Monday, the day before 春节 (17 February 2026)
    week = [first + datetime.timedelta(days=n) for n in range(7)]
    assert all(chinese_calendar.is_holiday(day) for day in week)
    # The roster runs day and night all week, except the leader's night shift of 除夕.
    eve_night = local(2026, 2, 16, 20)
    cover_days(cast.laoshan_admin, cast.laoshan_dispatcher, laoshan, first, 7)
    laoshan.duty_shifts.filter(role=DutyRole.LEADER, starts_at=eve_night).delete()
    [cover] = coverage.coverage([laoshan], first, days=7)
    assert [g.describe() for g in cover.gaps] == ["周一 20:00–周二 08:00 无带班领导"]
    gap_hours = [(day.day, hour.starts_at.hour) for day in cover.days for hour in day.hours
                 if hour.is_gap]
    assert len(gap_hours) == 12
    assert gap_hours[0] == (first, 20) and gap_hours[-1] == (week[1], 7)


def test_an_empty_holiday_roster_is_one_gap_per_post(cast):
    laoshan = district(LAOSHAN)
    [cover] = coverage.coverage([laoshan], datetime.date(2026, 2, 16), days=7)
    assert [g.describe() for g in cover.gaps] == [
        "周一 00:00–2月23日 00:00 无带班领导", "周一 00:00–2月23日 00:00 无值班员"]
    assert all(hour.missing == [DutyRole.LEADER, DutyRole.OFFICER]
               for day in cover.days for hour in day.hours)


def test_the_coverage_page_shows_the_users_districts_only_with_gaps_in_red(cast, client):
    today = timezone.localdate()
    make_shift(cast.shinan_admin, district=district(SHINAN),
               starts_at=coverage.local_midnight(today), length=24)
    client.force_login(cast.shinan_admin)
    page = client.get(reverse("duty:coverage")).content.decode()
    assert "值班覆盖" in page and "市南区" in page and "崂山区" not in page
    assert 'class="gap"' in page
    assert "无值班员" in page
    assert client.get(reverse("duty:coverage")).context["coverages"][0].district.code == SHINAN


def test_a_patroller_may_not_open_the_coverage_page(cast, client):
    client.force_login(cast.shinan_patroller)
    assert client.get(reverse("duty:coverage")).status_code == 403


def test_a_city_administrator_sees_every_district(cast, client):
    client.force_login(cast.city_admin)
    page = client.get(reverse("duty:coverage"), {"from": "2026-02-16"}).content.decode()
    assert "市南区" in page and "崂山区" in page and "2月16日" in page


def test_a_bad_from_date_falls_back_to_today(cast, client):
    client.force_login(cast.shinan_admin)
    response = client.get(reverse("duty:coverage"), {"from": "2026-02-30"})
    assert response.status_code == 200
    assert response.context["first"] == timezone.localdate()


@override_settings(DUTY_COVERAGE_ALERT_HOURS=48)
def test_a_coming_gap_is_alerted_to_the_district_administrator_once(cast):
    shinan, laoshan = district(SHINAN), district(LAOSHAN)
    now = local(2026, 12, 1, 9, 20)
    cast.shinan_admin.phone = "13800138001"
    cast.shinan_admin.save()
    # 市南区: covered for three days but for Wednesday's night desk officer.
    cover_days(cast.shinan_admin, cast.shinan_dispatcher, shinan, datetime.date(2026, 12, 1), 3,
               skip=[local(2026, 12, 2, 20)])
    cover_days(cast.laoshan_admin, cast.laoshan_dispatcher, laoshan,
               datetime.date(2026, 12, 1), 3)
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 12, 2, 20), length=12)

    coverage.alert_gaps(now)
    # The other districts, with no roster at all, are told too; 崂山区 is fully covered.
    assert not Alert.objects.filter(district=laoshan).exists()
    alert = Alert.objects.get(district=shinan)
    assert alert.topic == Topic.COVERAGE_GAP and alert.recipient == cast.shinan_admin
    assert "市南区" in alert.text and "周三 20:00–周四 08:00 无值班员" in alert.text
    assert Outbox.objects.filter(phone="13800138001", purpose="duty:coverage_gap").count() == 1

    # Every later run, while the gap lasts, tells nobody again.
    told = Alert.objects.count()
    for later in (now + hours(0.25), now + hours(6), now + hours(12), now + hours(20)):
        assert coverage.alert_gaps(later) == 0
    assert Alert.objects.count() == told
    assert Alert.objects.filter(district=shinan).count() == 1
    assert Outbox.objects.filter(purpose="duty:coverage_gap").count() == 1


@override_settings(DUTY_COVERAGE_ALERT_HOURS=48)
def test_each_administrator_is_told_of_a_gap_in_the_language_they_read(
        cast, django_user_model):
    shinan = district(SHINAN)
    reads_english = django_user_model.objects.create(
        username="shinan.admin2", role=cast.shinan_admin.role, district=shinan, language="en",
        phone="13800138002")
    cover_days(cast.shinan_admin, cast.shinan_dispatcher, shinan, datetime.date(2026, 12, 1), 3,
               skip=[local(2026, 12, 2, 20)])
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 12, 2, 20), length=12)

    coverage.alert_gaps(local(2026, 12, 1, 9, 20))

    told = Alert.objects.filter(district=shinan)
    assert told.get(recipient=cast.shinan_admin).text == (
        "市南区值班表有空缺：周三 20:00–周四 08:00 无值班员。")
    assert told.get(recipient=reads_english).text == (
        "Roster gap in Shinan: Wed 20:00–Thu 08:00 no duty officer.")
    assert Outbox.objects.get(phone="13800138002").text.startswith("【Songnuan】Roster gap")


@override_settings(DUTY_COVERAGE_ALERT_HOURS=48)
def test_a_gap_beyond_48_hours_waits_and_an_open_gap_keeps_its_start(cast):
    shinan = district(SHINAN)
    now = local(2026, 12, 1, 9, 0)
    # Covered until Friday 4 December 08:00; the officer's Wednesday 02:00–05:00 is open.
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 11, 30, 8), length=48)
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 12, 2, 8), length=48)
    make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER,
               starts_at=local(2026, 11, 30, 8), length=42)
    make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER,
               starts_at=local(2026, 12, 2, 5), length=47)
    coverage.alert_gaps(now)
    shinan_alerts = Alert.objects.filter(district=shinan)
    assert [a.text for a in shinan_alerts] == ["市南区值班表有空缺：周三 02:00–05:00 无值班员。"]
    # Two hours into the gap the run still knows it by its start and stays silent.
    coverage.alert_gaps(local(2026, 12, 2, 4))
    assert shinan_alerts.count() == 1
    # Friday's gap from 04:00 is told once it comes within 48 hours.
    assert not shinan_alerts.filter(text__contains="周五").exists()
    coverage.alert_gaps(local(2026, 12, 2, 5))
    [friday] = shinan_alerts.filter(text__contains="周五")
    assert "周五 04:00–12月9日 05:00 无值班员" in friday.text


def test_the_coverage_page_reads_in_english(cast, client):
    shinan = district(SHINAN)
    make_shift(cast.shinan_admin, district=shinan, starts_at=local(2026, 12, 2, 2), length=22)
    make_shift(cast.shinan_dispatcher, district=shinan, role=DutyRole.OFFICER,
               starts_at=local(2026, 12, 2, 0), length=24)
    client.force_login(cast.shinan_admin)
    page = client.get(reverse("duty:coverage"), {"from": "2026-12-02"},
                      headers={"accept-language": "en"}).content.decode()
    assert "Roster coverage" in page
    assert "Wed 00:00–02:00 no leader on duty" in page
