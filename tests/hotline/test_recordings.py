"""Recordings: the signed connector (audio only, the size limit, a logged call, the signature,
no replays), the folder import, retention and its job, and audited playback."""

from __future__ import annotations

import datetime
import logging
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from songnuan.accounts.models import AuditEvent
from songnuan.hotline import connector, services
from songnuan.hotline.models import Recording
from songnuan.hotline.tasks import purge_expired_recordings
from songnuan.refusals import Refused
from songnuan.scheduling import jobs
from tests.hotline.factories import AT, log, wav

pytestmark = pytest.mark.django_db
SECRET = "qingdao-hotline-connector-secret"
URL = "/api/v1/hotline/recordings"


@pytest.fixture(autouse=True)
def _connector(settings):
    settings.HOTLINE_CONNECTOR_SECRET = SECRET


def send(client, call_id, body, *, secret=SECRET, at=None, headers=None):
    headers = headers or connector.signed_headers(secret, call_id, body, at=at)
    return client.post(f"{URL}?call={call_id}&name=rec.wav", body,
                       content_type="application/octet-stream", headers=headers)


def test_a_signed_recording_is_attached_and_kept_92_days_from_the_call(cast, client):
    call = log(cast.laoshan_dispatcher)
    answer = send(client, call.pk, wav())
    assert answer.status_code == 201, answer.content
    recording = Recording.objects.get()
    assert answer.json()["recording_id"] == recording.pk and recording.call == call
    assert recording.extension == "wav" and recording.audio.read() == wav()
    assert recording.keep_until == call.started_at + datetime.timedelta(days=92)


@pytest.mark.parametrize(("body", "code"), [
    (b"%PDF-1.4 not a recording", "not_audio"),
    (b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, "not_audio"),
    (b"", "empty"),
])
def test_what_is_not_audio_is_refused_with_a_reason(cast, client, body, code):
    call = log(cast.laoshan_dispatcher)
    answer = send(client, call.pk, body)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["type"] == code
    assert not Recording.objects.exists()


@pytest.mark.parametrize("head", [b"ID3\x04\x00", b"\xff\xfb\x90\x64", b"#!AMR\n", b"OggS\x00",
                                  b"\x00\x00\x00\x20ftypM4A \x00"])
def test_each_audio_kind_is_known_by_its_first_bytes(cast, head):
    call = log(cast.laoshan_dispatcher)
    recording = services.attach_recording(call, head + b"\x00" * 64)
    assert recording.extension in {"mp3", "amr", "ogg", "m4a"}


def test_a_recording_over_the_limit_is_refused(cast, client, settings):
    settings.HOTLINE_RECORDING_MAX_BYTES = 1000
    call = log(cast.laoshan_dispatcher)
    answer = send(client, call.pk, wav(seconds=0.5))
    assert answer.status_code == 422 and answer.json()["errors"][0]["type"] == "too_large"
    assert not Recording.objects.exists()


def test_a_recording_for_a_call_not_logged_is_refused_in_chinese_by_default(cast, client):
    answer = send(client, 99999, wav())
    assert answer.status_code == 422
    assert answer.json()["errors"][0] == {
        "field": "call", "message": "没有编号为 99999 的来电登记：请先登记来电。",
        "type": "unknown_call"}


def test_a_bad_signature_a_stale_time_and_a_missing_secret_are_refused(cast, client, settings):
    call = log(cast.laoshan_dispatcher)
    assert send(client, call.pk, wav(), secret="guessed").status_code == 401
    assert send(client, call.pk, wav(), at=time.time() - 3600).status_code == 401
    # signed for another call: the call id is part of what is signed
    headers = connector.signed_headers(SECRET, call.pk + 1, wav())
    assert send(client, call.pk, wav(), headers=headers).status_code == 401
    settings.HOTLINE_CONNECTOR_SECRET = ""
    assert send(client, call.pk, wav(), secret="").status_code == 401
    assert not Recording.objects.exists()


def test_the_same_signed_request_twice_is_a_replay(cast, client):
    call = log(cast.laoshan_dispatcher)
    headers = connector.signed_headers(SECRET, call.pk, wav())
    assert send(client, call.pk, wav(), headers=headers).status_code == 201
    again = send(client, call.pk, wav(), headers=headers)
    assert again.status_code == 409 and again.json()["errors"][0]["type"] == "replay"
    assert Recording.objects.count() == 1


def test_the_folder_import_follows_the_naming_convention(cast, tmp_path):
    call = log(cast.laoshan_dispatcher, phone="13805321234")  # 2026-12-04 22:15 local
    other = log(cast.laoshan_dispatcher, phone="13905329999", at=AT + datetime.timedelta(hours=1))
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / f"call-{other.pk}.wav").write_bytes(wav())
    (folder / "13805321234_20261204-221630.wav").write_bytes(wav())
    (folder / "13805321234_20261204-230000.wav").write_bytes(wav())  # no call then
    (folder / "call-99999.wav").write_bytes(wav())
    (folder / "notes.txt").write_bytes(b"hello")
    outcomes = {o.path.name: o for o in services.import_folder(folder)}
    assert outcomes[f"call-{other.pk}.wav"].recording.call == other
    assert outcomes["13805321234_20261204-221630.wav"].recording.call == call
    assert "No single call" in outcomes["13805321234_20261204-230000.wav"].refused
    assert "No call 99999" in outcomes["call-99999.wav"].refused
    assert outcomes["notes.txt"].refused
    # again: nothing attached twice
    assert all(o.recording is None for o in services.import_folder(folder))
    assert Recording.objects.count() == 2


def test_the_import_command_reports_refusals(cast, tmp_path, capsys):
    call = log(cast.laoshan_dispatcher)
    (tmp_path / f"call-{call.pk}.mp3").write_bytes(b"ID3\x04" + b"\x00" * 100)
    (tmp_path / f"call-{call.pk}.doc").write_bytes(b"not audio at all")
    call_command("import_recordings", str(tmp_path), language="en")
    out = capsys.readouterr()
    assert "1 recordings attached, 1 refused" in out.out
    assert "not an audio recording" in out.err
    with pytest.raises(CommandError):
        call_command("import_recordings", str(tmp_path / "missing"))


def test_retention_deletes_expired_recordings_logs_them_and_keeps_younger_ones(cast, caplog):
    old_call = log(cast.laoshan_dispatcher, at=AT - datetime.timedelta(days=93))
    young_call = log(cast.laoshan_dispatcher, at=AT - datetime.timedelta(days=91))
    old = services.attach_recording(old_call, wav())
    young = services.attach_recording(young_call, wav())
    old_file = old.audio.path
    with caplog.at_level(logging.INFO, logger="songnuan.hotline.services"):
        removed = services.purge_expired_recordings(now=AT)
    assert removed == [old.pk]
    assert list(Recording.objects.all()) == [young]
    assert young.audio.storage.exists(young.audio.name)
    assert not Path(old_file).exists()
    assert f"deleted hotline recording {old.pk} of call {old_call.pk}" in caplog.text


def test_the_job_is_registered_hourly_and_runs(cast):
    assert any(job.name.endswith("purge_expired_recordings") for job in jobs())
    call = log(cast.laoshan_dispatcher, at=AT - datetime.timedelta(days=200))
    services.attach_recording(call, wav())
    assert purge_expired_recordings.call() == 1
    assert not Recording.objects.exists()


def test_a_shorter_period_needs_a_manager_and_a_reason(cast):
    call = log(cast.laoshan_dispatcher)
    recording = services.attach_recording(call, wav())
    with pytest.raises(Refused):
        services.shorten_retention(recording, days=30, reason="家属要求",
                                   by=cast.laoshan_dispatcher)
    with pytest.raises(Refused) as refused:
        services.shorten_retention(recording, days=30, reason=" ", by=cast.laoshan_admin)
    assert refused.value.field == "reason"
    with pytest.raises(Refused) as refused:
        services.shorten_retention(recording, days=120, reason="家属要求", by=cast.laoshan_admin)
    assert refused.value.field == "days"
    services.shorten_retention(recording, days=30, reason="来电人要求删除录音",
                               by=cast.laoshan_admin)
    recording.refresh_from_db()
    assert recording.keep_until == call.started_at + datetime.timedelta(days=30)
    assert recording.shortened_by == cast.laoshan_admin


def test_playback_is_audited_as_a_sensitive_read(cast, client_for):
    call = log(cast.laoshan_dispatcher)
    recording = services.attach_recording(call, wav())
    client = client_for(cast.laoshan_dispatcher)
    page = client.get(reverse("hotline:call_detail", args=[call.pk]))
    audio_url = reverse("hotline:recording_audio", args=[recording.pk])
    assert audio_url in page.content.decode()
    assert not AuditEvent.objects.filter(action="read_sensitive",
                                         object_type="hotline.recording").exists()
    played = client.get(audio_url)
    assert played.status_code == 200 and b"".join(played.streaming_content) == wav()
    event = AuditEvent.objects.get(action="read_sensitive", object_type="hotline.recording")
    assert event.object_id == str(recording.pk) and event.actor == cast.laoshan_dispatcher
    assert event.changes == {"fields": ["audio"]}
    # another district's operator cannot play it
    assert client_for(cast.shinan_dispatcher).get(audio_url).status_code == 404


def test_the_shorter_period_form_keeps_its_input_when_refused(cast, client_for):
    call = log(cast.laoshan_dispatcher)
    recording = services.attach_recording(call, wav())
    client = client_for(cast.laoshan_admin)
    url = reverse("hotline:recording_shorten", args=[recording.pk])
    page = client.post(url, {"days": "120", "reason": "来电人要求删除录音"})
    assert page.status_code == 422
    html = page.content.decode()
    assert 'value="120"' in html and 'value="来电人要求删除录音"' in html
    assert "请填写 1 至 91 之间的天数。" in html
    recording.refresh_from_db()
    assert recording.keep_until == call.started_at + datetime.timedelta(days=92)
    done = client.post(url, {"days": "30", "reason": "来电人要求删除录音"})
    assert done.status_code == 302
    assert client_for(cast.laoshan_dispatcher).post(url, {"days": "30", "reason": "x"}
                                                    ).status_code == 403
