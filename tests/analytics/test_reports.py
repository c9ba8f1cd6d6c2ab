"""The campaign summary report and the daily briefing: their figures against hand counts, who
may ask for which districts, and the documents written in the worker."""

from __future__ import annotations

import datetime
import io

import pytest
from django.urls import reverse
from docx import Document
from pypdf import PdfReader

from songnuan.analytics import generation, reports, writing
from songnuan.analytics.models import GeneratedReport, ReportKind, ReportStatus
from songnuan.analytics.selection import Selection, select
from songnuan.duty.models import Alert
from songnuan.incidents.models import Kind, Level
from songnuan.outreach.models import EncounterOutcome as O
from songnuan.refusals import Refused
from songnuan.weather.models import Forecast, Source
from tests.analytics.factories import at, encounter, give_supplies, lead, person, task
from tests.factories import LAOSHAN, SHINAN, district
from tests.incidents.factories import report as report_incident
from tests.outreach.factories import make_squad

FIRST = datetime.date(2027, 1, 25)
LAST = datetime.date(2027, 2, 5)


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Documents go to a temporary MEDIA_ROOT, never the working tree."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def winter(cast):
    """Two districts; 市南区's night of 31 January runs past midnight into February."""
    shinan, laoshan = make_squad(), make_squad(district_code=LAOSHAN)
    task(lead("2027-01-31 23:30"), shinan, 5, arrived_min=20)
    task(lead("2027-02-01 01:30"), shinan, 3, arrived_min=10)  # January's last night
    task(lead("2027-02-02 22:00", LAOSHAN), laoshan, 8, arrived_min=40)
    lead("2027-02-03 21:00", LAOSHAN)  # never reached
    old, young = person("王建国"), person("李秀英")
    met = encounter(shinan, "2027-01-31 23:50", O.ESCORTED, [(old, O.ESCORTED),
                                                            (young, O.REFUSED)])
    give_supplies(shinan, met, young)
    encounter(shinan, "2027-02-01 02:00", O.NOT_FOUND)
    encounter(laoshan, "2027-02-02 22:30", O.REFUSED,
              [(person("张桂兰", LAOSHAN), O.REFUSED)], code=LAOSHAN)
    return select(cast.city_admin, FIRST, LAST)


def test_the_table_counts_each_district_and_month_with_the_night_across_midnight(winter):
    tallies, total = reports.district_month_tallies(winter)

    by_key = {(t.district, t.month): t for t in tallies}
    assert set(by_key) == {("市南区", "2027-01"), ("崂山区", "2027-02")}
    shinan = by_key[("市南区", "2027-01")]
    assert (shinan.leads, shinan.found, shinan.admitted, shinan.refused_supplies,
            shinan.not_found) == (2, 2, 1, 1, 1)
    assert (shinan.p50_arrive, shinan.p90_arrive) == (15.0, 20.0)
    laoshan = by_key[("崂山区", "2027-02")]
    assert (laoshan.leads, laoshan.found, laoshan.admitted, laoshan.refused_supplies,
            laoshan.not_found) == (2, 1, 0, 0, 0)
    assert (laoshan.p50_arrive, laoshan.p90_arrive) == (40.0, 40.0)
    assert (total.leads, total.found, total.p50_arrive, total.p90_arrive) == (4, 3, 20.0, 40.0)
    assert [m.month for m in reports.month_totals(tallies)] == ["2027-01", "2027-02"]


def test_a_district_manager_counts_only_their_district(cast, winter):
    sel = select(cast.shinan_admin, FIRST, LAST)

    tallies, total = reports.district_month_tallies(sel)

    assert [t.district for t in tallies] == ["市南区"]
    assert total.leads == 2


def test_asking_for_a_district_not_covered_is_refused(cast):
    with pytest.raises(Refused):
        generation.request_report(ReportKind.CAMPAIGN, by=cast.shinan_admin, first=FIRST,
                                  last=LAST, district=district(LAOSHAN))
    assert not GeneratedReport.objects.exists()


def test_the_page_refuses_another_district_and_keeps_what_was_written(cast, client_for):
    page = client_for(cast.shinan_admin).post(reverse("analytics:reports"), {
        "first": "2027-01-25", "last": "2027-02-05", "district": district(LAOSHAN).pk,
        "cases": "王某某，男，七十岁，在火车站广场被发现。"})

    assert page.status_code == 400
    assert "崂山区" in page.content.decode()
    assert page.context["form"].data["cases"] == "王某某，男，七十岁，在火车站广场被发现。"
    assert not GeneratedReport.objects.exists()


def test_asking_twice_while_one_is_in_flight_gives_one_report(cast):
    first = generation.request_report(ReportKind.CAMPAIGN, by=cast.city_admin, first=FIRST,
                                      last=LAST)
    again = generation.request_report(ReportKind.CAMPAIGN, by=cast.city_admin, first=FIRST,
                                      last=LAST, texts={"cases": "另一稿"})

    assert again.pk == first.pk
    assert GeneratedReport.objects.count() == 1


def _docx_text(report: GeneratedReport) -> tuple[list[str], list, str]:
    with report.docx.open("rb") as handle:
        document = Document(io.BytesIO(handle.read()))
    headings = [p.text for p in document.paragraphs if p.style.name.startswith("Heading")]
    return headings, document.tables, "\n".join(p.text for p in document.paragraphs)


def test_the_report_is_written_as_word_and_pdf_with_chinese_headings_tables_and_charts(
        cast, winter):
    report = generation.request_report(ReportKind.CAMPAIGN, by=cast.city_admin, first=FIRST,
                                       last=LAST, texts={"cases": "王某某在火车站广场被劝导入站。"})

    assert writing.generate(report.pk)

    report.refresh_from_db()
    assert (report.status, report.progress, report.error) == (ReportStatus.DONE, 100, "")
    headings, tables, text = _docx_text(report)
    assert headings == ["一、总体情况", "二、分区分月数据", "三、救助网络", "四、巡查救助",
                        "五、入站救助", "六、寻亲与返乡", "七、典型案例",
                        "八、存在问题和下一步打算"]
    assert "王某某在火车站广场被劝导入站。" in text
    district_table = tables[1]
    assert [c.text for c in district_table.rows[0].cells][:3] == ["区（市）", "线索", "发现人数"]
    assert [c.text for c in district_table.rows[1].cells][:6] == ["市南区", "2", "2", "1", "1",
                                                                  "1"]
    with report.pdf.open("rb") as handle:
        pdf = PdfReader(io.BytesIO(handle.read()))
    pdf_text = "".join(page.extract_text() for page in pdf.pages)
    assert "总体情况" in pdf_text and "市南区" in pdf_text
    assert sum(len(page.images) for page in pdf.pages) >= 2


def test_a_period_with_no_data_gives_an_honest_empty_report(cast):
    report = generation.request_report(ReportKind.CAMPAIGN, by=cast.city_admin, first=FIRST,
                                       last=LAST)

    assert writing.generate(report.pk)

    report.refresh_from_db()
    assert report.status == ReportStatus.DONE
    _headings, tables, text = _docx_text(report)
    assert "本期未记录任何线索、现场处置或入站" in text
    assert [c.text for c in tables[0].rows[1].cells][1:3] == ["0", "0"]


def test_a_failure_says_why_and_a_retry_generates_it(cast, winter):
    manager = cast.shinan_admin
    report = generation.request_report(ReportKind.CAMPAIGN, by=manager, first=FIRST, last=LAST)
    manager.district = district(LAOSHAN)  # moved before the worker got to it
    manager.save()

    assert not writing.generate(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.FAILED
    assert "市南区" not in report.error and report.error.startswith("Refused")
    assert not report.docx

    manager.district = district(SHINAN)
    manager.save()
    again = generation.retry(report, by=manager)
    assert (again.pk, again.status) == (report.pk, ReportStatus.QUEUED)
    assert writing.generate(report.pk)
    report.refresh_from_db()
    assert report.status == ReportStatus.DONE and report.docx and report.pdf


def test_a_report_lost_with_its_worker_gives_way_after_an_hour(cast):
    lost = generation.request_report(ReportKind.CAMPAIGN, by=cast.city_admin, first=FIRST,
                                     last=LAST)
    GeneratedReport.objects.filter(pk=lost.pk).update(
        status=ReportStatus.RUNNING, created_at=lost.created_at - datetime.timedelta(hours=2))

    fresh = generation.request_report(ReportKind.CAMPAIGN, by=cast.city_admin, first=FIRST,
                                      last=LAST)

    lost.refresh_from_db()
    assert fresh.pk != lost.pk and fresh.status == ReportStatus.QUEUED
    assert lost.status == ReportStatus.FAILED and "一小时" in lost.error


def test_only_a_failed_report_can_be_retried(cast):
    report = generation.request_report(ReportKind.CAMPAIGN, by=cast.city_admin, first=FIRST,
                                       last=LAST)
    with pytest.raises(Refused):
        generation.retry(report, by=cast.city_admin)


def test_another_district_cannot_read_or_download_the_report(cast, client_for, winter):
    report = generation.request_report(ReportKind.CAMPAIGN, by=cast.shinan_admin, first=FIRST,
                                       last=LAST)
    assert writing.generate(report.pk), GeneratedReport.objects.get(pk=report.pk).error

    pdf = client_for(cast.shinan_admin).get(reverse("analytics:report_file",
                                                    args=[report.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf["Cache-Control"] == "private, no-store"
    laoshan = client_for(cast.laoshan_admin)  # the same client, signed in as another
    for name, args in (("analytics:report_file", [report.pk, "docx"]),
                       ("analytics:report_status", [report.pk])):
        assert laoshan.get(reverse(name, args=args)).status_code == 404
    assert report.pk not in [r.pk for r in laoshan.get(reverse("analytics:reports"))
                             .context["reports"]]


def test_the_status_answers_the_progress(cast, client_for):
    report = generation.request_report(ReportKind.CAMPAIGN, by=cast.city_admin, first=FIRST,
                                       last=LAST)

    state = client_for(cast.city_admin).get(reverse("analytics:report_status",
                                                    args=[report.pk])).json()

    assert (state["status"], state["progress"], state["docx"]) == ("queued", 0, "")


def test_the_report_page_starts_from_the_campaign_and_drafts_from_the_figures(
        cast, client_for, winter):
    page = client_for(cast.city_admin).get(reverse("analytics:reports"))

    assert page.status_code == 200
    initial = page.context["form"].initial
    assert initial["last"] < datetime.date.today()
    assert "overview" in initial


def test_a_role_without_analytics_gets_no_report_page(cast, client_for):
    for name in ("analytics:reports", "analytics:briefings"):
        assert client_for(cast.shinan_patroller).get(reverse(name)).status_code == 403


# ------------------------------------------------------------------ the daily briefing

NIGHT = datetime.date(2027, 1, 31)
MORNING = at("2027-02-01 07:30")


def test_the_briefing_counts_last_night(cast, winter):
    Forecast.objects.create(district=district(SHINAN), starts_at=at("2027-02-01 02:00"),
                            ends_at=at("2027-02-01 05:00"), min_c=-9.5, max_c=-6,
                            source=Source.MANUAL)
    Forecast.objects.create(district=district(SHINAN), starts_at=at("2027-02-01 20:00"),
                            ends_at=at("2027-02-02 06:00"), min_c=-11, max_c=-5,
                            source=Source.MANUAL)
    night = Selection(cast.city_admin, NIGHT, NIGHT, frozenset({district(SHINAN).pk}))

    found = reports.briefing_figures(night, MORNING)

    assert (found.leads, found.found, found.outcomes["admitted"],
            found.outcomes["refused_supplies"], found.outcomes["not_found"]) == (2, 2, 1, 1, 1)
    assert (found.min_c_last_night, found.min_c_tonight) == (-9.5, -11)
    assert len(found.week) == 7


def test_the_morning_job_briefs_the_city_and_each_district_once_and_tells_the_leaders(
        cast, settings):
    settings.BRIEFING_HOUR = 7
    assert writing.new_morning_briefings(at("2027-02-01 06:30")) == []

    made = writing.new_morning_briefings(MORNING)

    districts = len({d for r in made for d in r.district_ids})
    assert len(made) == districts + 1  # the city, then each district
    assert {(r.first, r.last) for r in made} == {(NIGHT, NIGHT)}
    assert writing.new_morning_briefings(at("2027-02-01 08:15")) == []
    city = next(r for r in made if r.scope_name == "全市")
    assert writing.generate(city.pk, now=MORNING)
    told = Alert.objects.filter(key=f"briefing:{city.pk}")
    assert [a.recipient for a in told] == [cast.city_admin]  # nobody on the city roster
    assert "/analytics/briefings/" in told[0].text


def test_the_leader_reads_the_briefing_alert_in_the_inbox(cast, client_for):
    made = writing.new_morning_briefings(MORNING)
    city = next(r for r in made if r.scope_name == "全市")
    writing.generate(city.pk, now=MORNING)

    inbox = client_for(cast.city_admin).get(reverse("duty:inbox"))

    assert inbox.status_code == 200
    assert "全市每日简报" in inbox.content.decode()


def test_a_briefing_is_regenerated_on_demand_for_a_covered_district(cast, client_for):
    client = client_for(cast.shinan_admin)

    answer = client.post(reverse("analytics:briefings"), {"district": district(SHINAN).pk})
    refused = client.post(reverse("analytics:briefings"), {"district": district(LAOSHAN).pk})

    assert answer.status_code == 302
    [report] = GeneratedReport.objects.all()
    assert (report.kind, report.district_ids) == (ReportKind.BRIEFING, [district(SHINAN).pk])
    assert refused.status_code == 400 and "崂山区" in refused.content.decode()


def test_drafting_again_for_other_nights_keeps_the_typed_case(cast, client_for, winter):
    page = client_for(cast.shinan_admin).get(reverse("analytics:reports"), {
        "first": "2027-01-25", "last": "2027-02-05", "cases": "李某某在栈桥被发现。"})

    assert page.status_code == 200
    initial = page.context["form"].initial
    assert initial["cases"] == "李某某在栈桥被发现。"
    assert "共接报线索2条" in initial["overview"]  # 市南区's two leads only


def test_after_asking_the_page_shows_what_was_asked(cast, client_for):
    client = client_for(cast.shinan_admin)
    answer = client.post(reverse("analytics:reports"), {
        "first": "2027-01-25", "last": "2027-02-05", "district": district(SHINAN).pk,
        "cases": "李某某在栈桥被发现。"})

    page = client.get(answer["Location"])

    initial = page.context["form"].initial
    assert (initial["first"], initial["last"], initial["district"]) == (
        FIRST, LAST, district(SHINAN).pk)
    assert initial["cases"] == "李某某在栈桥被发现。"
    assert 'value="2027-01-25"' in page.content.decode()


def test_the_page_retries_a_failed_report(cast, client_for):
    report = generation.request_report(ReportKind.CAMPAIGN, by=cast.city_admin, first=FIRST,
                                       last=LAST)
    GeneratedReport.objects.filter(pk=report.pk).update(status=ReportStatus.FAILED,
                                                        error="OSError: disk full")
    client = client_for(cast.city_admin)

    page = client.get(reverse("analytics:reports"))
    assert "OSError: disk full" in page.content.decode()
    answer = client.post(reverse("analytics:report_retry", args=[report.pk]))

    assert answer.status_code == 302
    report.refresh_from_db()
    assert (report.status, report.error) == (ReportStatus.QUEUED, "")
    assert client.post(reverse("analytics:report_retry", args=[report.pk])).status_code == 409


def test_deaths_and_serious_cold_injuries_are_counted_in_the_report_and_the_briefing(cast):
    grave_night = at("2027-02-01 03:20")  # the night of 31 January, past midnight
    report_incident(cast.shinan_patroller, kind=Kind.DEATH, level=Level.MAJOR,
                    district=district(SHINAN), place="中山路地下通道", occurred_at=grave_night,
                    at=grave_night)
    report_incident(cast.shinan_patroller, kind=Kind.COLD_INJURY, level=Level.SERIOUS,
                    district=district(SHINAN), place="青岛站东广场", occurred_at=grave_night,
                    at=grave_night)
    # Not grave: a general cold injury, and a fire.
    report_incident(cast.shinan_patroller, kind=Kind.COLD_INJURY, level=Level.GENERAL,
                    district=district(SHINAN), occurred_at=grave_night, at=grave_night)
    report_incident(cast.shinan_patroller, kind=Kind.FIRE_GAS, level=Level.MAJOR,
                    district=district(SHINAN), occurred_at=grave_night, at=grave_night)
    night = Selection(cast.city_admin, NIGHT, NIGHT, frozenset({district(SHINAN).pk}))

    briefing = reports.briefing_figures(night, MORNING)
    campaign = reports.campaign_figures(select(cast.city_admin, FIRST, LAST))
    laoshan = reports.grave_cases(Selection(cast.city_admin, NIGHT, NIGHT,
                                            frozenset({district(LAOSHAN).pk})))

    grave = ["02-01 03:20 市南区 死亡 · 中山路地下通道",
             "02-01 03:20 市南区 冻伤、失温或重伤 · 青岛站东广场"]
    assert briefing.grave == campaign.grave == grave
    assert laoshan == []
