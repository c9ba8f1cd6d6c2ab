"""Camera burst: 200 cameras × 10 signed detections at once against `songnuan serve`.

    .venv/bin/python -m benchmarks.camera_burst [--cameras 200] [--per-camera 10]
        [--database-url postgres://postgres@127.0.0.1:5432/sn_cameras_burst | sqlite]
        [--workers N] [--resend-share 0.05]

Creates its own database (PostgreSQL, dropped afterwards; or SQLite in a temporary folder),
migrates it, registers the cameras at random points of the urban districts under four owners,
starts the real web server (gunicorn, sync workers) and lets every camera's platform send its
detections one after another, all cameras at the same time: each a 1280×720 JPEG night scene
with one person, signed with its owner's secret. Some events are sent again, signed afresh (a
platform that lost the answer), and must get the first answer back. A connection error or a 5xx
is retried with the same event id, re-signed. At the end the database must hold exactly one
detection per acknowledged event, with the id its acknowledgement named: stored = acknowledged.
Latency counts from the first attempt to the final answer.
"""

from __future__ import annotations

import argparse
import http.client
import io
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

from benchmarks.intake.run import wait_for

ROOT = Path(__file__).resolve().parents[2]


URBAN_DISTRICTS = ("370202", "370203", "370211", "370212", "370213", "370214")
PORTRAIT = ROOT / "tests" / "tracing" / "data" / "grace_hopper.jpg"
OWNERS = [("青岛市公安局", "public_security"), ("青岛市城市管理局", "urban_management"),
          ("青岛地铁集团", "transport"), ("万象城物业", "business")]
SCENES = 12
MAX_ATTEMPTS = 6
TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def admin_sql(url: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(sql)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def stop(process: subprocess.Popen | None) -> None:
    if process is not None and process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def scenes(rng: random.Random) -> list[bytes]:
    """Night scenes as a camera sends them: a dim textured 1280×720 picture with one person."""
    import numpy as np
    from PIL import Image

    with Image.open(PORTRAIT) as portrait:
        figure = portrait.convert("RGB").resize((128, 150))
    pictures = []
    for _ in range(SCENES):
        noise = np.random.default_rng(rng.getrandbits(32)).normal(45, 12, (720, 1280, 3))
        picture = Image.fromarray(noise.clip(0, 255).astype("uint8"))
        picture.paste(figure, (rng.randint(0, 1100), rng.randint(300, 560)))
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=80)
        pictures.append(out.getvalue())
    return pictures


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latencies: list[float] = []
        self.statuses: dict[int, int] = {}
        self.acks: dict[tuple[str, str], set[int]] = {}
        self.resends_same = self.resends_differ = self.errors = 0
        self.lost: list[str] = []


def post(conn_box: list, port: int, body: bytes, headers: dict) -> tuple[int, bytes]:
    if conn_box[0] is None:
        conn_box[0] = http.client.HTTPConnection("127.0.0.1", port, timeout=TIMEOUT_S)
    conn = conn_box[0]
    conn.request("POST", "/api/v1/camera-detections", body, headers)
    response = conn.getresponse()
    return response.status, response.read()


def send_signed(conn_box, port, owner, data: dict, tally: Tally) -> dict | None:
    from songnuan.cameras.signing import signed_headers

    body = json.dumps(data).encode()
    started = time.perf_counter()
    for attempt in range(MAX_ATTEMPTS):
        headers = {"Content-Type": "application/json",
                   **signed_headers(owner["key"], owner["secret"], body)}
        try:
            status, answer = post(conn_box, port, body, headers)
        except (OSError, http.client.HTTPException):
            with tally.lock:
                tally.errors += 1
            if conn_box[0] is not None:
                conn_box[0].close()
            conn_box[0] = None
            time.sleep(0.1 * 2 ** attempt)
            continue
        with tally.lock:
            tally.statuses[status] = tally.statuses.get(status, 0) + 1
        if status >= 500:
            time.sleep(0.1 * 2 ** attempt)
            continue
        with tally.lock:
            tally.latencies.append(time.perf_counter() - started)
        if status in (200, 201):
            return json.loads(answer)
        print(f"refused {status}: {answer[:200]!r}", file=sys.stderr)
        return None
    return None


def camera_platform(port, camera, owner, pictures, rng, per_camera, resend_share, tally,
                    start_gate: threading.Event) -> None:
    """One camera's platform: its detections in order, a few sent again."""
    import base64

    conn_box: list = [None]
    start_gate.wait()
    for _ in range(per_camera):
        picture = rng.choice(pictures)
        data = {"event_id": uuid.UUID(int=rng.getrandbits(128)).hex, "camera": camera,
                "captured_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                "label": rng.choice(["lying", "sitting_still", "person"]),
                "confidence": round(rng.uniform(0.5, 0.99), 2),
                "boxes": [[rng.randint(0, 900), rng.randint(100, 300), 200, 400]],
                "snapshot": base64.b64encode(picture).decode()}
        answer = send_signed(conn_box, port, owner, data, tally)
        key = (owner["key"], data["event_id"])
        if answer is None:
            with tally.lock:
                tally.lost.append(data["event_id"])
            continue
        with tally.lock:
            tally.acks.setdefault(key, set()).add(answer["detection_id"])
        if rng.random() < resend_share:
            again = send_signed(conn_box, port, owner, data, tally)
            with tally.lock:
                if again is not None and again["detection_id"] == answer["detection_id"]:
                    tally.resends_same += 1
                else:
                    tally.resends_differ += 1
                if again is not None:
                    tally.acks[key].add(again["detection_id"])
    if conn_box[0] is not None:
        conn_box[0].close()


def warm_up(port: int, camera: tuple[str, dict], pictures, rng, count: int) -> dict:
    """A few detections before the burst, not counted: each web process loads the face
    detector's model on its first picture, and a burst meets a server that has been up."""
    warm = Tally()
    gate = threading.Event()
    gate.set()
    threads = [threading.Thread(target=camera_platform, args=(
        port, camera[0], camera[1], pictures, random.Random(rng.getrandbits(64)), 1, 0.0,
        warm, gate)) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return warm.acks


def set_up(count: int, rng: random.Random) -> tuple[list[tuple[str, dict]], dict]:
    """Migrate, register the owners and cameras; return (camera code, owner) pairs."""
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    from songnuan.cameras import services
    from songnuan.cameras.models import Camera
    from songnuan.geo.districts import random_point_in
    return _register(count, rng, services, Camera, random_point_in)


def _register(count, rng, services, Camera, random_point_in):
    from songnuan.network.geography import district_for_point

    owners = []
    for name, kind in OWNERS:
        owner, secret = services.create_owner(name, kind, by=None)
        owners.append({"key": owner.key_id, "secret": secret, "row": owner})
    cameras = []
    for index in range(count):
        owner = owners[index % len(owners)]
        while True:
            lat, lon = random_point_in(rng.choice(URBAN_DISTRICTS), rng)
            district = district_for_point(lat, lon)
            if district is not None:
                break
        code = f"CAM-{index:04d}"
        Camera.objects.create(code=code, name=f"桥洞 {index} 号", owner=owner["row"], lat=lat,
                              lon=lon, district=district)
        cameras.append((code, owner))
    return cameras, owners


def stored_vs_acknowledged(tally: Tally, warm_acks: dict) -> dict:
    from songnuan.cameras.models import Detection

    stored = {(key, event): pk for key, event, pk in
              Detection.objects.values_list("owner__key_id", "event_id", "pk")}
    acknowledged = {**warm_acks, **tally.acks}
    one_answer_each = all(len(ids) == 1 for ids in acknowledged.values())
    same = one_answer_each and stored == {key: next(iter(ids)) for key, ids in
                                          acknowledged.items()}
    return {"stored": len(stored), "acknowledged": len(acknowledged),
            "stored_equals_acknowledged": same}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.camera_burst",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("--cameras", type=int, default=200)
    parser.add_argument("--per-camera", type=int, default=10)
    parser.add_argument("--database-url", default=os.environ.get(
        "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/sn_cameras_burst"),
        help="a PostgreSQL URL (the database is created and dropped) or 'sqlite'")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1,
                        help="web processes (default: as songnuan serve)")
    parser.add_argument("--resend-share", type=float, default=0.05)
    parser.add_argument("--seed", type=int, default=19)
    args = parser.parse_args()

    rng = random.Random(args.seed)
    workdir = Path(tempfile.mkdtemp(prefix="camera-burst-"))
    postgres = args.database_url.startswith("postgres")
    db_url = args.database_url if postgres else f"sqlite:///{workdir / 'db.sqlite3'}"
    admin_url = db_url.rsplit("/", 1)[0] + "/postgres" if postgres else ""
    name = db_url.rsplit("/", 1)[1] if postgres else ""
    env = {"DATABASE_URL": db_url, "SECRET_KEY": "bench-only-secret",
           "FIELD_ENCRYPTION_KEY": "bench-only-field-encryption-key-0123456789",
           "DJANGO_SETTINGS_MODULE": "songnuan.settings", "LOG_LEVEL": "WARNING", "DEBUG": "",
           "DB_CONN_MAX_AGE": "600", "SONGNUAN_VAR_DIR": str(workdir / "var"),
           "MEDIA_ROOT": str(workdir / "media"), "PYTHONPATH": str(ROOT)}
    os.environ.update(env)
    if postgres:
        admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}"')
        admin_sql(admin_url, f'CREATE DATABASE "{name}"')
    server = None
    try:
        print(f"setting up {args.cameras} cameras on {'PostgreSQL' if postgres else 'SQLite'}…",
              flush=True)
        cameras, _owners = set_up(args.cameras, rng)
        pictures = scenes(rng)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-m", "songnuan.cli", "serve", "--host", "127.0.0.1", "--port",
             str(port), "--workers", str(args.workers), "--no-collectstatic"],
            env={**os.environ}, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            text=True)
        wait_for(port, timeout=120)
        warm_acks = warm_up(port, cameras[0], pictures, rng, args.workers * 3)
        tally = Tally()
        gate = threading.Event()
        threads = [threading.Thread(target=camera_platform, args=(
            port, code, owner, pictures, random.Random(rng.getrandbits(64)), args.per_camera,
            args.resend_share, tally, gate)) for code, owner in cameras]
        for thread in threads:
            thread.start()
        started = time.perf_counter()
        gate.set()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        counts = stored_vs_acknowledged(tally, warm_acks)
        latencies = tally.latencies
        report = {
            "database": "postgresql" if postgres else "sqlite",
            "cameras": args.cameras, "detections_per_camera": args.per_camera,
            "web_workers": args.workers, "seconds": round(elapsed, 1),
            "answers": len(latencies), "throughput_per_s": round(len(latencies) / elapsed, 1),
            "p50_ms": round(percentile(latencies, 0.50) * 1000),
            "p95_ms": round(percentile(latencies, 0.95) * 1000),
            "p99_ms": round(percentile(latencies, 0.99) * 1000),
            "statuses": tally.statuses, "connection_errors": tally.errors,
            "lost": len(tally.lost), "resends_same_answer": tally.resends_same,
            "resends_other_answer": tally.resends_differ, **counts,
        }
        print(json.dumps(report, indent=2, ensure_ascii=False))
        ok = (counts["stored_equals_acknowledged"] and not tally.lost
              and not tally.resends_differ)
        return 0 if ok else 1
    finally:
        stop(server)
        if postgres:
            from django.db import connections

            connections.close_all()
            admin_sql(admin_url, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    raise SystemExit(main())
