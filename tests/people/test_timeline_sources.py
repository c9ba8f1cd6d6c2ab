"""The person file's timeline holds the reports that led a squad to the person (photos only for
those allowed to see them, each view logged) and every step of the person's tracing case."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation

from songnuan.accounts.models import AuditEvent
from songnuan.leads.photos import clean_photo
from songnuan.outreach import dispatch
from songnuan.outreach.dispatch import PersonMet
from songnuan.outreach.models import EncounterOutcome
from songnuan.people.models import Person
from songnuan.people.timeline import timeline_for
from songnuan.shelter.discharge import DischargeInput
from songnuan.tracing import announcements, comparisons, matching, reunion
from songnuan.tracing.models import ComparisonKind, Decision
from tests.leads.factories import jpeg_with_gps, report
from tests.outreach.factories import assigned_task, encounter_input, make_squad
from tests.tracing.factories import admit_unidentified, make_report

pytestmark = pytest.mark.django_db


def met_after_a_report_with_a_photo(cast) -> tuple[Person, object]:
    task = assigned_task(make_squad("市南区救助一队"), cast.shinan_dispatcher,
                         place="中山路地下通道", description="通道里躺着一位老人",
                         photos=[clean_photo(jpeg_with_gps())])
    dispatch.record_encounter(task, encounter_input(
        EncounterOutcome.REFUSED, people=[PersonMet(sex="M", age_estimate=70,
                                                    self_name="老曲")]),
        by=cast.shinan_patroller)
    return Person.objects.get(self_name="老曲"), task.lead


def timeline_section(html: str) -> str:
    start = html.index('class="timeline"')
    return html[start:html.index("</ol>", start)]


def test_the_report_that_led_to_the_person_is_on_the_timeline(cast):
    person, lead = met_after_a_report_with_a_photo(cast)
    events = [event for event in timeline_for(person) if event.kind == "lead"]
    assert len(events) == 1
    event = events[0]
    assert lead.tracking_code in str(event.title) and "中山路地下通道" in str(event.title)
    assert "通道里躺着一位老人" in event.detail
    assert event.at == lead.received_at
    assert event.url == reverse("leads:lead_detail", args=[lead.pk])


def test_a_second_report_of_the_same_incident_is_there_too(cast):
    from songnuan.leads import services as leads

    person, lead = met_after_a_report_with_a_photo(cast)
    again = report(description="又有人报告中山路地下通道有老人")
    leads.link_duplicate(again, lead, by=cast.shinan_dispatcher)
    codes = {str(event.title) for event in timeline_for(person) if event.kind == "lead"}
    assert any(again.tracking_code in title for title in codes)


def test_report_photos_show_only_under_the_photo_permission_and_each_view_is_logged(
        cast, client_for):
    person, lead = met_after_a_report_with_a_photo(cast)
    photo_url = reverse("leads:lead_photo", args=[lead.pk, lead.photos.get().pk])
    url = reverse("people:detail", args=[person.pk])
    dispatcher = client_for(cast.shinan_dispatcher)
    assert photo_url in timeline_section(dispatcher.get(url).content.decode())
    assert dispatcher.get(photo_url).status_code == 200
    assert AuditEvent.objects.filter(action="read_sensitive", actor=cast.shinan_dispatcher,
                                     object_type="leads.lead", object_id=str(lead.pk)).exists()
    viewer_page = client_for(cast.shinan_viewer).get(url).content.decode()
    section = timeline_section(viewer_page)
    assert lead.tracking_code in section and photo_url not in section


def test_every_tracing_step_from_case_to_reunion_is_on_the_timeline(cast):
    missing = make_report(district=cast.laoshan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station)
    announcements.publish_announcement(case, found_place="崂山区沙子口", by=cast.laoshan_tracing)
    request = comparisons.request_comparison(case, kind=ComparisonKind.FINGERPRINT,
                                         liaison=cast.police_liaison, message="请比对指纹",
                                         by=cast.laoshan_tracing)
    comparisons.acknowledge(request, by=cast.police_liaison)
    evidence = SimpleUploadedFile("report.pdf", b"%PDF-1.4 comparison", "application/pdf")
    result = comparisons.ComparisonResult(matched=False, evidence=evidence, notes="指纹库无记录")
    comparisons.record_result(request, result, by=cast.police_liaison)
    matching.decide(case.candidates.get(report=missing), decision=Decision.CONFIRMED,
                   reason="女儿视频辨认，特征一致", by=cast.laoshan_tracing)
    reunion.discharge_home(case, DischargeInput(destination="山东菏泽", travel_mode="family",
                                                family_contact="张丽",
                                                family_phone="13800000001"),
                           by=cast.laoshan_station)
    with translation.override("zh-hans"):
        titles = [str(event.title) for event in timeline_for(case.person)]
    expected = ["寻亲案件已立案", "发布寻亲公告", "寻亲公告已撤下", "已向公安申请指纹比对",
                "公安已受理指纹比对", "指纹比对已回复：未比中",
                f"走失登记 {missing.reference} 已确认为本人", "已与家人团聚"]
    for words in expected:
        assert any(words in title for title in titles), (words, titles)
    assert titles.index("已与家人团聚") < titles.index(next(
        title for title in titles if title.startswith("寻亲案件已立案")))  # newest first
