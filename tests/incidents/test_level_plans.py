"""A change of a district's cold-weather protocol level opens that level's emergency plan for
the district's leader on duty, once a change."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from songnuan.duty.models import Alert, Topic
from songnuan.incidents import plans
from songnuan.incidents.models import Checklist, EmergencyPlan
from songnuan.weather.levels import ProtocolLevel
from songnuan.weather.models import ProtocolDecision
from songnuan.weather.overrides import set_override
from songnuan.weather.protocol import LevelChange, publish
from tests.duty.factories import hours, on_duty_around_now
from tests.factories import LAOSHAN, SHINAN, district


def _plan(cast, level: int, where=None, title="寒潮橙色响应预案"):
    plan = EmergencyPlan(title=title, protocol_level=level, district=where, owner=cast.city_admin)
    plans.save_version(plan, text="", items=["通知各救助队加密巡查", "开放全部临时救助点",
                                             "清点棉被、棉衣库存"], note="", by=cast.city_admin)
    return plan


def test_a_level_change_opens_the_levels_plan_for_the_leader_on_duty(cast):
    shinan = district(SHINAN)
    on_duty_around_now(cast.shinan_admin, district=shinan)
    _plan(cast, ProtocolLevel.SEVERE_COLD)
    _plan(cast, ProtocolLevel.COLD_ALERT, title="寒潮蓝色响应预案")
    decision = set_override(shinan, 2, "栈桥一带多人露宿，提前启动", timezone.now() + hours(12),
                            by=cast.shinan_admin)
    checklist = Checklist.objects.get()
    assert checklist.decision == decision and checklist.incident is None
    assert checklist.district == shinan and checklist.opened_for == cast.shinan_admin
    assert checklist.version.plan.title == "寒潮橙色响应预案"
    assert [item.text for item in checklist.items.all()][0] == "通知各救助队加密巡查"
    told = Alert.objects.get(topic=Topic.PROTOCOL, key=f"protocol-plan:{checklist.pk}")
    assert told.recipient == cast.shinan_admin
    assert told.url == reverse("incidents:checklist", args=[checklist.pk])


def test_the_same_change_heard_twice_opens_one_checklist(cast):
    shinan = district(SHINAN)
    on_duty_around_now(cast.shinan_admin, district=shinan)
    _plan(cast, ProtocolLevel.SEVERE_COLD)
    decision = set_override(shinan, 2, "栈桥一带多人露宿，提前启动", timezone.now() + hours(12),
                            by=cast.shinan_admin)
    publish(LevelChange(decision, ProtocolLevel.SEVERE_COLD, "again"))
    assert Checklist.objects.count() == 1
    assert Alert.objects.filter(key__startswith="protocol-plan:").count() == 1


def test_the_districts_own_plan_wins_and_a_level_without_plan_opens_nothing(cast):
    laoshan = district(LAOSHAN)
    on_duty_around_now(cast.laoshan_admin, district=laoshan)
    _plan(cast, ProtocolLevel.SEVERE_COLD)
    _plan(cast, ProtocolLevel.SEVERE_COLD, laoshan, title="崂山区寒潮橙色响应预案")
    set_override(laoshan, 1, "沙子口一带降温", timezone.now() + hours(6), by=cast.laoshan_admin)
    assert not Checklist.objects.exists()
    set_override(laoshan, 2, "沙子口一带强降温", timezone.now() + hours(6),
                 by=cast.laoshan_admin)
    assert Checklist.objects.get().version.plan.title == "崂山区寒潮橙色响应预案"
    assert ProtocolDecision.objects.count() == 2


def test_the_leader_ticks_the_checklist_and_another_district_cannot_see_it(cast, client):
    shinan = district(SHINAN)
    on_duty_around_now(cast.shinan_admin, district=shinan)
    _plan(cast, ProtocolLevel.SEVERE_COLD)
    set_override(shinan, 2, "栈桥一带多人露宿，提前启动", timezone.now() + hours(12),
                 by=cast.shinan_admin)
    checklist = Checklist.objects.get()
    item = checklist.items.first()
    client.force_login(cast.shinan_admin)
    page = client.get(checklist.get_absolute_url()).content.decode()
    assert "寒潮橙色响应预案" in page and "开放全部临时救助点" in page
    response = client.post(reverse("incidents:level_tick", args=[checklist.pk, item.pk]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.ticked_by == cast.shinan_admin and item.ticked_at is not None

    plan_page = client.get(checklist.version.plan.get_absolute_url()).content.decode()
    assert checklist.get_absolute_url() in plan_page

    client.force_login(cast.laoshan_admin)
    assert client.get(checklist.get_absolute_url()).status_code == 404
    plan_page = client.get(checklist.version.plan.get_absolute_url()).content.decode()
    assert checklist.get_absolute_url() not in plan_page
    other = checklist.items.last()
    assert client.post(reverse("incidents:level_tick", args=[checklist.pk, other.pk])
                       ).status_code == 404
    other.refresh_from_db()
    assert other.ticked_at is None
