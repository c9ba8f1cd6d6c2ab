"""Fault benchmark: a surge of public reports while the web server, its master, the task worker
and the database connections are killed in turn.

    .venv/bin/python -m benchmarks.faults [--clients 40] [--seconds 75] [--restart-sec 1]

The machinery is the intake surge benchmark's (benchmarks/intake/run.py): a PostgreSQL database
of its own (dropped afterwards), migrated, with the demo hotspots; `songnuan serve` and
`songnuan worker`; asyncio phones posting reports with a client_request_id and retrying on
connection errors, 5xx and 429 with the same id; 30 % of the reports give a phone number, so
text messages are queued. They go to a fake Alibaba Cloud SMS on 127.0.0.1
(tests/notify/fake_sms.py, which checks every request's signature) that counts what it received
per message (OutId = songnuan-sms-<outbox id>).

During the surge, one after another, each once the service is well again after the last:
kill -9 of one gunicorn worker; kill -9 of the gunicorn master, restarted after `--restart-sec`
as systemd's Restart= would (this script plays the supervisor of both services); kill -9 of the
task worker, restarted likewise; pg_terminate_backend on every connection to the benchmark's
database, twice. After each fault /healthz and /readyz are polled until they answer 200.

At the end (the phones stopped, the outbox drained, /healthz ok) it prints and writes
benchmarks/out/faults.json: acknowledged reports against stored ones (equal: none lost, none
twice); text messages queued, handed to the provider, received more than once (must be 0), and
left with an unknown outcome (a kill between the provider's answer and the "sent" mark); per
fault, the requests that failed and were retried during it and the seconds until /healthz and
/readyz answered 200; p50/p99 latency.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.intake.run import (
    ROOT,
    Phone,
    Tally,
    admin_sql,
    bench_env,
    create_database,
    free_port,
    percentile,
    start_server,
    start_worker,
    stop_processes,
    stored_vs_acknowledged,
    wait_for,
    warm_up,
    worker_pids,
)
from tests.notify.fake_sms import KEY_ID, KEY_SECRET, FakeAliyun

FAULTS = ("web_worker", "master", "task_worker", "database", "database")
PROBE_EVERY_S = 0.2
# A fault counts as over once both probes have answered 200 for this long.
WELL_FOR_S = 2.0
RECOVERY_TIMEOUT_S = 120
DRAIN_TIMEOUT_S = 300
OUT = ROOT / "benchmarks" / "out"


@dataclass
class Supervised:
    """A service run as systemd's Restart= would: started again `restart_sec` after it died."""

    name: str
    start: Callable[[], subprocess.Popen]
    restart_sec: float
    process: subprocess.Popen | None = None
    died_at: float | None = None
    restarted_at: list[float] = field(default_factory=list)  # perf_counter

    @property
    def restarts(self) -> int:
        return len(self.restarted_at)

    def launch(self) -> Supervised:
        self.process = self.start()
        return self

    def tend(self) -> None:
        if self.process is None or self.process.poll() is None:
            return
        now = time.monotonic()
        if self.died_at is None:
            self.died_at = now
        elif now - self.died_at >= self.restart_sec:
            self.process, self.died_at = self.start(), None
            self.restarted_at.append(time.perf_counter())

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None


@dataclass
class Fault:
    """One fault: when it struck (seconds into the surge), what the phones saw until the next,
    and how long until each probe answered 200 again."""

    kind: str
    at_s: float
    detail: str = ""
    start: float = 0.0  # perf_counter
    end: float = 0.0
    errors_at_start: int = 0
    retries_at_start: int = 0
    lost_at_start: int = 0
    counts: dict = field(default_factory=dict)
    ok_after_s: dict = field(default_factory=dict)  # probe path -> seconds, None if never
    unwell_answers: dict = field(default_factory=dict)  # probe path -> non-200 answers seen


class PatientPhone(Phone):
    """A phone app that keeps trying through a restart: pauses doubling up to 2 s, for about
    a minute and a half."""

    retry_attempts = 50
    longest_pause_s = 2.0


def retried_statuses(tally: Tally) -> int:
    return sum(n for status, n in tally.statuses.items() if status >= 500 or status == 429)


async def probe(port: int, path: str) -> int | None:
    """GET `path` on a fresh connection; the status, or None when nothing answered."""
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), 2)
    except (OSError, TimeoutError):
        return None
    try:
        writer.write(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
                     "Connection: close\r\n\r\n".encode())
        await writer.drain()
        line = await asyncio.wait_for(reader.readline(), 10)
        return int(line.split()[1]) if line else None
    except (OSError, TimeoutError, ValueError, IndexError):
        return None
    finally:
        writer.close()


async def watch_recovery(fault: Fault, port: int, supervised: list[Supervised]) -> None:
    """Poll /healthz and /readyz from the fault until both have answered 200 for WELL_FOR_S
    (and every supervised service runs); each probe's time is its first 200 after its last
    failure."""
    paths = ("/healthz", "/readyz")
    last_failure = dict.fromkeys(paths, fault.start)
    first_ok: dict[str, float | None] = dict.fromkeys(paths)
    fault.unwell_answers = dict.fromkeys(paths, 0)
    while time.perf_counter() - fault.start < RECOVERY_TIMEOUT_S:
        asked = time.perf_counter()
        answers = await asyncio.gather(*(probe(port, path) for path in paths))
        now = time.perf_counter()
        for path, status in zip(paths, answers, strict=True):
            if status == 200:
                if first_ok[path] is None:
                    first_ok[path] = now
            else:
                fault.unwell_answers[path] += 1
                last_failure[path], first_ok[path] = now, None
        if all(first_ok[path] is not None and now - first_ok[path] >= WELL_FOR_S
               for path in paths) and all(service.running for service in supervised):
            break
        await asyncio.sleep(max(0.0, PROBE_EVERY_S - (time.perf_counter() - asked)))
    fault.ok_after_s = {path: None if first_ok[path] is None
                        else round(first_ok[path] - fault.start, 2) for path in paths}


def strike(kind: str, server: Supervised, worker: Supervised, admin_url: str, name: str,
           orphans: list[int]) -> str:
    """Inflict one fault; say what was done."""
    if kind == "web_worker":
        pids = worker_pids(server.process.pid)
        if not pids:
            return "no web worker to kill"
        os.kill(pids[0], signal.SIGKILL)
        return f"killed web worker {pids[0]}"
    if kind == "master":
        master = server.process.pid
        orphans.extend(worker_pids(master))  # they should exit by themselves: made sure later
        os.kill(master, signal.SIGKILL)
        return f"killed gunicorn master {master}"
    if kind == "task_worker":
        pid = worker.process.pid
        os.kill(pid, signal.SIGKILL)
        return f"killed task worker {pid}"
    rows = admin_sql(admin_url, "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                                "WHERE datname = %s AND pid <> pg_backend_pid()", (name,))
    return f"terminated {rows[0][0]} database connections"


async def surge(args, port: int, server: Supervised, worker: Supervised, name: str,
                orphans: list[int]) -> tuple[Tally, list[Fault], float, float]:
    tally, warm = Tally(), Tally()
    await warm_up(port, args.workers, warm)
    phones = [PatientPhone(i, port, i < args.retriers, 1000 + i, tally) for i in range(args.clients)]
    started = time.time()
    tally.started = time.perf_counter()
    deadline = started + args.seconds
    load = asyncio.gather(*(phone.closed_loop(deadline, args.think_ms / 1000)
                            for phone in phones))
    supervised = [server, worker]
    faults: list[Fault] = []
    watcher: asyncio.Task | None = None
    due = [args.seconds * (i + 1) / (len(FAULTS) + 1) for i in range(len(FAULTS))]
    while not load.done():
        for service in supervised:
            service.tend()
        elapsed = time.time() - started
        idle = watcher is None or watcher.done()
        if idle and len(faults) < len(FAULTS) and elapsed >= due[len(faults)] \
                and elapsed < args.seconds - 3:
            if faults:
                close(faults[-1], tally, supervised)
            fault = Fault(FAULTS[len(faults)], round(elapsed, 1), start=time.perf_counter(),
                          errors_at_start=tally.errors, retries_at_start=retried_statuses(tally),
                          lost_at_start=len(tally.lost))
            fault.detail = strike(fault.kind, server, worker, args.admin_url, name, orphans)
            print(f"{elapsed:5.1f} s: {fault.detail}", flush=True)
            faults.append(fault)
            watcher = asyncio.create_task(watch_recovery(fault, port, supervised))
        await asyncio.wait([load], timeout=0.1)
    await load
    elapsed = time.time() - started
    while watcher is not None and not watcher.done():  # the last fault's recovery
        for service in supervised:
            service.tend()
        await asyncio.sleep(0.1)
    if faults:
        close(faults[-1], tally, supervised)
    for request_id, codes in warm.acks.items():  # stored too: they count in the check
        tally.acks.setdefault(request_id, set()).update(codes)
    return tally, faults, started, elapsed


def close(fault: Fault, tally: Tally, supervised: list[Supervised]) -> None:
    """What the phones saw from this fault until the next one (or the end of the surge)."""
    fault.end = time.perf_counter()
    window = [latency for latency, at in zip(tally.latencies, tally.finished_at, strict=True)
              if fault.start <= at < fault.end]
    fault.counts = {
        "seconds_until_next": round(fault.end - fault.start, 1),
        "requests_answered": len(window),
        "connection_errors_retried": tally.errors - fault.errors_at_start,
        "5xx_429_retried": retried_statuses(tally) - fault.retries_at_start,
        "requests_given_up": len(tally.lost) - fault.lost_at_start,
        "max_latency_ms": round(max(window) * 1000) if window else None,
    }
    for service in supervised:
        restarts = [round(at - fault.start, 2) for at in service.restarted_at
                    if fault.start <= at < fault.end]
        if restarts:
            fault.counts[f"{service.name}_restarted_after_s"] = restarts


async def until_drained(port: int, db_url: str, supervised: list[Supervised]) -> float:
    """Wait for the outbox to empty and /healthz to answer 200; the seconds it took."""
    import psycopg

    began = time.perf_counter()
    while time.perf_counter() - began < DRAIN_TIMEOUT_S:
        for service in supervised:
            service.tend()
        with psycopg.connect(db_url) as conn:
            waiting = conn.execute(
                "SELECT count(*) FROM notify_outbox WHERE status = 'queued' "
                "OR (status = 'failed' AND retry_at IS NOT NULL)").fetchone()[0]
        if not waiting and await probe(port, "/healthz") == 200:
            return round(time.perf_counter() - began, 1)
        await asyncio.sleep(1)
    raise SystemExit(f"the outbox did not drain or /healthz stayed unwell in {DRAIN_TIMEOUT_S} s")


def text_messages(db_url: str, provider: FakeAliyun, started: float) -> dict:
    import psycopg

    with psycopg.connect(db_url) as conn:
        status_of = dict(conn.execute("SELECT id, status FROM notify_outbox").fetchall())
        # When each message of unknown outcome was handed over, to set beside the faults.
        unknown_at = [round(at - started, 1) for (at,) in conn.execute(
            "SELECT extract(epoch FROM handed_over_at)::float FROM notify_outbox "
            "WHERE status IN ('handing', 'unknown') ORDER BY handed_over_at")]
    received = collections.Counter(params["OutId"] for params in provider.received)
    handed = {int(key.rsplit("-", 1)[1]) for key in received}
    by_status = collections.Counter(status_of.values())
    return {
        "queued": len(status_of),
        "by_status": dict(sorted(by_status.items())),
        "handed_to_provider": len(handed),
        "received_more_than_once": sum(1 for n in received.values() if n > 1),
        "refused_by_provider": len(provider.refused),
        # A kill between the provider's answer and the "sent" mark: received, not marked sent.
        "received_not_marked_sent": sum(1 for pk in handed if status_of.get(pk) != "sent"),
        "left_unknown": by_status["unknown"] + by_status["handing"],
        "unknown_handed_over_at_s": unknown_at,
        "marked_sent_not_received": sum(1 for pk, status in status_of.items()
                                        if status == "sent" and pk not in handed),
    }


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.faults",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=40, help="phones sending reports")
    parser.add_argument("--seconds", type=float, default=75, help="length of the surge")
    parser.add_argument("--think-ms", type=float, default=100,
                        help="mean pause between a phone's reports (0: back to back)")
    parser.add_argument("--retriers", type=int, default=5,
                        help="phones that resend every report (lost-response retries)")
    parser.add_argument("--restart-sec", type=float, default=1.0,
                        help="the supervisor's pause before restarting a dead service")
    parser.add_argument("--workers", type=int, default=None,
                        help="web processes (default: as songnuan serve)")
    parser.add_argument("--admin-url", default=os.environ.get(
        "BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    from songnuan.management.commands.serve import default_workers

    args.workers = args.workers or default_workers()
    report = run(args)
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "faults.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if report["all_well"] else 1


def run(args) -> dict:
    name = f"sn_bench_faults_{os.getpid()}"
    db_url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
    port = free_port()
    provider = FakeAliyun().start()
    env = bench_env(db_url, SMS_BACKEND="songnuan.notify.providers.AliyunSms",
                    SMS_KEY_ID=KEY_ID, SMS_KEY_SECRET=KEY_SECRET, SMS_ENDPOINT=provider.url,
                    SMS_SIGN_NAME="青岛市救助管理站", SMS_TEMPLATES="*=SMS_470009")
    OUT.mkdir(parents=True, exist_ok=True)
    log = (OUT / "faults-services.log").open("w")
    server = Supervised("web", lambda: start_server(port, args.workers, 1, env, stderr=log),
                        args.restart_sec)
    worker = Supervised("worker", lambda: start_worker(env, stderr=log), args.restart_sec)
    orphans: list[int] = []
    try:
        create_database(args.admin_url, name, env)
        server.launch()
        worker.launch()
        wait_for(port)
        asyncio.run(until_healthy(port))
        print(f"serving on 127.0.0.1:{port} ({args.workers} sync workers); {args.clients} "
              f"phones for {args.seconds:.0f} s, think time {args.think_ms:g} ms…", flush=True)
        tally, faults, started, elapsed = asyncio.run(surge(args, port, server, worker, name, orphans))
        drain_s = asyncio.run(until_drained(port, db_url, [server, worker]))
        stored, ok = stored_vs_acknowledged(tally.acks, db_url)
        messages = text_messages(db_url, provider, started)
    finally:
        stop_processes(worker.process, server.process)
        kill_leftovers(orphans)
        provider.stop()
        log.close()
        admin_sql(args.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    return summarise(args, tally, faults, elapsed, drain_s, stored, ok, messages,
                     {"web": server.restarts, "worker": worker.restarts})



async def until_healthy(port: int, timeout: float = 120) -> None:
    """Before the surge: the worker has beaten and enqueued the periodic jobs."""
    until = time.monotonic() + timeout
    while await probe(port, "/healthz") != 200:
        if time.monotonic() > until:
            raise SystemExit("/healthz did not answer 200 before the surge")
        await asyncio.sleep(0.5)


def kill_leftovers(pids: list[int]) -> None:
    """The killed master's workers exit by themselves (parent-death signal); any that did not
    are killed here, checked by name first in case the pid was reused."""
    for pid in pids:
        try:
            if b"gunicorn" in Path(f"/proc/{pid}/cmdline").read_bytes():
                os.kill(pid, signal.SIGKILL)
                print(f"web worker {pid} of the killed master was still running", flush=True)
        except OSError:
            pass


def summarise(args, tally: Tally, faults: list[Fault], elapsed: float, drain_s: float,
              stored: dict, ok: bool, messages: dict, restarts: dict) -> dict:
    latencies = tally.latencies
    all_well = (ok and not tally.lost and messages["received_more_than_once"] == 0
                and messages["marked_sent_not_received"] == 0
                and all(None not in fault.ok_after_s.values() for fault in faults))
    return {
        "clients": args.clients, "seconds": round(elapsed, 1), "think_ms": args.think_ms,
        "retrying_clients": args.retriers, "web_workers": args.workers,
        "restart_sec": args.restart_sec, "restarts": restarts,
        "reports": {
            "acknowledged": len(tally.acks), "stored": len(stored),
            "stored_but_never_acknowledged": len(set(stored) - set(tally.acks)),
            "requests_given_up": len(tally.lost),
            "stored_equals_acknowledged": ok,
        },
        "text_messages": messages,
        "faults": [{"fault": fault.kind, "at_s": fault.at_s, "what": fault.detail,
                    "healthz_ok_after_s": fault.ok_after_s.get("/healthz"),
                    "readyz_ok_after_s": fault.ok_after_s.get("/readyz"),
                    "probe_answers_not_200": fault.unwell_answers, **fault.counts}
                   for fault in faults],
        "requests": len(latencies),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_ms": {"p50": round(percentile(latencies, 0.50) * 1000, 1),
                       "p99": round(percentile(latencies, 0.99) * 1000, 1),
                       "max": round(max(latencies) * 1000, 1)},
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "connection_errors_retried": tally.errors,
        "seconds_to_drain_outbox_and_healthz_ok": drain_s,
        "all_well": all_well,
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "cpus": os.cpu_count(), "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    sys.exit(main())
