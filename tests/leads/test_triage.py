"""Priority: each reason is counted and explained; duplicates are linked, not sent twice."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import timezone, translation

from songnuan.leads import services, triage
from songnuan.leads.models import Lead, LeadStatus, Outcome
from songnuan.refusals import Refused
from tests.leads.factories import LAOSHAN_ZHANGCUN, SHINAN_STATION_SQUARE, make_hotspot, report

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TWO_AM = datetime.datetime(2026, 12, 10, 2, 0, tzinfo=SHANGHAI)
NOON = datetime.datetime(2026, 12, 10, 12, 0, tzinfo=SHANGHAI)


def at(moment, **fields):
    fields.setdefault("source", "public_api")
    lead, _ = services.submit_lead(services.LeadInput(
        lat=fields.pop("lat", SHINAN_STATION_SQUARE[0]),
        lon=fields.pop("lon", SHINAN_STATION_SQUARE[1]), **fields), now=moment)
    return lead


def explained(lead, now=None):
    with translation.override("en"):
        return triage.explanation(lead, now or lead.received_at)


def test_the_explanation_names_each_reason_with_its_points(db, settings):
    settings.WEATHER_FALLBACK_TEMPERATURE_C = -6
    lead = at(TWO_AM, flags=["lying_down", "underdressed"])
    assert explained(lead) == [
        "+3 Lying on the ground", "+2 Not dressed for the cold", "+3 −6 °C now", "+2 at 02:00",
    ]
    assert lead.priority == 10


def test_a_mild_noon_report_with_nothing_seen_has_no_points(db):
    lead = at(NOON)
    assert explained(lead) == [] and lead.priority == 0


def test_a_cold_weather_protocol_and_a_known_hotspot_raise_the_priority(db, settings):
    settings.WEATHER_FALLBACK_LEVEL = 2
    make_hotspot()
    lead = at(NOON)
    reasons = explained(lead)
    assert "+2 cold-weather protocol: Severe cold" in reasons
    assert "+2 near 青岛站东广场地下通道 (0 m)" in reasons


def test_waiting_earns_points_until_the_cap(db, settings):
    lead = at(NOON)
    assert triage.current_priority(lead, NOON + datetime.timedelta(minutes=31)) == 2
    assert "+4 waiting 300 min" in explained(lead, NOON + datetime.timedelta(hours=5))


def test_the_plan_weighs_someone_in_danger_well_ahead_of_the_red_nights_shared_points(
        db, settings):
    settings.WEATHER_FALLBACK_TEMPERATURE_C = -12
    settings.WEATHER_FALLBACK_LEVEL = 3
    lying = at(TWO_AM, flags=["lying_down"])
    confused = at(TWO_AM, flags=["confused"], lat=LAOSHAN_ZHANGCUN[0], lon=LAOSHAN_ZHANGCUN[1])
    assert (lying.priority, confused.priority) == (12, 11)  # 4 cold, 3 protocol, 2 at 02:00
    assert triage.plan_weight(lying.priority, lying.flags, datetime.timedelta(0)) == 48.0
    # Waiting still counts, so the one not in danger is not left for ever.
    assert triage.plan_weight(confused.priority, confused.flags,
                              datetime.timedelta(hours=1)) == 15.0


def test_in_danger_is_what_can_kill_within_hours_of_cold():
    assert triage.in_danger(["lying_down"]) and triage.in_danger(["child", "confused"])
    assert triage.in_danger(["injured_ill"]) and triage.in_danger(["underdressed", "elderly"])
    assert not triage.in_danger(["elderly"]) and not triage.in_danger(["underdressed"])
    assert not triage.in_danger(["confused", "intoxicated"]) and not triage.in_danger([])


def test_the_queue_puts_the_most_urgent_first_then_the_oldest(db):
    calm = at(NOON)
    urgent = at(NOON + datetime.timedelta(minutes=5), flags=["child"],
                lat=LAOSHAN_ZHANGCUN[0], lon=LAOSHAN_ZHANGCUN[1])
    ordered = services.queue(Lead.objects.open(), NOON + datetime.timedelta(minutes=10))
    assert ordered == [urgent, calm]


def test_the_queue_weighs_someone_in_danger_as_the_nights_plan_does(db):
    troubled = at(NOON, flags=["elderly", "confused", "intoxicated"])
    lying = at(NOON + datetime.timedelta(minutes=5), flags=["lying_down"],
               lat=LAOSHAN_ZHANGCUN[0], lon=LAOSHAN_ZHANGCUN[1])
    ordered = services.queue(Lead.objects.open(), NOON + datetime.timedelta(minutes=10))
    assert [lead.priority_now for lead in ordered] == [3, 6]  # 3 times 4 before 6
    assert ordered == [lying, troubled]


def test_signs_described_but_not_ticked_count_and_say_where_they_were_read(db):
    lead = at(NOON, description="一个老大爷躺在地上，叫不醒", flags=["elderly"])
    assert lead.flags == ["lying_down", "elderly", "injured_ill"]
    assert explained(lead) == ["+3 Lying on the ground (from the description)", "+2 Elderly",
                               "+3 Injured or ill (from the description)"]
    assert lead.priority == 8 and triage.in_danger(lead.flags)


def test_staff_who_untick_a_described_sign_are_believed_and_other_edits_keep_its_source(
        db, cast):
    lead = at(NOON, description="老人躺在地上")
    lead = services.update_details(lead, by=cast.shinan_dispatcher, place="站前广场东侧")
    assert "+3 Lying on the ground (from the description)" in explained(lead)
    lead = services.update_details(lead, by=cast.shinan_dispatcher, flags=["elderly"])
    assert lead.flags == ["elderly"] and explained(lead) == ["+2 Elderly"]


def test_a_description_staff_correct_is_read_again_unless_they_set_the_signs_too(db, cast):
    lead = at(NOON, description="有人在通道里")
    lead = services.update_details(lead, by=cast.shinan_dispatcher,
                                   description="有人在通道里，是个老人，躺在地上")
    assert lead.flags == ["lying_down", "elderly"]
    assert explained(lead) == ["+3 Lying on the ground (from the description)",
                               "+2 Elderly (from the description)"]
    lead = services.update_details(lead, by=cast.shinan_dispatcher, flags=["elderly"],
                                   description="是个老人，躺在地上，现在坐起来了")
    assert lead.flags == ["elderly"] and explained(lead) == ["+2 Elderly"]


def test_a_later_report_of_the_same_person_adds_what_it_saw_to_the_open_incident(db):
    first = at(NOON, description="穿黑色棉袄的男子", reporter_phone="13800000001")
    second = at(NOON + datetime.timedelta(minutes=10), description="穿黑色棉袄的男子",
                flags=["lying_down"], lat=SHINAN_STATION_SQUARE[0] + 0.0003,
                reporter_phone="13800000002")
    assert second.duplicate_of == first
    first.refresh_from_db()
    assert first.flags == ["lying_down"] and first.priority == 3
    assert explained(first) == [f"+3 Lying on the ground (report {second.tracking_code})"]
    assert [lead.pk for lead in services.queue(Lead.objects.open(), NOON)] == [first.pk]


def test_a_report_split_off_takes_back_the_signs_it_brought(db, cast):
    first = at(NOON, description="穿黑色棉袄的男子", reporter_phone="13800000001")
    second = at(NOON + datetime.timedelta(minutes=10), description="穿黑色棉袄的男子",
                flags=["lying_down"], reporter_phone="13800000002")
    assert second.duplicate_of == first
    services.split_duplicate(second, by=cast.shinan_dispatcher)
    first.refresh_from_db()
    assert first.flags == [] and first.priority == 0


def test_staff_linking_a_report_to_an_incident_bring_its_signs(db, cast):
    first = at(NOON, description="穿黑色棉袄的男子")
    other = at(NOON + datetime.timedelta(minutes=10), description="老人带着孩子", flags=["child"],
               lat=LAOSHAN_ZHANGCUN[0], lon=LAOSHAN_ZHANGCUN[1])
    services.link_duplicate(other, first, by=cast.shinan_dispatcher)
    first.refresh_from_db()
    assert first.flags == ["elderly", "child"]
    assert explained(first) == [f"+2 Elderly (report {other.tracking_code})",
                                f"+3 A child (report {other.tracking_code})"]


def test_a_report_near_an_open_lead_is_linked_to_it(db):
    first = at(NOON, reporter_phone="13800000001")
    second = at(NOON + datetime.timedelta(minutes=20), lat=SHINAN_STATION_SQUARE[0] + 0.0005,
                reporter_phone="13800000002")
    assert second.status == LeadStatus.DUPLICATE and second.duplicate_of == first
    assert list(Lead.objects.open()) == [first]


def test_a_report_far_away_or_long_after_is_a_new_lead(db, settings):
    first = at(NOON)
    far = at(NOON + datetime.timedelta(minutes=5), lat=SHINAN_STATION_SQUARE[0] + 0.01)
    later = at(NOON + datetime.timedelta(minutes=settings.LEADS_DEDUP_WINDOW_MINUTES + 1))
    assert far.duplicate_of is None and later.duplicate_of is None
    assert first.status == far.status == later.status == LeadStatus.TRIAGED


def test_a_report_near_a_resolved_lead_is_a_new_lead(db, cast):
    first = at(NOON)
    services.set_status(first, LeadStatus.RESOLVED, by=cast.shinan_dispatcher,
                        outcome=Outcome.NOT_FOUND)
    again = at(NOON + datetime.timedelta(minutes=30))
    assert again.duplicate_of is None


def test_a_linked_reporter_is_told_when_the_incident_moves_on(db, cast):
    from songnuan.notify.models import Outbox

    first = at(NOON, reporter_phone="13800000001")
    at(NOON + datetime.timedelta(minutes=3), reporter_phone="13800000002")
    before = Outbox.objects.count()
    services.set_status(first, LeadStatus.ASSIGNED, by=cast.shinan_dispatcher)
    texts = Outbox.objects.filter(purpose="lead_feedback").order_by("id")[before:].values_list(
        "phone", flat=True)
    assert sorted(texts) == ["13800000001", "13800000002"]


def test_a_flood_from_one_source_cannot_push_a_real_report_down(db, settings):
    settings.LEADS_IP_LIMIT = 0  # the limit is tested elsewhere; here the flood gets through
    flood = [at(NOON + datetime.timedelta(seconds=i), ip="203.0.113.9", flags=["lying_down"],
                lat=SHINAN_STATION_SQUARE[0] + 0.003 * i) for i in range(8)]
    real = at(NOON + datetime.timedelta(minutes=1), ip="198.51.100.7", flags=["lying_down"],
              lat=LAOSHAN_ZHANGCUN[0], lon=LAOSHAN_ZHANGCUN[1])
    ordered = services.queue(Lead.objects.open(), NOON + datetime.timedelta(minutes=2))
    # The source's first few reports count as real; from the threshold on they sink.
    assert all(ordered.index(real) < ordered.index(lead) for lead in flood[3:])
    assert any("within the hour" in reason for reason in explained(flood[-1]))


def test_staff_mark_a_prank_with_a_reason(db, cast):
    lead = at(NOON)
    services.mark_invalid(lead, reason="电话核实无人", prank=True, by=cast.shinan_dispatcher)
    lead.refresh_from_db()
    assert (lead.status, lead.outcome) == (LeadStatus.RESOLVED, Outcome.PRANK)
    assert lead.history.order_by("id").last().note == "电话核实无人"


def test_marking_invalid_needs_a_reason(db, cast):
    import pytest

    lead = at(NOON)
    with pytest.raises(Refused) as refused:
        services.mark_invalid(lead, reason="  ", by=cast.shinan_dispatcher)
    assert refused.value.field == "reason"


def test_set_status_records_history_and_refuses_a_jump_backwards(db, cast):
    import pytest

    lead = at(NOON)
    services.set_status(lead, LeadStatus.ASSIGNED, by=cast.shinan_dispatcher, note="一队")
    services.set_status(lead, LeadStatus.ON_SCENE, by=cast.shinan_patroller)
    with pytest.raises(Refused):
        services.set_status(lead, LeadStatus.RECEIVED, by=cast.shinan_dispatcher)
    steps = list(lead.history.order_by("id").values_list("to_status", flat=True))
    assert steps == ["received", "triaged", "assigned", "on_scene"]


def test_a_typed_place_without_coordinates_waits_to_be_located(db, cast):
    lead = report(lat=None, lon=None, place="台东步行街东口")
    assert lead.status == LeadStatus.RECEIVED and lead.district is None
    services.update_details(lead, by=cast.city_admin, district_id=cast.shinan_bureau.district_id)
    lead.refresh_from_db()
    assert lead.status == LeadStatus.TRIAGED


def test_the_hotline_and_trusted_reporters_skip_the_limits(db, cast, settings):
    from songnuan.leads.models import TrustedReporter

    settings.LEADS_IP_LIMIT = 1
    org = cast.shinan_bureau
    reporter = TrustedReporter(name="王师傅", phone="13900000009", kind="sanitation",
                               organisation=org)
    key = services.issue_reporter_key(reporter)
    assert services.trusted_reporter_for_key(key) == reporter
    for minute in range(3):
        lead = at(NOON + datetime.timedelta(minutes=minute), ip="203.0.113.1",
                  trusted_reporter=reporter, lat=SHINAN_STATION_SQUARE[0] + 0.01 * minute)
        assert lead.organisation == org
        assert "trusted" in [reason["code"] for reason in lead.priority_reasons]
    for minute in range(3):
        at(NOON + datetime.timedelta(minutes=minute), source="hotline", ip="203.0.113.1",
           received_by=cast.shinan_dispatcher, lat=SHINAN_STATION_SQUARE[0] - 0.01 * minute)
    assert Lead.objects.count() == 6


def test_now_is_a_real_time(db):
    assert at(timezone.now()).received_at <= timezone.now()
