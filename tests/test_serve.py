"""`songnuan serve` comes back at once after its master process is killed outright."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"),
                                reason="the parent-death signal is Linux's")

WAIT_S = 90  # a bound on waiting for a busy machine, not a measure of speed


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(port: int, tmp_path: Path, threads: int) -> subprocess.Popen:
    env = {key: value for key, value in os.environ.items()
           if key not in ("DJANGO_SETTINGS_MODULE", "DEBUG", "DEMO")}
    env.update(SECRET_KEY="serve-test-key", SONGNUAN_VAR_DIR=str(tmp_path),
               FIELD_ENCRYPTION_KEY="serve-test-field-encryption-key-0123456789",
               DATABASE_URL=f"sqlite:///{tmp_path / 'serve.sqlite3'}")
    env.pop("WEB_ACCESS_LOG", None)
    log = (tmp_path / f"serve-{time.monotonic_ns()}.log").open("w")
    return subprocess.Popen(
        [sys.executable, "-m", "songnuan.cli", "serve", "--no-collectstatic",
         "--port", str(port), "--workers", "1", "--threads", str(threads)],
        env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def children(pid: int) -> set[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except FileNotFoundError:
        return set()
    return {int(child) for child in text.split()}


def is_running(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def healthy(port: int) -> bool:
    """The server answers HTTP (its database is not migrated here, so /readyz may say 503)."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/readyz", timeout=5):
            return True
    except urllib.error.HTTPError:
        return True
    except OSError:
        return False


def wait_until_serving(server: subprocess.Popen, port: int) -> None:
    """Until the server answers with workers of its own, or gives up."""
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline and server.poll() is None:
        if len(children(server.pid)) == 1 and healthy(port):
            return
        time.sleep(0.2)


def wait_until_gone(pids: set[int]) -> None:
    deadline = time.monotonic() + WAIT_S
    while time.monotonic() < deadline and any(is_running(pid) for pid in pids):
        time.sleep(0.2)


def stop(pids: set[int]) -> None:
    for pid in pids:
        if is_running(pid):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.parametrize("threads", [1, 4], ids=["sync workers", "threaded workers"])
def test_the_server_starts_again_on_its_port_right_after_its_master_is_killed(tmp_path, threads):
    port = free_port()
    first = start_server(port, tmp_path, threads)
    second = None
    orphans: set[int] = set()
    try:
        wait_until_serving(first, port)
        assert first.poll() is None and healthy(port)
        orphans = children(first.pid)

        first.send_signal(signal.SIGKILL)
        first.wait()
        second = start_server(port, tmp_path, threads)
        wait_until_serving(second, port)

        assert second.poll() is None, "the new master could not bind the port"
        assert healthy(port)
        assert not children(second.pid) & orphans
        wait_until_gone(orphans)
        assert not any(is_running(pid) for pid in orphans)
    finally:
        stop(orphans)
        if second is not None:
            stop(children(second.pid) | {second.pid})
        stop(children(first.pid) | {first.pid})
