"""The existing sources now reach a person: protocol changes, stale weather data, overdue leads
and overdue tracing deadlines."""

from __future__ import annotations

import datetime

from django.utils import timezone, translation

from songnuan.duty.models import Alert, DutyRole, Topic
from songnuan.outreach import dispatch
from songnuan.outreach.alerts import alert_overdue_leads
from songnuan.scheduling import jobs
from songnuan.tracing.casework import alert_overdue_steps
from songnuan.weather.evaluation import evaluate_district
from songnuan.weather.intake import alert_if_stale, record_feed_result
from songnuan.weather.models import NoticeKind, ProtocolNotice
from songnuan.weather.overrides import set_override
from tests.duty.factories import make_shift, on_duty_around_now
from tests.factories import LAOSHAN, SHINAN, district
from tests.leads.factories import report
from tests.outreach.factories import make_squad
from tests.tracing.factories import admit_unidentified
from tests.weather.factories import T0, hours, store_series


def test_a_protocol_change_alerts_the_district_leader_and_keeps_the_notice(cast):
    shinan = district(SHINAN)
    make_shift(cast.shinan_admin, district=shinan, starts_at=T0, length=48)
    store_series(shinan, [5.0] * 48 + [-11.0] * 24)
    evaluate_district(shinan, T0 + hours(1))
    evaluate_district(shinan, T0 + hours(40))
    notice = ProtocolNotice.objects.get(kind=NoticeKind.LEVEL_CHANGE)
    [sent] = Alert.objects.filter(topic=Topic.PROTOCOL)
    assert sent.recipient == cast.shinan_admin
    assert sent.severity == "severe"
    assert sent.text == notice.message
    assert sent.key == f"protocol:{notice.decision_id}"


def test_each_reader_is_told_of_a_level_change_in_their_language_and_the_notice_in_chinese(cast):
    shinan = district(SHINAN)
    cast.shinan_admin.language = "en"
    cast.shinan_admin.save(update_fields=["language"])
    make_shift(cast.shinan_admin, district=shinan, starts_at=T0, length=48)
    make_shift(cast.centre_dispatcher, role=DutyRole.OFFICER, starts_at=T0, length=48)
    store_series(shinan, [5.0] * 48 + [-11.0] * 24)
    with translation.override("en"):  # whoever's request evaluates it
        evaluate_district(shinan, T0 + hours(1))
        evaluate_district(shinan, T0 + hours(40))
    notice = ProtocolNotice.objects.get(kind=NoticeKind.LEVEL_CHANGE)
    assert notice.message.startswith("市南区：寒潮应急响应 正常 → 极寒")
    assert "预报最低 -11.0 °C" in notice.message
    [sent] = Alert.objects.filter(topic=Topic.PROTOCOL)
    assert sent.text.startswith("Shinan: cold-weather protocol Normal → Extreme cold from ")
    assert "Forecast low -11.0 °C" in sent.text


def test_an_override_reaches_a_patroller_reading_english_in_english(cast):
    shinan = district(SHINAN)
    cast.shinan_patroller.language = "en"
    cast.shinan_patroller.save(update_fields=["language"])
    on_duty_around_now(cast.shinan_admin, district=shinan)
    make_squad("市南救助一队", members=[cast.shinan_patroller])
    set_override(shinan, 2, "栈桥一带多人露宿，提前启动", timezone.now() + hours(12),
                 by=cast.shinan_admin)
    told = dict(Alert.objects.filter(topic=Topic.PROTOCOL)
                .values_list("recipient__username", "text"))
    assert told["shinan.admin"].startswith("市南区：王芳 将寒潮应急响应调整为严寒，至 ")
    assert told["shinan.patrol"].startswith("Shinan: cold-weather protocol set to Severe cold")
    assert told["shinan.patrol"].endswith(": 栈桥一带多人露宿，提前启动")  # as typed
    notice = ProtocolNotice.objects.get(kind=NoticeKind.OVERRIDE)
    assert notice.message == told["shinan.admin"]


def test_an_override_alerts_the_leader_and_the_members_of_squads_on_shift(cast):
    shinan = district(SHINAN)
    on_duty_around_now(cast.shinan_admin, district=shinan)
    make_squad("市南救助一队", members=[cast.shinan_patroller])
    make_squad("市南救助二队", on_shift=False, members=[cast.shinan_dispatcher])
    set_override(shinan, 2, "栈桥一带多人露宿，提前启动", timezone.now() + hours(12),
                 by=cast.shinan_admin)
    told = set(Alert.objects.filter(topic=Topic.PROTOCOL)
               .values_list("recipient__username", flat=True))
    assert told == {"shinan.admin", "shinan.patrol"}


def test_stale_weather_data_alerts_the_city_duty_officer_once(cast):
    make_shift(cast.centre_dispatcher, role=DutyRole.OFFICER, starts_at=T0, length=24)
    store_series(district(SHINAN), [1.0] * 24)
    record_feed_result("file", T0)
    assert alert_if_stale(T0 + hours(10))
    assert alert_if_stale(T0 + hours(11))
    [sent] = Alert.objects.filter(topic=Topic.WEATHER_STALE)
    assert sent.recipient == cast.centre_dispatcher
    assert sent.district is None


def test_an_overdue_lead_alerts_the_leader_once_per_stage(cast):
    shinan = district(SHINAN)
    on_duty_around_now(cast.shinan_admin, district=shinan)
    lead = report(place="青岛站东广场地下通道")
    now = timezone.now()
    assert alert_overdue_leads(now + datetime.timedelta(minutes=5)) == 0
    assert alert_overdue_leads(now + datetime.timedelta(minutes=30)) == 1
    assert alert_overdue_leads(now + datetime.timedelta(minutes=31)) == 0
    [waiting] = Alert.objects.filter(topic=Topic.LEAD_OVERDUE)
    assert waiting.recipient == cast.shinan_admin
    assert lead.tracking_code in waiting.text
    assert waiting.url == f"/leads/{lead.pk}/"

    squad = make_squad("市南救助一队", members=[cast.shinan_patroller])
    task = dispatch.assign_lead(lead, squad, by=cast.shinan_dispatcher)
    assert alert_overdue_leads(task.assigned_at + datetime.timedelta(minutes=90)) == 1
    arrival = Alert.objects.get(key=f"lead:{lead.pk}:arrival")
    assert "市南救助一队" in arrival.text
    assert alert_overdue_leads(task.assigned_at + datetime.timedelta(minutes=95)) == 0


def test_an_overdue_tracing_step_alerts_the_leader_and_tracing_officer_once(cast):
    laoshan = district(LAOSHAN)
    admitted = timezone.now() - datetime.timedelta(days=3)
    admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, at=admitted)
    on_duty_around_now(cast.laoshan_admin, district=laoshan)
    first = alert_overdue_steps()
    assert first >= 1
    assert alert_overdue_steps() == 0
    told = set(Alert.objects.filter(topic=Topic.TRACING_OVERDUE)
               .values_list("recipient__username", flat=True))
    assert told == {"laoshan.admin", "laoshan.tracing"}
    keys = Alert.objects.filter(recipient=cast.laoshan_admin).values_list("key", flat=True)
    assert len(keys) == len(set(keys)) == first


def test_the_background_checks_are_scheduled(db):
    cadence = {job.name: job.every for job in jobs()}
    assert cadence["songnuan.outreach.tasks.alert_overdue_leads"] == datetime.timedelta(minutes=1)
    assert cadence["songnuan.tracing.tasks.advance_cases"] == datetime.timedelta(hours=1)
    assert cadence["songnuan.duty.tasks.escalate_alerts"] == datetime.timedelta(minutes=1)
