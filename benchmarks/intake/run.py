"""Intake surge benchmark: public reports against `songnuan serve` on PostgreSQL, over loopback.

    .venv/bin/python -m benchmarks.intake [--clients 50] [--seconds 60] [--kill-worker-at 30]
    .venv/bin/python -m benchmarks.intake --rate 20     # open loop: 20 reports/s in all

Creates a PostgreSQL database of its own (dropped afterwards), migrates it, loads the demo
hotspots, starts `songnuan serve` and the background worker, and runs N phones for a fixed time.
Each phone posts reports with fresh request ids; some resend every report (lost-response retries,
one of them concurrently on a second connection), every phone retries on a connection error, and
one web worker is killed mid-run. At the end the database must hold exactly one lead per distinct
acknowledged request id, with the tracking code each acknowledgement named.

Load models: closed loop (default) — each phone sends its next report when the last one is
answered, after `--think-ms` on average (0: back to back, the saturating worst case); open loop
(`--rate R`) — reports arrive at R per second in all, each phone on its own random schedule
whether or not the server has answered, and latency counts from the scheduled moment, so a slow
server cannot slow the arrivals and hide its queue. The phones are coroutines on one asyncio
loop in one process (plain HTTP/1.1 keep-alive, no threads), so the generator's own CPU stays
small on the two cores it shares; the CPU used by the generator, the web server and worker, and
PostgreSQL is measured from /proc and reported.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import resource
import signal
import socket
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# The environment running this: `.venv/bin/python -m benchmarks.intake` runs `.venv/bin/songnuan`.
BIN = Path(sys.executable).parent
URBAN_DISTRICTS = ("370202", "370203", "370211", "370212", "370213", "370214")
FLAGS = ["lying_down", "underdressed", "elderly", "child", "injured_ill", "confused",
         "intoxicated"]
MAX_RETRIES = 8
RETRY_PAUSE_S = 0.05
TIMEOUT_S = 30
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


sys.path.insert(0, str(ROOT))
from songnuan.geo.coords import from_wgs84  # noqa: E402
from songnuan.geo.districts import random_point_in  # noqa: E402
from songnuan.management.commands.serve import default_workers  # noqa: E402

# Where the surge's reporters stand: points inside the urban districts (a few hundred metres apart
# on average, so some reports land near an open lead and are linked as duplicates).
_point_rng = random.Random(2026)
POINTS = [random_point_in(_point_rng.choice(URBAN_DISTRICTS), _point_rng) for _ in range(3000)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_sql(url: str, sql: str, params: tuple = ()):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        cursor = conn.execute(sql, params or None)
        return cursor.fetchall() if cursor.description else None


class Connection:
    """One keep-alive HTTP/1.1 connection to the server."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes, ip: str) -> tuple[int, bytes]:
        if self.writer is not None and self.reader.at_eof():
            self.close()  # the server closed it while idle (keep-alive timeout): reconnect
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        head = (f"POST /api/v1/leads HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                f"X-Forwarded-For: {ip}\r\n\r\n").encode()
        self.writer.write(head + body)
        await self.writer.drain()
        status_line = await self.reader.readline()
        if not status_line:
            raise ConnectionResetError("the server closed the connection")
        status = int(status_line.split()[1])
        length, closing = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "connection" and value.strip().lower() == "close":
                closing = True
        payload = await self.reader.readexactly(length)
        if closing:
            self.close()
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


@dataclass
class Tally:
    """What every phone saw, merged: latencies, acknowledgements and failures."""

    latencies: list[float] = field(default_factory=list)
    finished_at: list[float] = field(default_factory=list)  # perf_counter, one per latency
    acks: dict[str, set[str]] = field(default_factory=dict)
    statuses: dict[int, int] = field(default_factory=dict)
    errors: int = 0
    lost: list[str] = field(default_factory=list)
    started: float = 0.0

    def acknowledge(self, request_id: str, result) -> None:
        if result and result[0] in (200, 201):
            self.acks.setdefault(request_id, set()).add(json.loads(result[1])["tracking_code"])


async def send(conn: Connection, body: bytes, ip: str, tally: Tally,
               since: float | None = None, attempts: int = MAX_RETRIES,
               longest_pause_s: float = RETRY_PAUSE_S) -> tuple[int, bytes] | None:
    """POST with retries on connection errors, 5xx and 429 (same request id every time), after
    pauses doubling from RETRY_PAUSE_S up to `longest_pause_s`.

    The latency recorded is the whole wait including retries, from `since` (the scheduled
    moment in the open loop) or from the first attempt."""
    started = time.perf_counter() if since is None else since
    for attempt in range(attempts):
        pause = min(longest_pause_s, RETRY_PAUSE_S * 2 ** attempt)
        try:
            status, payload = await asyncio.wait_for(conn.post(body, ip), TIMEOUT_S)
        except (TimeoutError, OSError, asyncio.IncompleteReadError, ValueError, IndexError):
            tally.errors += 1
            conn.close()
            await asyncio.sleep(pause)
            continue
        tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if status >= 500 or status == 429:
            await asyncio.sleep(pause)
            continue  # same request id: a retry can never make a second lead
        tally.latencies.append(time.perf_counter() - started)
        tally.finished_at.append(time.perf_counter())
        return status, payload
    return None


class Phone:
    """One reporter's phone: its own address, connection and random reports."""

    retry_attempts = MAX_RETRIES
    longest_pause_s = RETRY_PAUSE_S  # the same short pause every time

    def __init__(self, index: int, port: int, retrier: bool, seed: int, tally: Tally) -> None:
        self.index, self.port, self.retrier, self.tally = index, port, retrier, tally
        self.rng = random.Random(seed)
        self.conn = Connection(port)
        self.busy = False

    def report(self) -> tuple[str, bytes, str]:
        request_id = uuid.UUID(int=self.rng.getrandbits(128)).hex
        ip = f"10.{self.index}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"
        lat, lon = self.rng.choice(POINTS)
        coord = self.rng.choice(["wgs84", "wgs84", "gcj02", "bd09"])
        lat, lon = from_wgs84(lat, lon, coord)
        data = {"client_request_id": request_id, "lat": round(lat, 6), "lon": round(lon, 6),
                "coord": coord,
                "description": "桥洞下有人，穿得很少", "people_count": self.rng.choice([1, 1, 2]),
                "flags": self.rng.sample(FLAGS, self.rng.randint(0, 3))}
        if self.rng.random() < 0.3:
            data["reporter_phone"] = f"13{self.rng.randint(100000000, 999999999)}"
        return request_id, json.dumps(data).encode(), ip

    async def one_report(self, conn: Connection, since: float | None = None) -> None:
        request_id, body, ip = self.report()
        result = await send(conn, body, ip, self.tally, since, self.retry_attempts,
                            self.longest_pause_s)
        if result is None:
            self.tally.lost.append(request_id)
            return
        self.tally.acknowledge(request_id, result)
        if self.retrier:
            # The response "got lost": send the same request again, once on this connection
            # and at the same time once on another.
            twin = Connection(self.port)
            retry = (None, self.retry_attempts, self.longest_pause_s)
            again, twin_result = await asyncio.gather(
                send(conn, body, ip, self.tally, *retry), send(twin, body, ip, self.tally, *retry))
            twin.close()
            self.tally.acknowledge(request_id, again)
            self.tally.acknowledge(request_id, twin_result)

    async def closed_loop(self, deadline: float, think_s: float) -> None:
        while time.time() < deadline:
            if think_s:  # a person, not a script: some seconds between reports
                await asyncio.sleep(self.rng.expovariate(1 / think_s))
            await self.one_report(self.conn)

    async def open_loop(self, deadline: float, rate_per_phone: float) -> None:
        """Reports at random moments (a Poisson process), answered or not."""
        pending = set()
        due = time.perf_counter()
        while True:
            due += self.rng.expovariate(rate_per_phone)
            if time.time() + (due - time.perf_counter()) >= deadline:
                break
            await asyncio.sleep(max(0.0, due - time.perf_counter()))
            # The phone's connection if it is free, else a new one (a second app, a retry).
            if self.busy:
                job = asyncio.create_task(self._on_new_connection(due))
            else:
                job = asyncio.create_task(self._on_own_connection(due))
            pending.add(job)
            job.add_done_callback(pending.discard)
        if pending:
            await asyncio.gather(*pending)
        self.conn.close()

    async def _on_own_connection(self, due: float) -> None:
        self.busy = True
        try:
            await self.one_report(self.conn, due)
        finally:
            self.busy = False

    async def _on_new_connection(self, due: float) -> None:
        conn = Connection(self.port)
        try:
            await self.one_report(conn, due)
        finally:
            conn.close()


def worker_pids(master: int) -> list[int]:
    children = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                children.append(int(entry.name))
    return children


def cpu_seconds(pid: int) -> float | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def machine_busy_seconds() -> float:
    """CPU seconds all processes on the machine have used (every core)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = values[3] + values[4]
    return (sum(values[:8]) - idle) / CLOCK_TICKS


class CpuMeter:
    """CPU seconds of process groups over the run, sampled every second so processes that die
    (the killed worker) keep what they used."""

    def __init__(self, groups) -> None:
        self.groups = groups  # name -> callable returning the pids now
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.group_of: dict[int, str] = {}

    def sample(self) -> None:
        for name, pids in self.groups.items():
            for pid in pids():
                used = cpu_seconds(pid)
                if used is None:
                    continue
                self.first.setdefault(pid, used)
                self.last[pid] = used
                self.group_of[pid] = name

    def used(self) -> dict[str, float]:
        totals = dict.fromkeys(self.groups, 0.0)
        for pid, last in self.last.items():
            totals[self.group_of[pid]] += last - self.first[pid]
        return totals


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def warm_up(port: int, reports: int, tally: Tally) -> None:
    """A few rounds of reports before the clock starts, so every worker thread has its
    database connection: a surge meets a server that has been up, not one just started."""
    phones = [Phone(200 + i, port, False, 500 + i, tally) for i in range(reports)]
    for _round in range(3):
        await asyncio.gather(*(phone.one_report(phone.conn) for phone in phones))
    for phone in phones:
        phone.conn.close()


async def drive(args, port: int, server: subprocess.Popen, meter: CpuMeter) -> tuple:
    tally = Tally()
    warm = Tally()
    await warm_up(port, args.workers * args.threads, warm)
    phones = [Phone(i, port, i < args.retriers, 1000 + i, tally) for i in range(args.clients)]
    started = time.time()
    tally.started = time.perf_counter()
    deadline = started + args.seconds
    if args.rate:
        runs = [phone.open_loop(deadline, args.rate / args.clients) for phone in phones]
    else:
        runs = [phone.closed_loop(deadline, args.think_ms / 1000) for phone in phones]
    load = asyncio.gather(*runs)
    killed = None
    busy_before = machine_busy_seconds()
    while not load.done():
        meter.sample()
        elapsed = time.time() - started
        if args.kill_worker_at and killed is None and elapsed >= args.kill_worker_at:
            pids = worker_pids(server.pid)
            if pids:
                killed = pids[0]
                os.kill(killed, signal.SIGKILL)
                print(f"killed web worker {killed} at {elapsed:.0f} s", flush=True)
        await asyncio.wait([load], timeout=1.0)
    meter.sample()
    await load
    elapsed = time.time() - started
    for request_id, codes in warm.acks.items():  # stored too: they count in the check
        tally.acks.setdefault(request_id, set()).update(codes)
    return tally, elapsed, killed, machine_busy_seconds() - busy_before


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.intake", description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50, help="phones sending reports")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--retriers", type=int, default=10,
                        help="phones that resend every report (lost-response retries)")
    parser.add_argument("--kill-worker-at", type=float, default=30,
                        help="seconds into the run to SIGKILL one web worker (0: never)")
    parser.add_argument("--think-ms", type=float, default=0,
                        help="closed loop: mean pause between a phone's reports (0: back to back)")
    parser.add_argument("--rate", type=float, default=0,
                        help="open loop: reports per second from all phones together")
    parser.add_argument("--workers", type=int, default=default_workers(),
                        help="web processes (default: as songnuan serve)")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per process (default 1: sync workers, as songnuan serve)")
    parser.add_argument("--no-task-worker", action="store_true",
                        help="do not run the background worker that delivers text messages")
    parser.add_argument("--admin-url", default=os.environ.get(
        "BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()

    name = f"sn_bench_intake_{os.getpid()}"
    db_url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
    port = free_port()
    env = bench_env(db_url)
    server = worker = None
    try:
        create_database(args.admin_url, name, env)
        server = start_server(port, args.workers, args.threads, env)
        if not args.no_task_worker:
            worker = start_worker(env)
        wait_for(port)
        model = (f"open loop, {args.rate:g} reports/s in all" if args.rate else
                 f"closed loop, think time {args.think_ms:g} ms")
        print(f"serving on 127.0.0.1:{port} ({args.workers} workers × {args.threads} threads); "
              f"{args.clients} phones for {args.seconds:.0f} s, {model}…", flush=True)

        def postgres_pids() -> list[int]:
            rows = admin_sql(args.admin_url,
                             "SELECT pid FROM pg_stat_activity WHERE datname = %s", (name,))
            return [row[0] for row in rows]

        meter = CpuMeter({
            "web": lambda: [server.pid, *worker_pids(server.pid)],
            "task_worker": lambda: [worker.pid] if worker else [],
            "postgres": postgres_pids,
        })
        own_before = resource.getrusage(resource.RUSAGE_SELF)
        tally, elapsed, killed, machine_busy = asyncio.run(drive(args, port, server, meter))
        own_after = resource.getrusage(resource.RUSAGE_SELF)
        generator = (own_after.ru_utime + own_after.ru_stime
                     - own_before.ru_utime - own_before.ru_stime)
        report = summarise(tally, elapsed, db_url, killed, args, model,
                           {**meter.used(), "load_generator": generator}, machine_busy)
    finally:
        stop_processes(worker, server)
        admin_sql(args.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    label = f"rate{args.rate:g}" if args.rate else f"think{args.think_ms:.0f}ms"
    (out / f"intake-{label}.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if report["nothing_lost_nothing_duplicated"] else 1


def bench_env(db_url: str, **extra: str) -> dict[str, str]:
    """The environment of the server and worker under test."""
    return {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "bench-only-secret",
            "FIELD_ENCRYPTION_KEY": "bench-only-field-encryption-key-0123456789",
            "TRUSTED_PROXIES": "127.0.0.0/8,::1", "LOG_LEVEL": "WARNING", "DEBUG": "",
            "DB_CONN_MAX_AGE": "600",
            "SONGNUAN_VAR_DIR": str(ROOT / "benchmarks" / "out" / "var"), **extra}


def create_database(admin_url: str, name: str, env: dict[str, str]) -> None:
    """Create the benchmark's own database, migrate it and load the demo hotspots."""
    admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    print(f"database {name}: migrating and loading the demo hotspots…", flush=True)
    subprocess.run([BIN / "songnuan", "migrate", "-v", "0"], env=env, check=True)
    subprocess.run([BIN / "songnuan", "shell", "-c",
                    "import random, types; from songnuan.demo import outreach as demo; "
                    "demo.populate(types.SimpleNamespace(rng=random.Random(1), shared={}))"],
                   env=env, check=True, stdout=subprocess.DEVNULL)


def start_server(port: int, workers: int, threads: int, env: dict[str, str],
                 stderr=subprocess.PIPE) -> subprocess.Popen:
    """`songnuan serve` on 127.0.0.1:port; its pid is gunicorn's master (serve execs it)."""
    return subprocess.Popen(
        [BIN / "songnuan", "serve", "--host", "127.0.0.1", "--port", str(port),
         "--workers", str(workers), "--threads", str(threads)],
        env=env, stdout=subprocess.DEVNULL, stderr=stderr, text=True)


def start_worker(env: dict[str, str], stderr=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen([BIN / "songnuan", "worker", "-v", "0"], env=env,
                            stdout=subprocess.DEVNULL, stderr=stderr)


def stop_processes(*processes: subprocess.Popen | None) -> None:
    """SIGTERM each (graceful), SIGKILL what has not stopped after 30 s."""
    for process in processes:
        if process is not None and process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_for(port: int, timeout: float = 60) -> None:
    until = time.time() + timeout
    while time.time() < until:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def stored_vs_acknowledged(acks: dict[str, set[str]], db_url: str) -> tuple[dict[str, str], bool]:
    """The leads stored (request id → tracking code), and whether they are exactly the
    acknowledged requests, each with the one tracking code its acknowledgements named."""
    import psycopg

    with psycopg.connect(db_url) as conn:
        stored = dict(conn.execute(
            "SELECT client_request_id, tracking_code FROM leads_lead").fetchall())
    one_code_each = all(len(codes) == 1 for codes in acks.values())
    every_ack_stored = all(stored.get(rid) in codes for rid, codes in acks.items())
    return stored, one_code_each and every_ack_stored and len(stored) == len(acks)


def summarise(tally: Tally, elapsed: float, db_url: str, killed, args, model: str,
              cpu: dict[str, float], machine_busy: float) -> dict:
    acks = tally.acks
    stored, ok = stored_vs_acknowledged(acks, db_url)
    latencies = tally.latencies
    cores = os.cpu_count() or 1
    ours = sum(cpu.values())
    return {
        "model": model, "clients": args.clients, "think_ms": args.think_ms,
        "rate_per_s": args.rate, "seconds": round(elapsed, 1),
        "retrying_clients": args.retriers,
        "web_workers": args.workers, "threads_per_worker": args.threads,
        "task_worker": not args.no_task_worker,
        "worker_killed": killed, "requests": len(latencies),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_ms": {"p50": round(percentile(latencies, 0.50) * 1000, 1),
                       "p95": round(percentile(latencies, 0.95) * 1000, 1),
                       "p99": round(percentile(latencies, 0.99) * 1000, 1),
                       "mean": round(statistics.fmean(latencies) * 1000, 1),
                       "max": round(max(latencies) * 1000, 1)},
        # When the slowest answers came (seconds into the run), to see them beside the kill.
        "slowest_ms_at_s": [[round(latency * 1000), round(at - tally.started, 1)] for latency, at
                            in sorted(zip(latencies, tally.finished_at, strict=True))[-8:]],
        "statuses": {str(k): v for k, v in sorted(tally.statuses.items())},
        "connection_errors_retried": tally.errors, "requests_given_up": len(tally.lost),
        "distinct_acknowledged_requests": len(acks), "stored_leads": len(stored),
        "stored_but_never_acknowledged": len(set(stored) - set(acks)),
        "nothing_lost_nothing_duplicated": ok,
        # Cores busy on average over the run, of the machine's `cpus`.
        "cpu_cores_used": {name: round(used / elapsed, 2) for name, used in cpu.items()},
        "cpu_cores_used_by_other_work": round(max(0.0, machine_busy - ours) / elapsed, 2),
        "server_cpu_share": round((cpu["web"] + cpu["task_worker"] + cpu["postgres"])
                                  / (elapsed * cores), 2),
        "load_average_after": [round(v, 2) for v in os.getloadavg()],
        "cpus": cores, "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    sys.exit(main())
