"""Intake surge benchmark: public reports against `songnuan serve` on PostgreSQL, over loopback.

    .venv/bin/python benchmarks/intake/run.py [--clients 50] [--seconds 60] [--kill-worker-at 30]

Creates a PostgreSQL database of its own (dropped afterwards), migrates it, loads the demo
hotspots, starts `songnuan serve`, and runs N concurrent clients for a fixed time. Each client
posts reports with fresh request ids; some clients resend every report (lost-response retries, one
of them concurrently on a second connection), every client retries on a connection error, and
one web worker is killed mid-run. At the end the database must hold exactly one lead per distinct
acknowledged request id, with the tracking code each acknowledgement named. Prints p50/p90/p99
latency and throughput and writes them to benchmarks/out/intake-think<N>ms.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
URBAN_DISTRICTS = ("370202", "370203", "370211", "370212", "370213", "370214")
FLAGS = ["lying_down", "underdressed", "elderly", "child", "injured_ill", "confused",
         "intoxicated"]
MAX_RETRIES = 8


sys.path.insert(0, str(ROOT))
from songnuan.geo.coords import from_wgs84  # noqa: E402
from songnuan.geo.districts import random_point_in  # noqa: E402

# Where the surge's reporters stand: points inside the urban districts (a few hundred metres apart
# on average, so some reports land near an open lead and are linked as duplicates).
_point_rng = random.Random(2026)
POINTS = [random_point_in(_point_rng.choice(URBAN_DISTRICTS), _point_rng) for _ in range(3000)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


class Client(threading.Thread):
    def __init__(self, index: int, port: int, deadline: float, retrier: bool, seed: int,
                 results: dict, think_s: float = 0.0) -> None:
        super().__init__(daemon=True)
        self.think_s = think_s
        self.index, self.port, self.deadline, self.retrier = index, port, deadline, retrier
        self.rng = random.Random(seed)
        self.results = results
        self.conn: http.client.HTTPConnection | None = None
        self.latencies: list[float] = []
        self.acks: dict[str, set[str]] = {}
        self.statuses: dict[int, int] = {}
        self.errors = 0
        self.lost: list[str] = []

    def payload(self, request_id: str) -> bytes:
        lat, lon = self.rng.choice(POINTS)
        coord = self.rng.choice(["wgs84", "wgs84", "gcj02", "bd09"])
        lat, lon = from_wgs84(lat, lon, coord)
        data = {"client_request_id": request_id, "lat": round(lat, 6), "lon": round(lon, 6),
                "coord": coord,
                "description": "桥洞下有人，穿得很少", "people_count": self.rng.choice([1, 1, 2]),
                "flags": self.rng.sample(FLAGS, self.rng.randint(0, 3))}
        if self.rng.random() < 0.3:
            data["reporter_phone"] = f"13{self.rng.randint(100000000, 999999999)}"
        return json.dumps(data).encode()

    def send(self, body: bytes, ip: str) -> tuple[int, dict] | None:
        for _attempt in range(MAX_RETRIES):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                started = time.perf_counter()
                self.conn.request("POST", "/api/v1/leads", body, {
                    "Content-Type": "application/json", "X-Forwarded-For": ip})
                response = self.conn.getresponse()
                raw = response.read()
                self.latencies.append(time.perf_counter() - started)
                self.statuses[response.status] = self.statuses.get(response.status, 0) + 1
                if response.status in (200, 201):
                    return response.status, json.loads(raw)
                if response.status >= 500 or response.status == 429:
                    time.sleep(0.05)
                    continue  # same request id: a retry can never make a second lead
                return response.status, {}
            except (OSError, http.client.HTTPException):
                self.errors += 1
                if self.conn is not None:
                    self.conn.close()
                self.conn = None
                time.sleep(0.05)
        return None

    def acknowledge(self, request_id: str, result) -> None:
        if result and result[0] in (200, 201):
            self.acks.setdefault(request_id, set()).add(result[1]["tracking_code"])

    def run(self) -> None:
        while time.time() < self.deadline:
            if self.think_s:  # a person, not a script: some seconds between reports
                time.sleep(self.rng.expovariate(1 / self.think_s))
            request_id = uuid.UUID(int=self.rng.getrandbits(128)).hex
            ip = f"10.{self.index}.{self.rng.randint(0, 255)}.{self.rng.randint(1, 254)}"
            body = self.payload(request_id)
            result = self.send(body, ip)
            if result is None:
                self.lost.append(request_id)
                continue
            self.acknowledge(request_id, result)
            if self.retrier:
                # The response "got lost": send the same request again, once on this
                # connection and once at the same time on another.
                twin = Twin(self.port, body, ip)
                twin.start()
                self.acknowledge(request_id, self.send(body, ip))
                twin.join()
                self.acknowledge(request_id, twin.result)
                if twin.latency is not None:
                    self.latencies.append(twin.latency)
        self.results[self.index] = self


class Twin(threading.Thread):
    def __init__(self, port: int, body: bytes, ip: str) -> None:
        super().__init__(daemon=True)
        self.port, self.body, self.ip = port, body, ip
        self.result = None
        self.latency: float | None = None

    def run(self) -> None:
        for _attempt in range(MAX_RETRIES):
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            try:
                started = time.perf_counter()
                conn.request("POST", "/api/v1/leads", self.body, {
                    "Content-Type": "application/json", "X-Forwarded-For": self.ip})
                response = conn.getresponse()
                raw = response.read()
                self.latency = time.perf_counter() - started
                if response.status in (200, 201):
                    self.result = (response.status, json.loads(raw))
                    return
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)
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


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--retriers", type=int, default=10,
                        help="clients that resend every report (lost-response retries)")
    parser.add_argument("--kill-worker-at", type=float, default=30,
                        help="seconds into the run to SIGKILL one web worker (0: never)")
    parser.add_argument("--think-ms", type=float, default=0,
                        help="mean pause between a client's reports (0: send back to back)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--admin-url", default=os.environ.get(
        "BENCH_PG_ADMIN_URL", "postgres://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()

    name = f"sn_bench_intake_{os.getpid()}"
    db_url = args.admin_url.rsplit("/", 1)[0] + f"/{name}"
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "SECRET_KEY": "bench-only-secret",
           "LEADS_TRUST_X_FORWARDED_FOR": "1", "LOG_LEVEL": "WARNING", "DEBUG": "",
           "DB_CONN_MAX_AGE": "600", "SONGNUAN_VAR_DIR": str(ROOT / "benchmarks" / "out" / "var")}
    admin_sql(args.admin_url, f'CREATE DATABASE "{name}"')
    server = None
    try:
        print(f"database {name}: migrating and loading the demo hotspots…", flush=True)
        subprocess.run([BIN / "songnuan", "migrate", "-v", "0"], env=env, check=True)
        subprocess.run([BIN / "songnuan", "shell", "-c",
                        "import random, types; from songnuan.outreach import demo; "
                        "demo.populate(types.SimpleNamespace(rng=random.Random(1), shared={}))"],
                       env=env, check=True, stdout=subprocess.DEVNULL)
        server = subprocess.Popen(
            [BIN / "songnuan", "serve", "--host", "127.0.0.1", "--port", str(port),
             "--workers", str(args.workers), "--threads", str(args.threads)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        wait_for(port)
        print(f"serving on 127.0.0.1:{port} ({args.workers} workers × {args.threads} threads); "
              f"{args.clients} clients for {args.seconds:.0f} s…", flush=True)
        results: dict[int, Client] = {}
        started = time.time()
        deadline = started + args.seconds
        clients = [Client(i, port, deadline, i < args.retriers, 1000 + i, results,
                          args.think_ms / 1000) for i in range(args.clients)]
        for client in clients:
            client.start()
        killed = None
        if args.kill_worker_at:
            time.sleep(args.kill_worker_at)
            pids = worker_pids(server.pid)
            if pids:
                killed = pids[0]
                os.kill(killed, signal.SIGKILL)
                print(f"killed web worker {killed} at {args.kill_worker_at:.0f} s", flush=True)
        for client in clients:
            client.join()
        elapsed = time.time() - started
        report = summarise(results, elapsed, db_url, killed, args)
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
        admin_sql(args.admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    out = ROOT / "benchmarks" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / f"intake-think{args.think_ms:.0f}ms.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(json.dumps(report, indent=2, ensure_ascii=False))
    return 0 if report["nothing_lost_nothing_duplicated"] else 1


def wait_for(port: int, timeout: float = 60) -> None:
    until = time.time() + timeout
    while time.time() < until:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not start")


def summarise(results: dict, elapsed: float, db_url: str, killed, args) -> dict:
    import psycopg

    latencies, acks, statuses, errors, lost = [], {}, {}, 0, []
    for client in results.values():
        latencies += client.latencies
        for request_id, codes in client.acks.items():
            acks.setdefault(request_id, set()).update(codes)
        for status, count in client.statuses.items():
            statuses[status] = statuses.get(status, 0) + count
        errors += client.errors
        lost += client.lost
    with psycopg.connect(db_url) as conn:
        stored = dict(conn.execute(
            "SELECT client_request_id, tracking_code FROM leads_lead").fetchall())
    one_code_each = all(len(codes) == 1 for codes in acks.values())
    every_ack_stored = all(stored.get(rid) in codes for rid, codes in acks.items())
    unacknowledged_stored = len(set(stored) - set(acks))
    ok = (one_code_each and every_ack_stored and len(stored) == len(acks))
    return {
        "clients": args.clients, "think_ms": args.think_ms, "seconds": round(elapsed, 1), "retrying_clients": args.retriers,
        "web_workers": args.workers, "threads_per_worker": args.threads,
        "worker_killed": killed, "requests": len(latencies),
        "throughput_rps": round(len(latencies) / elapsed, 1),
        "latency_ms": {"p50": round(percentile(latencies, 0.50) * 1000, 1),
                       "p90": round(percentile(latencies, 0.90) * 1000, 1),
                       "p99": round(percentile(latencies, 0.99) * 1000, 1),
                       "mean": round(statistics.fmean(latencies) * 1000, 1),
                       "max": round(max(latencies) * 1000, 1)},
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "connection_errors_retried": errors, "requests_given_up": len(lost),
        "distinct_acknowledged_requests": len(acks), "stored_leads": len(stored),
        "stored_but_never_acknowledged": unacknowledged_stored,
        "nothing_lost_nothing_duplicated": ok,
        "cpus": os.cpu_count(), "python": sys.version.split()[0],
    }


if __name__ == "__main__":
    sys.exit(main())
