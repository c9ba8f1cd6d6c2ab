"""Log lines as JSON, each carrying the request's id (the one sent back in X-Request-ID), the
user's id and the route; and background tasks linked to the request that enqueued them."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid

import pytest
from django.core.management import call_command
from django.test import override_settings
from django_tasks import task

from songnuan.observability import logs
from songnuan.tasks import housekeeping


def request_line(lines: list[dict], request_id: str) -> dict:
    [line] = [line for line in lines
              if line["logger"] == "songnuan.request" and line["request_id"] == request_id]
    return line


def test_the_request_line_carries_the_id_sent_back_the_users_id_and_the_route(
        cast, client_for, json_log):
    response = client_for(cast.shinan_dispatcher).get("/")
    request_id = response["X-Request-ID"]
    assert uuid.UUID(request_id)
    line = request_line(json_log(), request_id)
    assert line["user_id"] == cast.shinan_dispatcher.pk
    assert line["route"] == "home" and line["method"] == "GET" and line["path"] == "/"
    assert line["status"] == response.status_code
    assert isinstance(line["duration_ms"], float)
    assert {"time", "level", "logger", "message"} <= line.keys()


def test_no_line_names_the_user(cast, client_for, json_log):
    client_for(cast.shinan_dispatcher).get("/")
    text = repr(json_log())
    assert cast.shinan_dispatcher.username not in text
    assert cast.shinan_dispatcher.last_name + cast.shinan_dispatcher.first_name not in text


def test_each_request_has_its_own_id(db, client):
    assert client.get("/healthz")["X-Request-ID"] != client.get("/healthz")["X-Request-ID"]


def test_lines_written_while_answering_carry_the_same_id(db, client, json_log):
    response = client.get("/metrics", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 404
    lines = [line for line in json_log() if line["request_id"] == response["X-Request-ID"]]
    assert {line["logger"] for line in lines} == {"django.request", "songnuan.request"}
    assert all(line["route"] == "metrics" for line in lines)


def test_no_line_repeats_the_query_string(cast, client_for, json_log):
    response = client_for(cast.shinan_dispatcher).get("/no-such-page/?phone=13812345678")
    assert response.status_code == 404
    lines = json_log()
    assert "13812345678" not in repr(lines)
    assert request_line(lines, response["X-Request-ID"])["path"] == "/no-such-page/"


def test_the_api_token_users_id_is_on_the_line(cast, api_for, json_log):
    response = api_for(cast.city_admin).get("/api/v1/sites")
    assert response.status_code == 200
    assert request_line(json_log(), response["X-Request-ID"])["user_id"] == cast.city_admin.pk


@override_settings(REQUEST_ID_FROM_PROXY=True)
def test_the_trusted_proxys_request_id_is_kept(db, client, json_log):
    response = client.get("/healthz", headers={"X-Request-ID": "0f3c9a1e5b7d42c8a6e1f2b3c4d5e6f7"})
    assert response["X-Request-ID"] == "0f3c9a1e5b7d42c8a6e1f2b3c4d5e6f7"
    assert request_line(json_log(), "0f3c9a1e5b7d42c8a6e1f2b3c4d5e6f7")["route"] == "healthz"


@override_settings(REQUEST_ID_FROM_PROXY=True)
def test_a_request_id_that_could_break_a_line_is_replaced(db, client):
    response = client.get("/healthz", headers={"X-Request-ID": 'x" \\n{"level": "ERROR"'})
    assert uuid.UUID(response["X-Request-ID"])


def test_a_request_id_from_an_untrusted_client_is_ignored(db, client):
    response = client.get("/healthz", headers={"X-Request-ID": "0f3c9a1e5b7d42c8a6e1f2b3c4d5e6f7"})
    assert response["X-Request-ID"] != "0f3c9a1e5b7d42c8a6e1f2b3c4d5e6f7"


def test_a_task_enqueued_during_a_request_is_logged_with_both_ids(db, json_log):
    token = logs.start(request_id="req-4711-abcdef")
    try:
        result = housekeeping.enqueue()
    finally:
        logs.end(token)
    [line] = [line for line in json_log() if line["logger"] == "songnuan.tasks"]
    assert line["request_id"] == "req-4711-abcdef"
    assert line["task_id"] == str(result.id)
    assert line["task"] == "songnuan.tasks.housekeeping"


@task()
def tell_the_log() -> None:
    logging.getLogger("songnuan.test").info("inside the task")


@pytest.mark.django_db(transaction=True)  # the worker closes its connection between tasks
def test_the_worker_logs_a_tasks_lines_with_its_id(json_log):
    result = tell_the_log.enqueue()
    call_command("db_worker", "--batch", "--queue-name=*", "--no-startup-delay", verbosity=1)
    [inside] = [line for line in json_log() if line["logger"] == "songnuan.test"]
    assert inside["task_id"] == str(result.id)
    [finished] = [line for line in json_log() if "state=SUCCESSFUL" in line["message"]]
    assert finished["task_id"] == str(result.id)
    [exiting] = [line for line in json_log() if "exiting" in line["message"]]
    assert exiting["task_id"] is None


def test_an_exception_goes_into_the_line_with_its_traceback(json_log):
    try:
        raise ValueError("坏的输入")
    except ValueError:
        logging.getLogger("songnuan.test").exception("读取失败")
    [line] = [line for line in json_log() if line["logger"] == "songnuan.test"]
    assert line["message"] == "读取失败" and line["level"] == "ERROR"
    assert "ValueError: 坏的输入" in line["exception"]
    assert line["request_id"] is None


def log_format_with(**env: str) -> str:
    clean = {name: value for name, value in os.environ.items()
             if name not in ("DEMO", "DEBUG", "LOG_FORMAT")}
    result = subprocess.run(
        [sys.executable, "-c", "from songnuan import settings; print(settings.LOG_FORMAT)"],
        env={**clean, **env}, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_production_logs_json_and_the_demo_plain_text(tmp_path):
    assert log_format_with() == "json"
    assert log_format_with(DEMO="1", SONGNUAN_VAR_DIR=str(tmp_path)) == "text"
    assert log_format_with(DEBUG="1", SONGNUAN_VAR_DIR=str(tmp_path)) == "text"
    assert log_format_with(LOG_FORMAT="text") == "text"
