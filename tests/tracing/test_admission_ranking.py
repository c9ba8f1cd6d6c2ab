"""Admission shows its steps: `admit` tells its listeners, tracing opens the case in the
admission and compares the person with the open reports in the worker after the commit."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django_tasks_db.models import DBTaskResult

from songnuan.shelter import listeners
from songnuan.shelter.admission import AdmissionInput, admit
from songnuan.tracing import matching, tasks
from songnuan.tracing.models import Ranking, TracingCase
from songnuan.worker import ResilientWorker
from tests.people.factories import make_person
from tests.shelter.factories import make_zone
from tests.tracing.factories import admit_unidentified, make_report

RANK_CASE = "songnuan.tracing.tasks.rank_case"


def unknown_man(site):
    make_zone(site, beds=2)
    return make_person("", site=site, age=58, height_cm=170, dialect="山东口音",
                       marks="左手缺小指；右脸颊黑痣", alias="无名氏")


def ranking_jobs():
    return DBTaskResult.objects.filter(task_path=RANK_CASE)


def run_as_the_worker(job):
    """Claim and run a queued job as the worker does (its claiming loop, which locks the
    queue in a transaction of its own, waits forever inside a test's transaction on
    PostgreSQL)."""
    worker = ResilientWorker(interval=0, max_tasks=1)
    job.claim(worker.worker_id)
    worker.run_task(job)
    job.refresh_from_db()


@pytest.fixture
def heard():
    """A listener of our own, removed afterwards: what it heard, and whether in a transaction."""
    calls = []

    def listener(stay):
        calls.append((stay, connection.in_atomic_block))

    listeners.register_admission_listener(listener)
    yield calls
    listeners._listeners.remove(listener)


@pytest.mark.django_db
def test_admit_tells_every_admission_listener_inside_its_transaction(cast, heard):
    person = unknown_man(cast.laoshan_substation)
    stay = admit(person, cast.laoshan_substation, AdmissionInput(), by=cast.laoshan_station)
    assert heard == [(stay, True)]


@pytest.mark.django_db
def test_the_case_opens_in_the_admission_and_is_compared_only_after_the_commit(
        cast, django_capture_on_commit_callbacks):
    report = make_report(district=cast.laoshan_substation.district)
    person = unknown_man(cast.laoshan_substation)
    with django_capture_on_commit_callbacks() as callbacks:
        stay = admit(person, cast.laoshan_substation, AdmissionInput(),
                     by=cast.laoshan_station)
        case = TracingCase.objects.get(stay=stay)
        assert case.ranking == Ranking.WAITING and not case.candidates.exists()
        assert not ranking_jobs().exists()
    assert len(callbacks) == 1
    callbacks[0]()
    job = ranking_jobs().get()
    assert job.args_kwargs["args"] == [case.pk]
    run_as_the_worker(job)
    assert job.status == "SUCCESSFUL" and job.return_value == 1
    case.refresh_from_db()
    assert case.ranking == Ranking.DONE and case.ranked_at is not None
    after_commit = [(r.report_id, r.score) for r in case.candidates.all()]
    assert after_commit[0][0] == report.pk
    # What the admission used to do in its own transaction gives the same candidates.
    in_place = [(r.report_id, r.score) for r in matching.rank_candidates(case)]
    assert after_commit == in_place


@pytest.mark.django_db(transaction=True)
def test_an_admission_rolled_back_queues_nothing(cast):
    make_report(district=cast.laoshan_substation.district)
    person = unknown_man(cast.laoshan_substation)
    with pytest.raises(RuntimeError), transaction.atomic():
        admit(person, cast.laoshan_substation, AdmissionInput(), by=cast.laoshan_station)
        assert TracingCase.objects.filter(person=person).exists()
        raise RuntimeError("the caller's transaction fails after the admission")
    assert not TracingCase.objects.filter(person=person).exists()
    assert not ranking_jobs().exists()
    admit(person, cast.laoshan_substation, AdmissionInput(), by=cast.laoshan_station)
    assert ranking_jobs().count() == 1


@pytest.mark.django_db
def test_a_failed_comparison_shows_on_the_case_and_is_queued_again(cast, client_for,
                                                                   monkeypatch):
    report = make_report(district=cast.laoshan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, ranked=False)

    def broken(*args, **kwargs):
        raise ConnectionError("the linkage parameters could not be read")

    monkeypatch.setattr(matching, "rank_candidates", broken)
    with pytest.raises(ConnectionError):
        tasks.rank_case.call(case.pk)
    case.refresh_from_db()
    assert case.ranking == Ranking.FAILED
    client = client_for(cast.laoshan_tracing)
    page = client.get(case.get_absolute_url()).content.decode()
    assert "与未结的寻人登记比对失败；系统会在十分钟内重试" in page
    assert list(matching.rankings_to_retry()) == [case]
    monkeypatch.undo()
    assert tasks.retry_rankings.call() == 1
    job = ranking_jobs().get()
    assert job.args_kwargs["args"] == [case.pk]
    run_as_the_worker(job)
    assert job.status == "SUCCESSFUL"
    case.refresh_from_db()
    assert case.ranking == Ranking.DONE
    assert case.candidates.get().report == report
    assert not matching.rankings_to_retry().exists()


@pytest.mark.django_db
def test_the_case_and_the_person_file_say_being_compared_until_the_worker_has_run(
        cast, client_for):
    report = make_report(district=cast.laoshan_substation.district)
    case = admit_unidentified(cast.laoshan_substation, by=cast.laoshan_station, ranked=False)
    client = client_for(cast.laoshan_tracing)
    page = client.get(case.get_absolute_url()).content.decode()
    file = client.get(case.person.get_absolute_url()).content.decode()
    assert "正在与未结的寻人登记比对：候选登记稍后显示在这里" in page
    assert report.reference not in page and "暂无相似的寻人登记" not in page
    assert "正在与未结的寻人登记比对" in file
    tasks.rank_case.call(case.pk)
    page = client.get(case.get_absolute_url()).content.decode()
    file = client.get(case.person.get_absolute_url()).content.decode()
    assert report.reference in page and "正在与未结的寻人登记比对" not in page
    assert "有 1 份寻人登记与此人相似，待核查" in file
